"""API URLs: the officer's file (一人一档, issue 13 item 5)."""

from django.urls import path

from .officer_file import OfficerFileExportView, OfficerFileView

urlpatterns: list = [
    path("officers/<int:pk>/file/", OfficerFileView.as_view(), name="officer-file"),
    path(
        "officers/<int:pk>/file.xlsx", OfficerFileExportView.as_view(), name="officer-file-export"
    ),
]
