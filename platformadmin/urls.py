"""The platform admin's pages under /platform/ (superusers only; others 404)."""

from django.urls import path

from . import views

urlpatterns = [
    path("tenants/", views.TenantListView.as_view(), name="platform-tenants"),
    path("tenants/new/", views.TenantOpenView.as_view(), name="platform-tenant-new"),
    path(
        "tenants/<int:pk>/<slug:action>/",
        views.TenantActionView.as_view(),
        name="platform-tenant-action",
    ),
    path("purges/", views.PurgeListView.as_view(), name="platform-purges"),
]
