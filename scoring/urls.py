from django.urls import path

from . import quota_views, views

urlpatterns = [
    path("rankings/", views.RankingRedirectView.as_view(), name="ranking-current"),
    path("rankings/<year:year>/", views.RankingPageView.as_view(), name="ranking-page"),
    path(
        "rankings/<year:year>/finalize/",
        views.RankingFinalizePageView.as_view(),
        name="ranking-page-finalize",
    ),
    path(
        "rankings/<year:year>/export/",
        views.RankingExportPageView.as_view(),
        name="ranking-page-export",
    ),
    path("exports/<int:pk>/", views.ExportPageView.as_view(), name="export-page"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
    path(
        "officers/<int:pk>/statement/<year:year>/",
        views.StatementPageView.as_view(),
        name="statement-page",
    ),
    path(
        "officers/<int:pk>/statement/<year:year>/export/",
        views.StatementExportView.as_view(),
        name="statement-export",
    ),
    path("quotas/", quota_views.QuotaListView.as_view(), name="quota-list"),
    path("quotas/<int:pk>/", quota_views.QuotaDetailView.as_view(), name="quota-detail"),
    path("quotas/<int:pk>/export/", quota_views.QuotaExportView.as_view(), name="quota-export"),
]
