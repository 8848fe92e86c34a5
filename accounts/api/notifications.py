"""The caller's notifications in a tenant (API.md "Notifications and
exports"): newest first, paginated; one marked read by id (404 for another
member's or another tenant's)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Notification
from accounts.notifications import notification_list, notification_mark_read
from liaison.api.permissions import ALL_ROLES
from liaison.api.viewsets import TenantScopedViewSet


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(mixins.ListModelMixin, TenantScopedViewSet):
    """Every member sees their own notifications only."""

    model = Notification
    serializer_class = NotificationSerializer
    action_roles = {"list": ALL_ROLES, "read": ALL_ROLES}

    def scope_queryset(self, queryset):
        return notification_list(membership=self.membership).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        """Mark one of the caller's notifications read (200 again when it is)."""
        note = notification_mark_read(
            membership=self.membership, notification_id=self.get_object().pk
        )
        return Response(self.get_serializer(note).data)
