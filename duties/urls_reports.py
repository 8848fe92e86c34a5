"""Plans and reports pages under /t/<slug>/ (issue 13)."""

from django.urls import path, re_path

from . import report_views as views

urlpatterns = [
    path("reports/", views.MyReportsView.as_view(), name="report-mine"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report-create"),
    path("reports/review/", views.ReviewQueueView.as_view(), name="report-review"),
    path("reports/overdue/", views.OverdueView.as_view(), name="report-overdue"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    re_path(
        r"^reports/(?P<pk>\d+)/(?P<action>submit|accept|return)/$",
        views.ReportActionView.as_view(),
        name="report-action",
    ),
]
