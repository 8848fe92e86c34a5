"""Public API URLs: rating links, no login (issue 12)."""

from django.urls import path

from .ratings import PublicRatingView

urlpatterns = [
    path("ratings/<str:token>/", PublicRatingView.as_view(), name="public-rating"),
]
