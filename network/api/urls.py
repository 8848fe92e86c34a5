"""API URLs of the province network (issue 15 item 4)."""

from django.urls import path

from . import views

urlpatterns = [
    path("network/", views.NetworkView.as_view(), name="network"),
    path("network/invite/", views.NetworkInviteView.as_view(), name="network-invite"),
    path("network/figures/", views.NetworkFiguresView.as_view(), name="network-figures"),
    path(
        "network/figures/export/",
        views.NetworkFiguresExportView.as_view(),
        name="network-figures-export",
    ),
    *[
        path(
            f"network/members/<int:pk>/{action}/",
            views.NetworkMemberActionView.as_view(action=action),
            name=f"network-member-{action}",
        )
        for action in ("accept", "leave", "remove")
    ],
    path("network/published/", views.PublishedListView.as_view(), name="network-published"),
    path(
        "network/published/<int:pk>/unpublish/",
        views.PublishedUnpublishView.as_view(),
        name="network-unpublish",
    ),
]
