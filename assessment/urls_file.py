"""URLs: the officer's file (一人一档, issue 13 item 5)."""

from django.urls import path

from . import file_views

urlpatterns: list = [
    path(
        "officers/<int:pk>/file/",
        file_views.OfficerFilePageView.as_view(),
        name="officer-file-page",
    ),
    path(
        "officers/<int:pk>/file.xlsx",
        file_views.OfficerFileExportView.as_view(),
        name="officer-file-export",
    ),
]
