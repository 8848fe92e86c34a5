"""Statements (every share of an officer's year), what an entry gives each
officer, the monthly chart of a pool and the changes after a freeze."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from fractions import Fraction

from django.db.models import Count, F, QuerySet, Sum, Value
from django.db.models.functions import ExtractMonth

from accounts.models import Policy, Tenant
from accounts.selectors import policy_in_force
from ledgers.models import EntryEvent
from roster.models import Officer

from .. import engine
from ..engine import exact_text, two_decimals
from ..models import RankingSnapshot, Share, ShareTally
from .ranking import YearResult, check_year, live_shares, pool_name, shares_as_of, snapshot_get


def entry_share_rows(*, entry) -> list[dict]:
    """What a verified entry gives each officer sharing it (its live shares)."""
    rows = (
        live_shares(entry.tenant)
        .filter(entry=entry)
        .order_by("officer_id")
        .values_list("officer__full_name", "points", "group_size")
    )
    return [
        {
            "officer": name,
            "points": two_decimals(Fraction(p, n)),
            "exact": exact_text(Fraction(p, n)),
        }
        for name, p, n in rows
    ]


def pool_months(
    *,
    tenant: Tenant,
    year: int,
    final: RankingSnapshot | None = None,
    draft: YearResult | None = None,
):
    """Points per month (bonus aside) of each pool of a year, exact. The
    database sums each officer's month as one integer over ``scale``, the
    lcm of the group sizes (``points × scale / size`` is whole), reading the
    ``share_live_month`` index in order; Python adds officers into pools.
    A finalised year reads its shares as they stood at the finalisation,
    under its policy; a draft already computed (``draft``) lends its pools."""
    if final is None:
        policy = (
            draft.facts.policy
            if draft
            else policy_in_force(tenant=tenant, on=dt.date(year, 12, 31))
        )
        shares = live_shares(tenant).filter(year=year)
        sizes = ShareTally.objects.filter(tenant=tenant, year=year, count__gt=0)
    else:
        policy = Policy.objects.for_tenant(tenant).get(version=final.policy_version)
        shares = sizes = shares_as_of(tenant, final.finalized_at).filter(year=year)
    scale = math.lcm(1, *sizes.order_by().values_list("group_size", flat=True).distinct())
    if draft is not None:
        pools = {officer.id: officer.pool for officer in draft.facts.facts}
    else:
        categories = {c["code"]: c for c in policy.rules["categories"]}
        pools = {
            officer_id: pool_name(categories.get(category), district)
            for officer_id, category, district in Officer.objects.for_tenant(tenant).values_list(
                "id", "category", "district__code"
            )
        }
    months: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    rows = (
        shares.annotate(month=ExtractMonth("occurred_on"))
        .values("officer_id", "month")
        .annotate(n=Sum(F("points") * (Value(scale) / F("group_size"))))
        .order_by()
        .values_list("officer_id", "month", "n")
    )
    for officer_id, month, numerator in rows:
        if officer_id in pools:  # shares exist only for officers of the year
            months[pools[officer_id]][int(month) - 1] += int(numerator)
    return {pool: [Fraction(n, scale) for n in values] for pool, values in months.items()}


def officer_months(
    *, tenant: Tenant, year: int, officers: list[int], final: RankingSnapshot | None = None
) -> dict[int, list[Fraction]]:
    """Points per month (bonus aside) of a few officers of a year, exact:
    the live shares, or for a finalised year the shares as they stood at the
    finalisation (as :func:`pool_months` reads them)."""
    shares = live_shares(tenant) if final is None else shares_as_of(tenant, final.finalized_at)
    out = {officer_id: [Fraction(0)] * 12 for officer_id in officers}
    rows = (
        shares.filter(year=year, officer_id__in=officers)
        .annotate(month=ExtractMonth("occurred_on"))
        .values("officer_id", "month", "points", "group_size")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("officer_id", "month", "points", "group_size", "n")
    )
    for officer_id, month, points, size, n in rows:
        out[officer_id][int(month) - 1] += Fraction(points * n, size)
    return out


def render_statement(score: engine.OfficerScore, year: int) -> dict:
    return {
        "officer": score.officer,
        "year": year,
        "lines": [
            {
                "entry": line.entry,
                "kind": line.kind,
                "occurred_on": line.occurred_on.isoformat(),
                "credited": list(line.credited),
                "share": two_decimals(line.share),
                "share_exact": exact_text(line.share),
                "reason": line.reason,
            }
            for line in score.lines
        ],
        "bonus": str(score.bonus),
        "bonus_reason": score.bonus_reason,
        "total": two_decimals(score.total),
        "total_exact": exact_text(score.total),
    }


def _statement_shares(shares: QuerySet[Share], officer: Officer, year: int):
    """The officer's shares of the year, each with every officer sharing
    the same entry (from the same set of shares)."""
    mine = list(
        shares.filter(officer=officer, year=year).values_list(
            "entry_id", "kind", "occurred_on", "points", "group_size"
        )
    )
    credited: dict[int, list[int]] = defaultdict(list)
    for entry_id, officer_id in (
        shares.filter(entry_id__in=[row[0] for row in mine])
        .order_by("entry_id", "officer_id")
        .values_list("entry_id", "officer_id")
    ):
        credited[entry_id].append(officer_id)
    return [
        engine.ShareFact(
            entry=entry_id,
            kind=kind,
            occurred_on=occurred_on,
            officer=officer.id,
            points=points,
            group_size=size,
            credited=tuple(credited[entry_id]),
        )
        for entry_id, kind, occurred_on, points, size in mine
    ]


def statement_for(*, tenant: Tenant, officer: Officer, year: int) -> dict:
    """An officer's statement: every share of the year and the bonus, from
    the live shares, or for a finalised year from the shares as they stood
    when it was finalised (under the policy version it was finalised with)."""
    snapshot = snapshot_get(tenant=tenant, year=check_year(year))
    if snapshot is not None and str(officer.id) in snapshot.statements:  # older snapshots
        return {**snapshot.statements[str(officer.id)], "status": "final"}
    if snapshot is not None:
        policy = Policy.objects.for_tenant(tenant).get(version=snapshot.policy_version)
        shares, status = shares_as_of(tenant, snapshot.finalized_at), "final"
    else:
        policy = policy_in_force(tenant=tenant, on=dt.date(year, 12, 31))
        shares, status = live_shares(tenant), "draft"
    score = engine.score_from_shares(
        officer.id,
        _statement_shares(shares, officer, year),
        engine.Rules.from_policy(policy.rules),
    )
    return {**render_statement(score, year), "status": status}


def after_freeze_changes(*, tenant: Tenant, year: int) -> list[EntryEvent]:
    """Changes to the year's entries made after its ranking was finalised."""
    snapshot = snapshot_get(tenant=tenant, year=year)
    if snapshot is None:
        return []
    return list(
        EntryEvent.objects.filter(
            entry__tenant=tenant,
            entry__occurred_on__year=year,
            at__gt=snapshot.finalized_at,
            action__in=["verified", "corrected", "rescored", "returned", "updated", "withdrawn"],
        )
        .select_related("entry", "actor")
        .order_by("at")
    )
