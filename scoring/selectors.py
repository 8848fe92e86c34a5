"""Feeding the points engine from the ledger, and reading its results in the
shapes the API, pages and exports use."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from accounts.models import Membership, Policy, Tenant
from accounts.selectors import policy_in_force
from ledgers.models import Credit, EntryEvent
from roster.models import Officer
from roster.selectors import districts_in_reach

from . import engine
from .engine import exact_text, two_decimals
from .models import RankingSnapshot, Share

KINDS = ("achievement", "demand", "event", "conversion", "case", "video")


@dataclass(frozen=True)
class OfficerRow:
    """What a ranking shows of an officer."""

    id: int
    full_name: str
    category: str
    district: str | None  # district code


@dataclass(frozen=True)
class YearFacts:
    tenant: Tenant
    year: int
    policy: Policy
    rules: engine.Rules
    officers: dict[int, OfficerRow]
    facts: list[engine.OfficerFact]
    entries: list[engine.EntryFact]


def pool_name(category: dict | None, district: str | None) -> str:
    """``city``, ``all`` or ``district:CODE`` (API.md pool names)."""
    pool = (category or {}).get("pool", "all")
    if pool == "district":
        return f"district:{district or '-'}"
    return pool


FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_year(year: int) -> int:
    """A ranking year the portal knows: 2000–2100 (else a clear 400)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "year": _("Give a year between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    return year


def _year_officers(*, tenant: Tenant, year: int, policy: Policy | None = None):
    """The policy at the year's end (unless given), and every officer who
    held an appointment in the tenant during the year, as rows and engine
    facts."""
    start, end = dt.date(check_year(year), 1, 1), dt.date(year, 12, 31)
    policy = policy or policy_in_force(tenant=tenant, on=end)
    categories = {c["code"]: c for c in policy.rules["categories"]}
    officers, facts = {}, []
    rows = (
        _officers_of_year(tenant, start, end)
        .order_by("id")
        .values_list("id", "full_name", "category", "district__code", "status", "disqualified_on")
    )
    for officer_id, full_name, code, district, status, disqualified_on in rows:
        officers[officer_id] = OfficerRow(officer_id, full_name, code, district)
        category = categories.get(code)
        disqualified = (
            status == "disqualified"
            and disqualified_on is not None
            and start <= disqualified_on <= end
        )
        facts.append(
            engine.OfficerFact(
                id=officer_id,
                pool=pool_name(category, district),
                group=(category or {}).get("scoring_group", code),
                eligible=not disqualified,
                ineligible_reason="disqualified in the year" if disqualified else "",
            )
        )
    return policy, officers, facts


def _officers_of_year(tenant: Tenant, start: dt.date, end: dt.date):
    return (
        Officer.objects.for_tenant(tenant)
        .filter(term_start__lte=end, term_end__gte=start)
        .exclude(status="disqualified", disqualified_on__lt=start)
    )


def _facts(tenant: Tenant, year: int, entries: list[engine.EntryFact]) -> YearFacts:
    policy, officers, facts = _year_officers(tenant=tenant, year=year)
    return YearFacts(
        tenant=tenant,
        year=year,
        policy=policy,
        rules=engine.Rules.from_policy(policy.rules),
        officers=officers,
        facts=facts,
        entries=entries,
    )


def ledger_entries(*, tenant: Tenant, year: int) -> list[engine.EntryFact]:
    """The year's verified entries (by occurred-on date) with their credits,
    read from the ledger itself rather than from the stored shares."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    credits = Credit.objects.filter(
        entry__tenant=tenant, entry__status="verified", entry__occurred_on__range=(start, end)
    )
    credited: dict[int, list[int]] = defaultdict(list)
    meta: dict[int, tuple[str, dt.date]] = {}
    rows = credits.order_by("entry_id", "id").values_list(
        "entry_id", "entry__kind", "entry__occurred_on", "officer_id"
    )
    for entry_id, kind, occurred_on, officer_id in rows.iterator(chunk_size=5000):
        credited[entry_id].append(officer_id)
        meta[entry_id] = (kind, occurred_on)
    return [
        engine.EntryFact(id=e, kind=meta[e][0], occurred_on=meta[e][1], officers=tuple(ids))
        for e, ids in credited.items()
    ]


def live_shares(tenant: Tenant) -> QuerySet[Share]:
    return Share.objects.filter(tenant=tenant, superseded_at__isnull=True)


def shares_as_of(tenant: Tenant, at: dt.datetime) -> QuerySet[Share]:
    """The shares as they stood at ``at`` (a finalisation's time)."""
    return Share.objects.filter(tenant=tenant, created_at__lte=at).filter(
        Q(superseded_at__isnull=True) | Q(superseded_at__gt=at)
    )


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


def year_groups(*, tenant: Tenant, year: int) -> list[engine.CreditGroup]:
    """The year's live shares counted per (officer, kind, points, group
    size): one small GROUP BY over the ``share_live_year`` index."""
    rows = (
        live_shares(tenant)
        .filter(year=year)
        .values("officer_id", "kind", "points", "group_size")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("officer_id", "kind", "points", "group_size", "n")
    )
    return [
        engine.CreditGroup(officer=o, kind=k, points=p, group_size=g, count=n)
        for o, k, p, g, n in rows
    ]


def pool_months(*, tenant: Tenant, year: int, final: RankingSnapshot | None = None):
    """Points per month (bonus aside) of each pool of a year, exact, summed
    in SQL per (category, district, points, group size, month): a few
    thousand rows whatever the size of the ledger. A finalised year reads
    its shares as they stood at the finalisation, under its policy."""
    if final is None:
        policy = policy_in_force(tenant=tenant, on=dt.date(year, 12, 31))
        shares = live_shares(tenant)
    else:
        policy = Policy.objects.for_tenant(tenant).get(version=final.policy_version)
        shares = shares_as_of(tenant, final.finalized_at)
    categories = {c["code"]: c for c in policy.rules["categories"]}
    months: dict[str, list[Fraction]] = defaultdict(lambda: [Fraction(0)] * 12)
    rows = (
        shares.filter(year=year)
        .annotate(month=ExtractMonth("occurred_on"))
        .values("officer__category", "officer__district__code", "points", "group_size", "month")
        .annotate(n=Count("id"))
        .order_by()
        .values_list(
            "officer__category", "officer__district__code", "points", "group_size", "month", "n"
        )
    )
    for category, district, points, size, month, count in rows:
        pool = pool_name(categories.get(category), district)
        months[pool][int(month) - 1] += Fraction(points * count, size)
    return dict(months)


@dataclass(frozen=True)
class YearResult:
    facts: YearFacts
    scores: dict[int, engine.OfficerScore]
    pools: list[engine.PoolResult]


def year_result(*, tenant: Tenant, year: int, recompute: bool = False) -> YearResult:
    """The year's scores and pools from the stored shares (fast, exact).
    ``recompute`` scores the ledger entry by entry instead, with every
    line: an audit of the stored shares, which must give the same figures."""
    if recompute:
        facts = _facts(tenant, year, ledger_entries(tenant=tenant, year=year))
        scores = engine.score_officers(facts.entries, facts.facts, facts.rules)
    else:
        facts = _facts(tenant, year, [])
        scores = engine.score_from_groups(
            year_groups(tenant=tenant, year=year), facts.facts, facts.rules
        )
    return YearResult(
        facts=facts, scores=scores, pools=engine.rank_pools(facts.facts, scores, facts.rules)
    )


def render_pools(result: YearResult) -> list[dict]:
    """The pools as API.md shapes them (points as strings)."""
    officers = result.facts.officers
    out = []
    for pool in result.pools:
        rows = []
        for row in pool.rows:
            officer = officers[row.officer]
            rows.append(
                {
                    "officer": officer.id,
                    "full_name": officer.full_name,
                    "category": officer.category,
                    "district": officer.district,
                    "rank": row.rank,
                    "points": two_decimals(row.total),
                    "points_exact": exact_text(row.total),
                    "bonus": str(row.bonus),
                    "excellent": row.excellent,
                    "reason": row.reason,
                    "eligible": row.eligible,
                    "counts": {k: row.counts.get(k, 0) for k in KINDS},
                }
            )
        out.append(
            {"pool": pool.pool, "size": pool.size, "excellent_places": pool.places, "rows": rows}
        )
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


def snapshot_get(*, tenant: Tenant, year: int) -> RankingSnapshot | None:
    return RankingSnapshot.objects.for_tenant(tenant).filter(year=year).first()


def ranking_for(*, membership: Membership, year: int, result: YearResult | None = None) -> dict:
    """The year's ranking as the caller may see it: the finalised snapshot if
    there is one, else the live draft; district managers see their
    districts' pools only."""
    tenant = membership.tenant
    snapshot = snapshot_get(tenant=tenant, year=check_year(year))
    if snapshot is not None:
        pools, status = snapshot.pools, "final"
    else:
        result = result or year_result(tenant=tenant, year=year)
        pools, status = render_pools(result), "draft"
    if not membership.reads_all:
        codes = {
            f"district:{c}"
            for c in districts_in_reach(membership=membership).values_list("code", flat=True)
        }
        pools = [p for p in pools if p["pool"] in codes]
    body = {"year": year, "status": status, "pools": pools}
    if snapshot is not None:
        body.update(
            finalized_at=snapshot.finalized_at.isoformat(), policy_version=snapshot.policy_version
        )
    return body


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


def export_job_list(*, membership: Membership):
    """Export jobs the member may see: their own (admins: everyone's)."""
    from .models import ExportJob

    jobs = ExportJob.objects.for_tenant(membership.tenant)
    if membership.role != "admin":
        jobs = jobs.filter(created_by=membership.user)
    return jobs.order_by("-created_at")
