"""API URLs of the matcher (issue 15)."""

from django.urls import path

from .views import MatchFeedbackView, MatchListView

urlpatterns = [
    path("matches/", MatchListView.as_view(), name="match-list"),
    path("matches/feedback/", MatchFeedbackView.as_view(), name="match-feedback"),
]
