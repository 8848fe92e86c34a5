"""``audit/``: the tenant's audit log, read-only (admin, auditor)."""

from __future__ import annotations

from rest_framework import exceptions, mixins

from audit.filtersets import AuditEventFilterSet
from audit.models import AuditEvent
from audit.selectors import audit_event_list
from liaison.api.permissions import READERS
from liaison.api.viewsets import TenantScopedViewSet

from .serializers import AuditEventSerializer


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Newest first; filters ``object_type``, ``object_id``, ``actor``,
    ``action``, ``at__gte``, ``at__lte``. Nothing here writes: other
    methods answer 405 (after the tenant is resolved, so another tenant's
    slug stays a 404)."""

    model = AuditEvent
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    action_roles = {"list": READERS, "retrieve": READERS}

    def check_permissions(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            raise exceptions.MethodNotAllowed(request.method)
        super().check_permissions(request)

    def scope_queryset(self, queryset):
        return audit_event_list(tenant=self.tenant)
