"""Reads of the platform admin's pages: tenants with size and activity."""

from __future__ import annotations

from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.choices import TenantStatus
from accounts.models import Membership, Tenant
from ledgers.models import Entry, Evidence
from roster.models import Officer

from .models import TenantPurge

#: The status filter's values: ``deletion`` means marked for deletion.
STATUS_FILTERS = ("active", "suspended", "deletion")


def _per_tenant(model, aggregate, path: str = "tenant", **filters) -> Subquery:
    """``aggregate`` over ``model``'s rows of the outer tenant, reached by
    ``path`` (a field or a lookup path ending at the tenant); NULL without rows."""
    rows = (
        model.objects.filter(**{path: OuterRef("pk")}, **filters)
        .order_by()
        .values(path)
        .annotate(value=aggregate)
        .values("value")
    )
    return Subquery(rows)


def _count(model, **filters) -> Coalesce:
    return Coalesce(
        _per_tenant(model, Count("pk"), **filters), Value(0), output_field=IntegerField()
    )


def tenant_overview_list(*, q: str = "", status: str = "") -> QuerySet[Tenant]:
    """Every tenant with its officers, entries, active members, evidence
    bytes, its members' last login and its last entry, newest first; ``q``
    searches slug and name, ``status`` is one of :data:`STATUS_FILTERS`."""
    rows = Tenant.objects.all()
    if q:
        rows = rows.filter(Q(slug__icontains=q) | Q(name__icontains=q))
    if status == "active":
        rows = rows.filter(status=TenantStatus.ACTIVE)
    elif status == "suspended":
        rows = rows.filter(status=TenantStatus.SUSPENDED, deletion_due_at__isnull=True)
    elif status == "deletion":
        rows = rows.filter(deletion_due_at__isnull=False)
    return rows.annotate(
        officer_count=_count(Officer),
        entry_count=_count(Entry),
        member_count=_count(Membership, is_active=True),
        storage_bytes=Coalesce(_per_tenant(Evidence, Sum("size"), "entry__tenant"), Value(0)),
        last_login=_per_tenant(Membership, Max("user__last_login")),
        last_entry=_per_tenant(Entry, Max("created_at")),
    ).order_by("-created_at", "-id")


def purge_list() -> QuerySet[TenantPurge]:
    """The records of purged tenants, newest first."""
    return TenantPurge.objects.order_by("-purged_at", "-id")
