"""Pages of the province network, under /t/<slug>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("network/", views.NetworkHomeView.as_view(), name="network-home"),
    path("network/invite/", views.NetworkInviteView.as_view(), name="network-invite"),
    path("network/export/", views.NetworkExportView.as_view(), name="network-export"),
    path(
        "network/members/<int:pk>/<str:action>/",
        views.NetworkMemberActionView.as_view(),
        name="network-member-action",
    ),
    path("network/publish/<int:pk>/", views.NetworkPublishView.as_view(), name="network-publish"),
    path(
        "network/published/<int:pk>/unpublish/",
        views.NetworkUnpublishView.as_view(),
        name="network-unpublish",
    ),
]
