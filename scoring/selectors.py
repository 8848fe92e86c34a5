"""Feeding the points engine from the ledger, and reading its results in the
shapes the API, pages and exports use."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import Membership, Policy, Tenant
from accounts.selectors import policy_in_force
from ledgers.models import Credit, EntryEvent
from roster.models import District, Officer
from roster.selectors import districts_in_reach

from . import engine
from .engine import exact_text, two_decimals
from .models import RankingSnapshot

KINDS = ("achievement", "demand", "event", "conversion", "case", "video")


@dataclass(frozen=True)
class YearFacts:
    tenant: Tenant
    year: int
    policy: Policy
    rules: engine.Rules
    officers: dict[int, Officer]
    facts: list[engine.OfficerFact]
    entries: list[engine.EntryFact]


def pool_name(officer: Officer, category: dict | None) -> str:
    """``city``, ``all`` or ``district:CODE`` (API.md pool names)."""
    pool = (category or {}).get("pool", "all")
    if pool == "district":
        return f"district:{officer.district.code}" if officer.district_id else "district:-"
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


def _year_officers(*, tenant: Tenant, year: int):
    """The policy at the year's end, and every officer who held an
    appointment in the tenant during the year, as models and engine facts."""
    start, end = dt.date(check_year(year), 1, 1), dt.date(year, 12, 31)
    policy = policy_in_force(tenant=tenant, on=end)
    categories = {c["code"]: c for c in policy.rules["categories"]}
    officers = {
        o.id: o
        for o in _officers_of_year(tenant, start, end).select_related("district").order_by("id")
    }
    facts = []
    for officer in officers.values():
        category = categories.get(officer.category)
        disqualified = (
            officer.status == "disqualified"
            and officer.disqualified_on is not None
            and start <= officer.disqualified_on <= end
        )
        facts.append(
            engine.OfficerFact(
                id=officer.id,
                pool=pool_name(officer, category),
                group=(category or {}).get("scoring_group", officer.category),
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


def year_facts(*, tenant: Tenant, year: int, officer: Officer | None = None) -> YearFacts:
    """The year's officers and verified entries (by occurred-on date) with
    their credits, under the policy in force at the year's end; with
    ``officer``, only the entries crediting that officer (a statement)."""
    policy, officers, facts = _year_officers(tenant=tenant, year=year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    credits = Credit.objects.filter(
        entry__tenant=tenant, entry__status="verified", entry__occurred_on__range=(start, end)
    )
    if officer is not None:
        credits = credits.filter(
            entry_id__in=Credit.objects.filter(officer=officer).values("entry_id")
        )
    credited: dict[int, list[int]] = defaultdict(list)
    meta: dict[int, tuple[str, dt.date]] = {}
    rows = credits.order_by("entry_id", "officer_id").values_list(
        "entry_id", "entry__kind", "entry__occurred_on", "officer_id"
    )
    for entry_id, kind, occurred_on, officer_id in rows.iterator(chunk_size=5000):
        credited[entry_id].append(officer_id)
        meta[entry_id] = (kind, occurred_on)
    entries = [
        engine.EntryFact(id=e, kind=meta[e][0], occurred_on=meta[e][1], officers=tuple(ids))
        for e, ids in credited.items()
    ]
    return YearFacts(
        tenant=tenant,
        year=year,
        policy=policy,
        rules=engine.Rules.from_policy(policy.rules),
        officers=officers,
        facts=facts,
        entries=entries,
    )


#: Credits of the year's verified entries, counted per (officer, kind, size of
#: the officer's scoring group on that entry). Only officers of the year count,
#: in the credits and in the group sizes, exactly as the engine's split does.
_GROUP_SQL = """
SELECT {key}, kind, n, {month_out}COUNT(*) FROM (
    SELECT c.officer_id AS officer_id, o.category AS category, o.district_id AS district_id,
           e.kind AS kind, {month_in}
           COUNT(*) OVER (PARTITION BY c.entry_id, {group}) AS n
    FROM ledgers_credit c
    JOIN ledgers_entry e ON e.id = c.entry_id
    JOIN roster_officer o ON o.id = c.officer_id
    WHERE e.tenant_id = %s AND e.status = 'verified' AND e.occurred_on BETWEEN %s AND %s
      AND o.tenant_id = %s AND o.term_start <= %s AND o.term_end >= %s
      AND NOT (o.status = 'disqualified' AND o.disqualified_on < %s)
) credited
GROUP BY {key}, kind, n{month_group}
"""


def year_groups(*, tenant: Tenant, year: int, policy: Policy) -> list[engine.CreditGroup]:
    """The year's credits aggregated in one query (see ``_GROUP_SQL``)."""
    return [
        engine.CreditGroup(officer=o, kind=k, group_size=n, count=c)
        for o, k, n, c in _group_rows(tenant, year, policy, by_month=False)
    ]


def _group_rows(tenant: Tenant, year: int, policy: Policy, *, by_month: bool) -> list[tuple]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    mapping = [(c["code"], c["scoring_group"]) for c in policy.rules["categories"]]
    group = "o.category"
    if mapping:
        group = "CASE o.category " + " ".join("WHEN %s THEN %s" for _ in mapping)
        group += " ELSE o.category END"
    month_sql, month_params = connection.ops.date_extract_sql("month", "e.occurred_on", ())
    params = list(month_params) if by_month else []
    params += [value for pair in mapping for value in pair]
    params += [tenant.id, start, end, tenant.id, end, start, start]
    sql = _GROUP_SQL.format(
        group=group,
        key="category, district_id" if by_month else "officer_id",
        month_in=f"{month_sql} AS month," if by_month else "",
        month_out="month, " if by_month else "",
        month_group=", month" if by_month else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def pool_months(*, result: YearResult) -> dict[str, list[Fraction]]:
    """Points per month (bonus aside) of each pool of a year, exact, summed
    in SQL per (category, district, kind, group size, month): a few
    thousand rows whatever the size of the ledger."""
    facts = result.facts
    pools = {c["code"]: c["pool"] for c in facts.policy.rules["categories"]}
    codes = dict(District.objects.for_tenant(facts.tenant).values_list("id", "code"))
    months: dict[str, list[Fraction]] = {p.pool: [Fraction(0)] * 12 for p in result.pools}
    for category, district_id, kind, n, month, count in _group_rows(
        facts.tenant, facts.year, facts.policy, by_month=True
    ):
        pool = pools.get(category, "all")
        if pool == "district":
            pool = f"district:{codes.get(district_id, '-')}"
        if pool in months:
            points = int(facts.rules.points.get(kind, 0))
            months[pool][int(month) - 1] += Fraction(points * count, n)
    return months


@dataclass(frozen=True)
class YearResult:
    facts: YearFacts
    scores: dict[int, engine.OfficerScore]
    pools: list[engine.PoolResult]


def year_result(*, tenant: Tenant, year: int, with_lines: bool = False) -> YearResult:
    """The year's scores and pools. Totals come from credits aggregated in
    the database (fast, exact); ``with_lines`` scores entry by entry instead,
    for the statements a finalised snapshot keeps."""
    if with_lines:
        facts = year_facts(tenant=tenant, year=year)
        scores = engine.score_officers(facts.entries, facts.facts, facts.rules)
    else:
        policy, officers, officer_facts = _year_officers(tenant=tenant, year=year)
        facts = YearFacts(
            tenant=tenant,
            year=year,
            policy=policy,
            rules=engine.Rules.from_policy(policy.rules),
            officers=officers,
            facts=officer_facts,
            entries=[],
        )
        groups = year_groups(tenant=tenant, year=year, policy=policy)
        scores = engine.score_from_groups(groups, officer_facts, facts.rules)
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
                    "district": officer.district.code if officer.district_id else None,
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


def render_statements(result: YearResult) -> dict[str, dict]:
    """Every officer's statement (API.md shape), keyed by officer id as text."""
    return {
        str(officer_id): render_statement(result.scores[officer_id], result.facts.year)
        for officer_id in result.scores
    }


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


def statement_for(*, tenant: Tenant, officer: Officer, year: int) -> dict:
    """An officer's statement: from the snapshot of a finalised year, else live."""
    snapshot = snapshot_get(tenant=tenant, year=check_year(year))
    if snapshot is not None and str(officer.id) in snapshot.statements:
        return {**snapshot.statements[str(officer.id)], "status": "final"}
    facts = year_facts(tenant=tenant, year=year, officer=officer)
    if officer.id not in facts.officers:
        empty = engine.OfficerScore(
            officer=officer.id, lines=(), subtotal=0, bonus=0, bonus_reason=""
        )
        return {**render_statement(empty, year), "status": "draft"}
    scores = engine.score_officers(facts.entries, facts.facts, facts.rules)
    return {**render_statement(scores[officer.id], year), "status": "draft"}


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
            action__in=["verified", "corrected", "returned", "updated", "withdrawn"],
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
