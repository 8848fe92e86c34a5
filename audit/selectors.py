"""Reading the audit log: a tenant's events, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Tenant

from .models import AuditEvent


def audit_event_list(*, tenant: Tenant) -> QuerySet[AuditEvent]:
    """The tenant's events, newest first (index ``audit_tenant_at``). The
    actor's name is stored on the row: no join."""
    return AuditEvent.objects.filter(tenant=tenant).order_by("-at", "-id")
