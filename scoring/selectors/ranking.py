"""The annual ranking: the year's officers and stored shares fed to the
points engine, and its results in the shapes the API, pages and exports use."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Membership, Policy, Tenant
from accounts.selectors import policy_in_force
from ledgers.models import Credit
from roster.selectors import districts_in_reach, officers_appointed

from .. import engine
from ..engine import exact_text, two_decimals
from ..models import ExportJob, RankingSnapshot, Share, ShareTally
from ..ranking_version import ranking_slot

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


#: the ranking reason of an officer whose discipline violation removes excellence
DISCIPLINE = "discipline violation"

#: Readers of the year's discipline-violation marks, ``(tenant, year) ->
#: officer ids``. The marks belong to the assessment, a floor above the
#: ranking: it registers its reader here (``AssessmentConfig.ready``), so the
#: ranking never imports it. No reader → no marks.
DISCIPLINE_MARKS: list[Callable[[Tenant, int], set[int]]] = []


def discipline_marked(*, tenant: Tenant, year: int, rules: dict) -> set[int]:
    """Officers whose year carries a discipline-violation mark, where the
    policy's assessment says it removes excellence (Wuhan 000 第二十二条：取消
    评优资格): the ranking makes them ineligible for excellence, like an
    officer disqualified in the year. Empty when the policy says nothing."""
    consequences = (rules.get("assessment") or {}).get("consequences") or {}
    if not consequences.get("discipline_removes_excellence"):
        return set()
    return set().union(*(read(tenant, year) for read in DISCIPLINE_MARKS))


def _year_officers(*, tenant: Tenant, year: int, rules: dict | None = None):
    """The policy at the year's end, and every officer who held an
    appointment in the tenant during the year, as rows and engine facts.
    ``rules`` (a what-if) replaces the policy's rules for pools and groups.

    Not eligible for excellence: an officer disqualified in the year, and
    one with a discipline mark that removes excellence
    (:func:`discipline_marked`). The ranking's rule for an ineligible
    officer stands: they keep their rank and points, and the excellence
    places go to the best eligible officers (the next one moves up), as they
    always have for a disqualified officer."""
    start, end = dt.date(check_year(year), 1, 1), dt.date(year, 12, 31)
    policy = policy_in_force(tenant=tenant, on=end)
    categories = {c["code"]: c for c in (rules or policy.rules)["categories"]}
    marked = discipline_marked(tenant=tenant, year=year, rules=rules or policy.rules)
    officers, facts = {}, []
    rows = (
        officers_appointed(tenant=tenant, start=start, end=end)
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
        reason = (
            "disqualified in the year"
            if disqualified
            else DISCIPLINE
            if officer_id in marked
            else ""
        )
        facts.append(
            engine.OfficerFact(
                id=officer_id,
                pool=pool_name(category, district),
                group=(category or {}).get("scoring_group", code),
                eligible=not reason,
                ineligible_reason=reason,
            )
        )
    return policy, officers, facts


def _facts(
    tenant: Tenant, year: int, entries: list[engine.EntryFact], rules: dict | None = None
) -> YearFacts:
    policy, officers, facts = _year_officers(tenant=tenant, year=year, rules=rules)
    return YearFacts(
        tenant=tenant,
        year=year,
        policy=policy,
        rules=engine.Rules.from_policy(rules or policy.rules),
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


_TALLY_SQL = """
SELECT officer_id, kind, points, group_size, count FROM scoring_sharetally
WHERE tenant_id = %s AND year = %s AND count > 0
"""


def year_groups(*, tenant: Tenant, year: int) -> list[engine.CreditGroup]:
    """The year's live shares counted per (officer, kind, points, group
    size), read from the tallies kept as shares are written: plain tuples in
    ``CreditGroup`` order (89.5k rows at 10k officers; no object per row)."""
    with connection.cursor() as cursor:
        cursor.execute(_TALLY_SQL, [tenant.id, year])
        return cursor.fetchall()


def tallies_match_shares(*, tenant: Tenant, year: int) -> bool:
    """Whether the tallies equal a fresh count of the live shares (a check
    for tests and the benchmark)."""
    counted = (
        live_shares(tenant)
        .filter(year=year)
        .values("officer_id", "kind", "points", "group_size")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("officer_id", "kind", "points", "group_size", "n")
    )
    return sorted(counted) == sorted(year_groups(tenant=tenant, year=year))


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
        return year_result_with_rules(tenant=tenant, year=year)
    facts = _facts(tenant, year, [])
    scores = engine.score_from_groups(
        year_groups(tenant=tenant, year=year), facts.facts, facts.rules
    )
    return YearResult(
        facts=facts, scores=scores, pools=engine.rank_pools(facts.facts, scores, facts.rules)
    )


def year_result_with_rules(
    *,
    tenant: Tenant,
    year: int,
    rules: dict | None = None,
    entries: list[engine.EntryFact] | None = None,
) -> YearResult:
    """The year scored entry by entry by the pure engine from the ledger
    (``entries``, read when not given), under ``rules`` (a policy's rules
    dict not saved anywhere, for the what-if preview) or, without them, the
    policy in force at the year's end."""
    if entries is None:
        entries = ledger_entries(tenant=tenant, year=year)
    facts = _facts(tenant, year, entries, rules=rules)
    scores = engine.score_officers(facts.entries, facts.facts, facts.rules)
    return YearResult(
        facts=facts, scores=scores, pools=engine.rank_pools(facts.facts, scores, facts.rules)
    )


@dataclass(frozen=True)
class PolicyWhatIf:
    """A year scored twice from one read of the ledger: ``before`` under the
    policy in force at the year's end, ``after`` under ``rules`` (the merged,
    validated rules of a version not saved)."""

    year: int
    rules: dict
    before: YearResult
    after: YearResult


def policy_whatif(*, tenant: Tenant, effective_from: dt.date, changes: dict) -> PolicyWhatIf:
    """The year of ``effective_from`` scored as it stands and as ``changes``
    would make it (API.md ``policy/preview/``). Nothing is saved. Invalid
    rules → ValidationError keyed by JSON path."""
    from accounts.policy_schema import rules_errors
    from accounts.selectors import policy_merge

    rules = policy_merge(tenant=tenant, effective_from=effective_from, changes=changes)
    errors = rules_errors(rules)
    if errors:
        raise ValidationError(errors)
    year = effective_from.year
    entries = ledger_entries(tenant=tenant, year=year)  # read once, scored twice
    return PolicyWhatIf(
        year=year,
        rules=rules,
        before=year_result_with_rules(tenant=tenant, year=year, entries=entries),
        after=year_result_with_rules(tenant=tenant, year=year, rules=rules, entries=entries),
    )


def ranking_outcomes(result: YearResult) -> dict[int, dict]:
    """Officer → ``{"points", "excellent"}`` as the preview shows them."""
    return {
        row.officer: {"points": two_decimals(row.total), "excellent": row.excellent}
        for pool in result.pools
        for row in pool.rows
    }


def preview_changes(
    *,
    year: int,
    names: dict[int, str],
    before: dict[int, dict],
    after: dict[int, dict],
    keys: tuple[str, ...],
) -> dict:
    """API.md's preview body: ``{"year","changes":[{"officer","full_name",
    "before","after"}]}``, the officers (by id) for whom one of ``keys``
    differs, ``before`` and ``after`` holding only what differs."""
    out = []
    for officer_id in sorted(set(before) | set(after)):
        old, new = before.get(officer_id, {}), after.get(officer_id, {})
        changed = [k for k in keys if old.get(k) != new.get(k)]
        if changed:
            out.append(
                {
                    "officer": officer_id,
                    "full_name": names[officer_id],
                    "before": {k: old.get(k) for k in changed},
                    "after": {k: new.get(k) for k in changed},
                }
            )
    return {"year": year, "changes": out}


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


def snapshot_get(*, tenant: Tenant, year: int) -> RankingSnapshot | None:
    return RankingSnapshot.objects.for_tenant(tenant).filter(year=year).first()


def frozen_pools(snapshot: RankingSnapshot) -> list[dict]:
    """A finalised ranking's pools, with the discipline marks recorded since:
    a marked officer is no longer excellent (取消评优; reason
    :data:`DISCIPLINE`, not eligible). The snapshot stays frozen: nobody
    moves up into the place (its places and ranks are the finalised ones)."""
    marked = discipline_marked(
        tenant=snapshot.tenant, year=snapshot.year, rules=_policy_rules(snapshot)
    )
    if not marked:
        return snapshot.pools
    out = []
    for pool in snapshot.pools:
        rows = []
        for row in pool["rows"]:
            if row["officer"] in marked and row.get("eligible", True):
                row = {**row, "excellent": False, "eligible": False, "reason": DISCIPLINE}
            rows.append(row)
        out.append({**pool, "rows": rows})
    return out


def _policy_rules(snapshot: RankingSnapshot) -> dict:
    return policy_in_force(tenant=snapshot.tenant, on=dt.date(snapshot.year, 12, 31)).rules


def _year_ranking(*, tenant: Tenant, year: int) -> dict:
    """The year's whole ranking (every pool) as API.md shapes it: the
    finalised snapshot if there is one (with the discipline marks recorded
    since), else the live draft from the stored shares."""
    snapshot = snapshot_get(tenant=tenant, year=year)
    if snapshot is None:
        return {
            "year": year,
            "status": "draft",
            "pools": render_pools(year_result(tenant=tenant, year=year)),
        }
    return {
        "year": year,
        "status": "final",
        "pools": frozen_pools(snapshot),
        "finalized_at": snapshot.finalized_at.isoformat(),
        "policy_version": snapshot.policy_version,
    }


@dataclass(frozen=True)
class CachedRanking:
    """What one read of the cached ranking gives: the ``index`` (the body's
    keys but ``pools``, each pool's :func:`pool_figures` in ``pools``,
    ``officers``: officer id → the position of their pool, ``candidates``:
    :func:`_candidates`) and the pools asked for, by position."""

    index: dict
    pools: dict[int, dict]

    def body(self) -> dict:
        """API.md's body of the pools read (every pool when all were asked)."""
        meta = {k: v for k, v in self.index.items() if k not in _INDEX_ONLY}
        return {**meta, "pools": [self.pools[i] for i in sorted(self.pools)]}


_INDEX_ONLY = ("pools", "officers", "candidates")


def _candidates(pools: list[dict]) -> list[dict]:
    """The rows of :func:`engine.award_candidates` (the gold-medal candidate
    and the top ten of the whole programme) read off the pools as API.md
    shapes them. A pool's rows come best first, so only each pool's first
    eleven eligible rows with points can be among them: those are given to
    the engine."""
    rows: dict[int, dict] = {}
    results = []
    for pool in pools:
        scored = (r for r in pool["rows"] if r.get("eligible", True) and r["points_exact"] != "0")
        best = [r for _n, r in zip(range(11), scored, strict=False)]
        rows.update((r["officer"], r) for r in best)
        results.append(
            SimpleNamespace(
                rows=[
                    SimpleNamespace(officer=r["officer"], total=Fraction(r["points_exact"]))
                    for r in best
                ]
            )
        )
    gold, top_ten = engine.award_candidates(results, {})  # every row given is eligible
    return [rows[officer] for officer in gold + top_ten]


def _index(body: dict) -> dict:
    index = {k: v for k, v in body.items() if k != "pools"}
    index["pools"] = [pool_figures(p) for p in body["pools"]]
    index["officers"] = {r["officer"]: i for i, p in enumerate(body["pools"]) for r in p["rows"]}
    index["candidates"] = _candidates(body["pools"])
    return index


def cached_ranking(
    *, tenant: Tenant, year: int, pools: Callable[[dict], Iterable[int]] | None = None
) -> CachedRanking:
    """The year's ranking, computed once per change of its inputs and then
    read from the cache (:mod:`scoring.ranking_version`: one key per tenant
    and year, the version read before the inputs stored inside the copy and
    compared on reading): its index and the pools at the positions
    ``pools(index)`` gives (every pool when None; see :func:`pool_named`,
    :func:`pool_of`). Kept as one small index and one entry per pool, so
    that a page of one pool reads that pool only; each entry is
    ``(version, copy, value)``, ``copy`` drawn at each computation so that
    an index is only ever read with its own pools. A copy of another
    version (older, or written by a reader that read an older version) is
    computed again and overwritten. Each call returns its own copies."""
    key, version = ranking_slot(tenant=tenant, year=check_year(year))
    stored = cache.get(f"{key}:index")
    if stored is not None and stored[0] == version:
        _version, copy, index = stored
        wanted = _wanted(index, pools)
        keys = {f"{key}:pool:{i}": i for i in wanted}
        found = cache.get_many(list(keys))
        # else one was evicted or belongs to another copy: computed again
        if len(found) == len(keys) and all(v[:2] == (version, copy) for v in found.values()):
            return CachedRanking(index=index, pools={keys[k]: v[2] for k, v in found.items()})
    body = _year_ranking(tenant=tenant, year=year)
    index = _index(body)
    copy = secrets.token_hex(8)
    entries = {f"{key}:pool:{i}": (version, copy, pool) for i, pool in enumerate(body["pools"])}
    cache.set_many(
        {**entries, f"{key}:index": (version, copy, index)}, settings.RANKING_CACHE_SECONDS
    )
    wanted = set(_wanted(index, pools))
    return CachedRanking(
        index=index, pools={i: p for i, p in enumerate(body["pools"]) if i in wanted}
    )


def _wanted(index: dict, pools: Callable[[dict], Iterable[int]] | None) -> list[int]:
    return list(range(len(index["pools"]))) if pools is None else sorted(set(pools(index)))


def pool_named(name: str) -> Callable[[dict], list[int]]:
    """For :func:`cached_ranking`: the pool called ``name`` (none if no such)."""
    return lambda index: [i for i, p in enumerate(index["pools"]) if p["pool"] == name]


def pool_of(officer_id: int) -> Callable[[dict], list[int]]:
    """For :func:`cached_ranking`: the officer's pool (none if not ranked)."""
    return lambda index: [index["officers"][officer_id]] if officer_id in index["officers"] else []


def year_ranking(*, tenant: Tenant, year: int) -> dict:
    """The year's whole ranking (every pool), from the cache."""
    return cached_ranking(tenant=tenant, year=year).body()


def pools_in_reach(*, membership: Membership, pools: list[dict]) -> list[dict]:
    """The pools the member may see: every pool, or a district manager's
    districts' pools only."""
    if membership.reads_all:
        return pools
    codes = {
        f"district:{c}"
        for c in districts_in_reach(membership=membership).values_list("code", flat=True)
    }
    return [p for p in pools if p["pool"] in codes]


def ranking_for(*, membership: Membership, year: int) -> dict:
    """The year's ranking as the caller may see it (API.md
    ``rankings/{year}/``): the finalised snapshot if there is one, else the
    live draft; district managers see their districts' pools only."""
    body = year_ranking(tenant=membership.tenant, year=year)
    return {**body, "pools": pools_in_reach(membership=membership, pools=body["pools"])}


def ranking_reach(*, membership: Membership) -> str:
    """The pools the member may see, named for a cache key: ``all``, or a
    district manager's district codes (sorted, one query)."""
    if membership.reads_all:
        return "all"
    codes = sorted(districts_in_reach(membership=membership).values_list("code", flat=True))
    return "districts:" + ",".join(codes)


def ranking_encoded(
    *, membership: Membership, year: int, encode: Callable[[dict], bytes], variant: str = ""
) -> bytes:
    """:func:`ranking_for`'s body as ``encode`` turns it into bytes (the API's
    JSON), kept in the cache beside the ranking: one copy per tenant, year,
    reach (:func:`ranking_reach`) and ``variant`` (the encoding, e.g. the
    media type with its parameters), stored with the year's version read
    before the ranking (:mod:`scoring.ranking_version`) and used only while
    that version is the current one, so whatever makes the cached ranking
    stale makes these bytes stale too. A hit is two queries (the version, and
    a district manager's districts) and one cache read: no re-encoding."""
    key, version = ranking_slot(tenant=membership.tenant, year=check_year(year))
    reach = ranking_reach(membership=membership)
    name = hashlib.sha256(f"{reach}\n{variant}".encode()).hexdigest()[:32]
    slot = f"{key}:encoded:{name}"
    stored = cache.get(slot)
    if stored is not None and stored[0] == version:
        return stored[1]
    encoded = encode(ranking_for(membership=membership, year=year))
    cache.set(slot, (version, encoded), settings.RANKING_CACHE_SECONDS)
    return encoded


def pool_figures(pool: dict) -> dict:
    """A pool's whole-pool figures (the header of a page of its rows):
    ``pool``, ``size``, ``excellent_places``; ``excellent`` (officers rated
    excellent), ``with_points`` (officers with points above 0) and ``line``
    / ``line_exact``: the points of the last excellent row (None when no one
    is excellent)."""
    rows = pool["rows"]
    excellent = [r for r in rows if r["excellent"]]
    last = excellent[-1] if excellent else None
    return {
        "pool": pool["pool"],
        "size": pool["size"],
        "excellent_places": pool["excellent_places"],
        "excellent": len(excellent),
        "with_points": sum(1 for r in rows if r["points_exact"] != "0"),
        "line": last["points"] if last else None,
        "line_exact": last["points_exact"] if last else None,
    }


def export_job_list(*, membership: Membership):
    """Export jobs the member may see: their own (admins: everyone's). A zip
    of the whole tenant (kind ``tenant``) is for admins only, even the one a
    member started while still an admin."""
    jobs = ExportJob.objects.for_tenant(membership.tenant)
    if membership.role != "admin":
        jobs = jobs.filter(created_by=membership.user).exclude(kind="tenant")
    return jobs.order_by("-created_at")


def latest_year_with_data(*, tenant: Tenant, today: dt.date) -> int:
    """The year a ranking opens on: the latest year up to ``today``'s with
    shares or verified entries, else ``today``'s year (a new programme)."""
    from django.db.models import Max

    from ledgers.models import Entry

    years = [
        ShareTally.objects.filter(tenant=tenant, count__gt=0, year__lte=today.year).aggregate(
            y=Max("year")
        )["y"],
        Entry.objects.filter(
            tenant=tenant, status="verified", occurred_on__year__lte=today.year
        ).aggregate(d=Max("occurred_on"))["d"],
    ]
    years = [y if isinstance(y, int) else y.year for y in years if y is not None]
    return max(years, default=today.year)


@dataclass(frozen=True)
class OfficerStanding:
    """Where one officer stands in their pool: what an officer may see of the
    ranking (their own row and the pool's figures, no other officer)."""

    year: int
    status: str  # "final" or "draft"
    pool: str
    size: int
    places: int
    rank: int
    points: str  # two decimals
    excellent: bool
    eligible: bool
    line: str | None  # the points of the pool's last excellent place
    gap: str | None  # points still needed to reach the line (None: excellent or no line)


def officer_standing(*, tenant: Tenant, officer_id: int, year: int) -> OfficerStanding | None:
    """The officer's row of the year's ranking, read exactly as
    :func:`ranking_for` reads it (the cached ranking: the finalised
    snapshot, else the live draft; their pool only), with the excellence
    line of their pool: the points of the last excellent row. None when the
    officer is not in the year's ranking."""
    ranking = cached_ranking(tenant=tenant, year=year, pools=pool_of(officer_id))
    status = ranking.index["status"]
    for position, pool in ranking.pools.items():
        mine = next((r for r in pool["rows"] if r["officer"] == officer_id), None)
        if mine is None:
            continue
        line_exact = ranking.index["pools"][position]["line_exact"]  # see pool_figures
        line = Fraction(line_exact) if line_exact is not None else None
        points = Fraction(mine["points_exact"])
        gap = None
        if line is not None and not mine["excellent"]:
            gap = two_decimals(max(line - points, Fraction(0)))
        return OfficerStanding(
            year=year,
            status=status,
            pool=pool["pool"],
            size=pool["size"],
            places=pool["excellent_places"],
            rank=mine["rank"],
            points=mine["points"],
            excellent=mine["excellent"],
            eligible=mine.get("eligible", True),
            line=two_decimals(line) if line is not None else None,
            gap=gap,
        )
    return None
