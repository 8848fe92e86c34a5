from django.urls import path, re_path

from . import views

urlpatterns = [
    path("work/", views.MyWorkView.as_view(), name="my-work"),
    path("work/export/", views.LedgerExportView.as_view(), name="ledger-export"),  # issue 14
    path("work/new/<slug:kind>/", views.EntryCreateView.as_view(), name="entry-create"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry-detail"),
    path("entries/<int:pk>/edit/", views.EntryUpdateView.as_view(), name="entry-update"),
    path("entries/<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence-upload"),
    path(
        "entries/<int:pk>/evidence/<int:evidence_pk>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    re_path(
        r"^entries/(?P<pk>\d+)/(?P<action>submit|withdraw|verify|return|confirm|decline)/$",
        views.EntryActionView.as_view(),
        name="entry-action",
    ),
    path("review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("libraries/", views.LibraryView.as_view(), name="library"),
    path("libraries/new/", views.ReferenceCreateView.as_view(), name="reference-create"),
]
