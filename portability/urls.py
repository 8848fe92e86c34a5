from django.urls import path

from . import views

urlpatterns = [
    path("tenant-exports/", views.TenantExportListView.as_view(), name="tenant-export-list"),
    path(
        "tenant-exports/<int:pk>/", views.TenantExportPageView.as_view(), name="tenant-export-page"
    ),
    path(
        "tenant-exports/<int:pk>/download/",
        views.TenantExportDownloadView.as_view(),
        name="tenant-export-download",
    ),
]
