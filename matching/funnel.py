"""The funnel demand → match → event → conversion for a year (issue 15
item 2): per officer, per district and for the programme (or the caller's
reach), read off the ledger and the stored matches.

- demands: verified demand entries of the year (by their date);
- converted: the ones a verified conversion names in ``matched`` (the
  conversion form's "demands met");
- with an event: the ones a verified matchmaking event names in ``matched``,
  and every converted one;
- matched: the ones with at least one stored match, and every one with an
  event;
- rate: converted / demands (``None`` without demands).

Each stage counts the demands that reached it or a later one, so the funnel
narrows: demands ≥ matched ≥ events ≥ converted (a demand an officer
converted without the matcher still went through every step).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Subquery

from accounts.models import Membership, Tenant
from ledgers.choices import EntryKind, EntryStatus
from ledgers.models import Credit, Entry
from roster.models import District
from roster.selectors import districts_in_reach, officer_list

from .models import Match

STAGES = ("demands", "matched", "events", "converted")


def _rate(converted: int, demands: int) -> Decimal | None:
    if not demands:
        return None
    return (Decimal(converted) / Decimal(demands)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _counts(ids: Iterable[int], sets: dict[str, set[int]]) -> dict:
    ids = set(ids)
    out = {
        "demands": len(ids),
        "matched": len(ids & sets["matched"]),
        "events": len(ids & sets["events"]),
        "converted": len(ids & sets["converted"]),
    }
    out["rate"] = _rate(out["converted"], out["demands"])
    return out


def _verified_links(tenant: Tenant, **more):
    """The ``matched`` links from the tenant's verified entries to the
    demands they name: from a conversion, the demand is converted; from an
    event, it got one (the one definition of both stages)."""
    return Entry.matched.through.objects.filter(
        from_entry__tenant=tenant, from_entry__status=EntryStatus.VERIFIED, **more
    )


def _stage_sets(tenant: Tenant, demand_ids: set[int]) -> dict[str, set[int]]:
    linked = _verified_links(tenant, to_entry_id__in=demand_ids)
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, demand_id in linked.values_list("from_entry__kind", "to_entry_id"):
        by_kind[kind].add(demand_id)
    converted = set(by_kind[EntryKind.CONVERSION])
    events = set(by_kind[EntryKind.EVENT]) | converted
    matched = events | set(
        Match.objects.for_tenant(tenant)
        .filter(demand_id__in=demand_ids)
        .order_by()  # the model's ordering would join the tenant into the DISTINCT
        .values_list("demand_id", flat=True)
        .distinct()
    )
    return {
        "matched": matched,
        "events": events,
        "converted": converted,
    }


def funnel(*, membership: Membership, year: int) -> dict:
    """``{"year", "programme", "districts", "officers"}``: counts and rate
    (a :class:`~decimal.Decimal` of 4 places, or ``None``) of the whole
    programme for admins and auditors, else of the demands crediting an
    officer in the caller's reach; each district in reach (by the credited
    officers' districts, a demand once per district); each officer in reach
    that any demand of the year credits, by name."""
    tenant = membership.tenant
    demands = set(
        Entry.objects.for_tenant(tenant)
        .filter(kind=EntryKind.DEMAND, status=EntryStatus.VERIFIED, occurred_on__year=year)
        .values_list("id", flat=True)
    )
    officers = {o.id: o for o in officer_list(membership=membership).select_related("district")}
    by_officer: dict[int, set[int]] = defaultdict(set)
    by_district: dict[int, set[int]] = defaultdict(set)
    for entry_id, officer_id, district_id in Credit.objects.filter(
        entry_id__in=demands
    ).values_list("entry_id", "officer_id", "officer__district_id"):
        if officer_id in officers:
            by_officer[officer_id].add(entry_id)
        if district_id:
            by_district[district_id].add(entry_id)
    if membership.reads_all:
        scope = demands
    else:
        scope = set().union(*by_officer.values()) if by_officer else set()
    sets = _stage_sets(tenant, demands)
    districts: list[District] = list(districts_in_reach(membership=membership).order_by("code"))
    return {
        "year": year,
        "programme": _counts(scope, sets),
        "districts": [
            {"code": d.code, "name": d.name, **_counts(by_district.get(d.id, ()), sets)}
            for d in districts
        ],
        "officers": [
            {
                "id": o.id,
                "name": o.full_name,
                "district": o.district.code if o.district_id else None,
                **_counts(by_officer[o.id], sets),
            }
            for o in sorted(
                (officers[i] for i in by_officer),
                key=lambda o: (o.district.code if o.district_id else "", o.full_name, o.id),
            )
        ],
    }


def officer_rates(*, tenant: Tenant, year: int, officer_ids: Iterable[int]) -> dict[int, Decimal]:
    """Conversion rate (converted / demands) of each given officer with
    demands in the year; officers without demands are left out. The rate
    needs two of the funnel's stages only (a demand, and a converted one: a
    verified conversion of the tenant names it in ``matched``), so it is two
    grouped queries over the officers' credits (read from the index
    ``credit_officer_entry``), whatever the number of their demands: the
    ranking page asks it for the rows shown."""
    officer_ids = list(officer_ids)
    if not officer_ids:
        return {}
    credits = (
        Credit.objects.filter(
            tenant=tenant,  # the entry's (a trigger keeps them equal)
            officer_id__in=officer_ids,
            entry__tenant=tenant,
            entry__kind=EntryKind.DEMAND,
            entry__status=EntryStatus.VERIFIED,
            entry__occurred_on__year=year,
        )
        .order_by()
        .values("officer_id")
        .annotate(n=Count("entry_id", distinct=True))
    )
    demands = dict(credits.values_list("officer_id", "n"))
    if not demands:
        return {}
    conversions = _verified_links(tenant, from_entry__kind=EntryKind.CONVERSION).values(
        "to_entry_id"
    )
    converted = dict(
        credits.filter(entry_id__in=Subquery(conversions)).values_list("officer_id", "n")
    )
    return {officer: _rate(converted.get(officer, 0), n) for officer, n in demands.items()}


__all__ = ["STAGES", "annotate_conversion_rates", "funnel", "officer_rates", "rate_label"]


def rate_label(rate: Decimal | None) -> str:
    """A rate as a whole percentage (``"50%"``), or ``""`` without one."""
    if rate is None:
        return ""
    return f"{(rate * 100).quantize(Decimal('1'), ROUND_HALF_UP)}%"


def annotate_conversion_rates(*, tenant: Tenant, year: int, rows: Iterable[dict]) -> None:
    """Set ``row["conversion_rate"]`` (a label, ``""`` without demands) on
    rows keyed by officer id in ``row["officer"]`` (the ranking's and the
    assessment's rows): one read for all."""
    rows = list(rows)
    rates = officer_rates(tenant=tenant, year=year, officer_ids={r["officer"] for r in rows})
    for row in rows:
        row["conversion_rate"] = rate_label(rates.get(row["officer"]))
