"""URLs: rating links, district opinions and marks of a year (issue 12)."""

from django.urls import path

from .rating_views import (
    MarkView,
    OpinionView,
    RatingReissueView,
    RatingsCurrentView,
    RatingsPageView,
)

urlpatterns = [
    path("assessment/ratings/", RatingsCurrentView.as_view(), name="rating-current"),
    path("assessment/<year:year>/ratings/", RatingsPageView.as_view(), name="rating-page"),
    path(
        "assessment/<year:year>/ratings/<int:pk>/reissue/",
        RatingReissueView.as_view(),
        name="rating-reissue",
    ),
    path("assessment/<year:year>/opinions/", OpinionView.as_view(), name="rating-opinion"),
    path("assessment/<year:year>/marks/", MarkView.as_view(), name="rating-mark"),
]
