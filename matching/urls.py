"""Matching pages (issue 15 item 2)."""

from django.urls import path

from . import views

urlpatterns = [
    path("matches/", views.MatchListPageView.as_view(), name="match-list"),
    path("matches/funnel/", views.FunnelPageView.as_view(), name="match-funnel"),
    path(
        "matches/<int:pk>/not-relevant/",
        views.MatchNotRelevantView.as_view(),
        name="match-not-relevant",
    ),
    path(
        "matches/network/<int:pk>/not-relevant/",
        views.NetworkNotRelevantView.as_view(),
        name="network-match-not-relevant",
    ),
    path("matches/<int:pk>/arrange/", views.MatchArrangeView.as_view(), name="match-arrange"),
]
