from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("audit/export/", views.AuditExportView.as_view(), name="audit-export"),
    path("exports/verify/", views.ExportVerifyView.as_view(), name="export-verify"),  # issue 14
]
