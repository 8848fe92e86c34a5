"""API URLs of the matcher (issue 15)."""

from django.urls import path

from .views import MatchFeedbackView, MatchFunnelView, MatchListView

urlpatterns = [
    path("matches/", MatchListView.as_view(), name="match-list"),
    path("matches/funnel/", MatchFunnelView.as_view(), name="match-funnel"),
    path("matches/feedback/", MatchFeedbackView.as_view(), name="match-feedback"),
]
