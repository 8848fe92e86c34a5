"""API URLs: checking an exported Excel file (issue 14)."""

from django.urls import path

from .exports import ExportVerifyView

urlpatterns: list = [
    path("exports/verify/", ExportVerifyView.as_view(), name="export-verify"),
]
