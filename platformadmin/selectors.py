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


def _count(model, **filters) -> Subquery:
    rows = (
        model.objects.filter(tenant=OuterRef("pk"), **filters)
        .order_by()
        .values("tenant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


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
    storage = (
        Evidence.objects.filter(entry__tenant=OuterRef("pk"))
        .order_by()
        .values("entry__tenant")
        .annotate(n=Sum("size"))
        .values("n")
    )
    last_login = (
        Membership.objects.filter(tenant=OuterRef("pk"))
        .order_by()
        .values("tenant")
        .annotate(at=Max("user__last_login"))
        .values("at")
    )
    last_entry = (
        Entry.objects.filter(tenant=OuterRef("pk"))
        .order_by()
        .values("tenant")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    return rows.annotate(
        officer_count=_count(Officer),
        entry_count=_count(Entry),
        member_count=_count(Membership, is_active=True),
        storage_bytes=Coalesce(Subquery(storage), Value(0)),
        last_login=Subquery(last_login),
        last_entry=Subquery(last_entry),
    ).order_by("-created_at", "-id")


def purge_list() -> QuerySet[TenantPurge]:
    """The records of purged tenants, newest first."""
    return TenantPurge.objects.order_by("-purged_at", "-id")
