"""The demo's matchmaking funnel (issue 15 item 2): after the demo's demands
are matched, some of them are named by a verified matchmaking event of
their officer, and some of those by a verified conversion, so the funnel
page shows every stage. Deterministic: the demands in id order."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Tenant
from ledgers.choices import EntryKind, EntryStatus
from ledgers.models import Entry

from .models import Match

#: Every EVENT_EVERY-th matched demand gets an event; every CONVERT_EVERY-th
#: of those a conversion.
EVENT_EVERY = 3
CONVERT_EVERY = 2


def link_demo_funnel(*, tenant: Tenant, year: int) -> tuple[int, int]:
    """Link demands to the demo's verified events and conversions; returns
    (demands with an event, demands converted)."""
    verified = Entry.objects.for_tenant(tenant).filter(
        status=EntryStatus.VERIFIED, occurred_on__year=year
    )
    matched = (
        verified.filter(kind=EntryKind.DEMAND, is_valid=True)
        .filter(id__in=Match.objects.for_tenant(tenant).values("demand_id"))
        .order_by("id")
    )
    used_events: set[int] = set()
    used_conversions: set[int] = set()
    with_event = converted = 0
    for n, demand in enumerate(matched):
        if n % EVENT_EVERY:
            continue
        officers = demand.credits.values("officer_id")
        event = (
            verified.filter(kind=EntryKind.EVENT, credits__officer_id__in=officers)
            .filter(occurred_on__gte=demand.occurred_on)
            .exclude(id__in=used_events)
            .order_by("occurred_on", "id")
            .first()
        )
        if event is None:
            continue
        best = (
            Match.objects.for_tenant(tenant)
            .filter(demand=demand, achievement__isnull=False)
            .order_by("-score", "id")
            .first()
        )
        event.matched.add(demand, *([best.achievement_id] if best else []))
        used_events.add(event.id)
        with_event += 1
        if with_event % CONVERT_EVERY:
            continue
        # a later conversion of the demand's officer or to its enterprise
        conversion = (
            verified.filter(kind=EntryKind.CONVERSION, occurred_on__gte=event.occurred_on)
            .filter(Q(credits__officer_id__in=officers) | Q(enterprise_id=demand.enterprise_id))
            .exclude(id__in=used_conversions)
            .order_by("occurred_on", "id")
            .first()
        )
        if conversion is not None:
            conversion.matched.add(demand)
            used_conversions.add(conversion.id)
            converted += 1
    return with_event, converted
