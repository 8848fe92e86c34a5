"""URLs: the public rater page, no login (issue 12)."""

from django.urls import path

from .rating_views import PublicRatingPageView

urlpatterns = [
    path("ratings/<str:token>/", PublicRatingPageView.as_view(), name="public-rating"),
]
