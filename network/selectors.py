"""Reads of the province network. Every read names the tenant it reads for;
a member's figures are computed by the owning apps' selectors with that
member tenant passed explicitly, and only counts leave this module — never
a name or an id of an officer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import Tenant
from accounts.selectors import policy_in_force
from duties.selectors import reports_on_time
from ledgers.choices import EntryKind, EntryStatus
from ledgers.models import Entry
from roster.choices import OfficerStatus
from roster.selectors import officers_appointed
from scoring.models import RankingSnapshot
from scoring.selectors.ranking import frozen_pools

from .choices import PUBLISHABLE_KINDS, MemberStatus
from .models import Network, NetworkMember, PublishedItem


def network_of(*, tenant: Tenant) -> Network | None:
    """The network the tenant runs as a province association, if any."""
    return Network.objects.for_tenant(tenant).first()


def member_list(*, network: Network) -> QuerySet[NetworkMember]:
    """The network's invitations and members, current ones first."""
    return (
        NetworkMember.objects.filter(network=network)
        .select_related("tenant")
        .order_by("status", "tenant__name", "id")
    )


def active_members(*, network: Network) -> QuerySet[NetworkMember]:
    return member_list(network=network).filter(status=MemberStatus.ACTIVE)


def memberships_of(*, tenant: Tenant) -> QuerySet[NetworkMember]:
    """The tenant's own invitations and memberships (the city side)."""
    return (
        NetworkMember.objects.for_tenant(tenant)
        .select_related("network", "network__tenant")
        .order_by("status", "-invited_at")
    )


def active_network(*, tenant: Tenant) -> Network | None:
    """The network the tenant is an active member of (one at most)."""
    member = memberships_of(tenant=tenant).filter(status=MemberStatus.ACTIVE).first()
    return member.network if member else None


def published_items(network: Network, exclude_tenant: Tenant | None = None) -> QuerySet:
    """Items published to ``network`` that may be shown now: the publisher is
    still an active member and in service (a tenant the platform admin
    suspended shows nothing to the others until reactivated), and the entry
    is still a verified demand or achievement. ``exclude_tenant`` leaves out
    one member's own items (the matching engine spans the *other* members').
    Officers are not joined: a published item carries no personal data."""
    active = NetworkMember.objects.filter(
        network=network, status=MemberStatus.ACTIVE, tenant__in=Tenant.objects.in_service()
    )
    items = (
        PublishedItem.objects.filter(
            network=network,
            tenant__in=active.values("tenant"),
            entry__status=EntryStatus.VERIFIED,
            entry__kind__in=PUBLISHABLE_KINDS,
        )
        .select_related("tenant", "entry")
        .order_by("-published_at", "-id")
    )
    if exclude_tenant is not None:
        items = items.exclude(tenant=exclude_tenant)
    return items


def published_by(*, tenant: Tenant) -> QuerySet[PublishedItem]:
    """The tenant's own publications (to unpublish them)."""
    return PublishedItem.objects.for_tenant(tenant).select_related("entry", "network")


def publishable_entries(*, tenant: Tenant) -> QuerySet[Entry]:
    """The tenant's verified demands and achievements, newest first."""
    return (
        Entry.objects.for_tenant(tenant)
        .filter(status=EntryStatus.VERIFIED, kind__in=PUBLISHABLE_KINDS)
        .order_by("-occurred_on", "-id")
    )


@dataclass
class MemberFigures:
    """One member programme's figures for a year: counts only."""

    tenant: Tenant
    officers: int
    entries: dict[str, int] = field(default_factory=dict)
    conversions: int = 0
    contract_amount: object = 0
    excellence_year: int | None = None
    excellent: int = 0
    reports_on_time: Fraction | None = None

    @property
    def entries_total(self) -> int:
        return sum(self.entries.values())

    @property
    def on_time_percent(self) -> int | None:
        if self.reports_on_time is None:
            return None
        return round(self.reports_on_time * 100)


def member_figures(*, tenant: Tenant, year: int, today: dt.date) -> MemberFigures:
    """The aggregate figures of one member ``tenant`` (SPEC.md §5b), each
    computed through the app that owns it, for that tenant only."""
    officers = list(
        officers_appointed(tenant=tenant, start=today, end=today).filter(
            status=OfficerStatus.ACTIVE
        )
    )
    counts = dict(
        Entry.objects.for_tenant(tenant)
        .filter(status=EntryStatus.VERIFIED, occurred_on__year=year)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    entries = {kind: counts.get(kind, 0) for kind in EntryKind.values}
    amount = (
        Entry.objects.for_tenant(tenant)
        .filter(Q(status=EntryStatus.VERIFIED, occurred_on__year=year, kind=EntryKind.CONVERSION))
        .aggregate(total=Sum("contract_amount"))["total"]
        or 0
    )
    figures = MemberFigures(
        tenant=tenant,
        officers=len(officers),
        entries=entries,
        conversions=entries[EntryKind.CONVERSION],
        contract_amount=amount,
    )
    snapshot = RankingSnapshot.objects.for_tenant(tenant).order_by("-year").first()
    if snapshot is not None:
        figures.excellence_year = snapshot.year
        figures.excellent = sum(
            1 for pool in frozen_pools(snapshot) for row in pool["rows"] if row.get("excellent")
        )
    rules = policy_in_force(tenant=tenant, on=min(today, dt.date(year, 12, 31))).rules
    shares = [
        share
        for share in reports_on_time(
            tenant=tenant, rules=rules, officers=officers, year=year, today=today
        ).values()
        if share is not None
    ]
    if shares:
        figures.reports_on_time = sum(shares, Fraction(0)) / len(shares)
    return figures


def network_figures(*, network: Network, year: int, today: dt.date) -> list[MemberFigures]:
    """Figures of every active member of the network, by programme name."""
    return [
        member_figures(tenant=member.tenant, year=year, today=today)
        for member in active_members(network=network).order_by("tenant__name", "id")
    ]


@dataclass
class FiguresTotal:
    """The network's totals over its members (the sheet's 合计 row)."""

    officers: int = 0
    entries: dict[str, int] = field(default_factory=dict)
    entries_total: int = 0
    contract_amount: object = 0
    excellent: int = 0


def figures_total(rows: list[MemberFigures]) -> FiguresTotal:
    return FiguresTotal(
        officers=sum(r.officers for r in rows),
        entries={k: sum(r.entries.get(k, 0) for r in rows) for k in EntryKind.values},
        entries_total=sum(r.entries_total for r in rows),
        contract_amount=sum((r.contract_amount for r in rows), 0),
        excellent=sum(r.excellent for r in rows),
    )


def figures_as_json(figures: MemberFigures) -> dict:
    return {
        "tenant": figures.tenant.slug,
        "name": figures.tenant.name,
        "officers": figures.officers,
        "entries": figures.entries,
        "conversions": figures.conversions,
        "contract_amount": f"{figures.contract_amount:.2f}",
        "excellence_year": figures.excellence_year,
        "excellent": figures.excellent,
        "reports_on_time": (
            None if figures.reports_on_time is None else f"{float(figures.reports_on_time):.4f}"
        ),
    }
