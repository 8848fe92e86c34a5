"""Stored shares (SPEC.md §6 rules 1–2): writing them.

A verified entry's shares are computed once, by the engine, when the entry
is verified, and stored as integers (points, group size) in
:class:`scoring.models.Share`. Rankings count them; statements list them.
They change only through a recorded change of the entry (a correction) or a
recorded re-scoring (a new policy version for the year, an officer's
appointment ending or being revoked), each leaving an ``EntryEvent``.

Which officers share an entry and in which scoring group follows the
ranking's rules for the entry's year: officers who held an appointment in
that year, grouped by the policy in force at the year's end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Tenant
from accounts.selectors import policy_in_force
from ledgers.choices import EntryAction, EntryStatus
from ledgers.models import Credit, Entry, EntryEvent
from roster.models import Officer
from roster.selectors import officers_appointed

from . import engine
from .models import Share
from .ranking_version import ranking_changed

#: First key of the PostgreSQL advisory lock that orders share writes (shared)
#: against finalisations (exclusive), per tenant.
SHARE_LOCK = 5_316_001
BATCH = 2000

ShareKey = tuple[int, int, str, dt.date, int, int]  # officer, year, kind, date, points, size


def lock_shares(tenant: Tenant, *, exclusive: bool) -> None:
    """Within the current transaction: writers of shares take the tenant's
    lock shared, a finalisation takes it exclusively, so a finalisation sees
    every share written before its time and none after. (SQLite serialises
    writes by itself.)"""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [SHARE_LOCK, tenant.id])


def database_now():
    """The database's clock (PostgreSQL), so that share times and
    finalisation times compare on one clock whichever web or worker host
    wrote them; the local clock on SQLite (one process)."""
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


class _YearRules:
    """Points per kind and category → scoring group for each year, from the
    policy in force at the year's end (read once per year)."""

    def __init__(self, tenant: Tenant):
        self.tenant = tenant
        self._cache: dict[int, tuple[dict[str, int], dict[str, str]]] = {}

    def __call__(self, year: int) -> tuple[dict[str, int], dict[str, str]]:
        if year not in self._cache:
            rules = policy_in_force(tenant=self.tenant, on=dt.date(year, 12, 31)).rules
            self._cache[year] = (
                {k: int(v) for k, v in rules["points"].items()},
                {c["code"]: c["scoring_group"] for c in rules["categories"]},
            )
        return self._cache[year]


def _desired(entries, credits, officers, year_rules) -> dict[int, set[ShareKey]]:
    out: dict[int, set[ShareKey]] = {}
    for entry_id, kind, occurred_on, status in entries:
        out[entry_id] = set()
        if status != EntryStatus.VERIFIED:
            continue
        year = occurred_on.year
        points, mapping = year_rules(year)
        of_year = officers[year]
        groups = {
            o: mapping.get(of_year[o], of_year[o])
            for o in credits.get(entry_id, ())
            if o in of_year
        }
        for officer, size in engine.group_sizes(credits.get(entry_id, ()), groups).items():
            out[entry_id].add((officer, year, kind, occurred_on, points.get(kind, 0), size))
    return out


def _refresh_batch(
    tenant: Tenant, ids: list[int], year_rules: _YearRules, at, years: set[int]
) -> list[int]:
    """One batch of :func:`shares_refresh`; adds to ``years`` the years whose
    shares it replaced (the caller bumps their rankings once, in order)."""
    # the entries are locked (in id order) so that a re-scoring and a
    # correction of the same entry never both replace its live shares
    entries = list(
        Entry.objects.filter(tenant=tenant, id__in=ids)
        .select_for_update()
        .order_by("id")
        .values_list("id", "kind", "occurred_on", "status")
    )
    credits: dict[int, list[int]] = defaultdict(list)
    for entry_id, officer_id in (
        Credit.objects.filter(entry__tenant=tenant, entry_id__in=ids)
        .order_by("entry_id", "id")
        .values_list("entry_id", "officer_id")
    ):
        credits[entry_id].append(officer_id)
    officer_ids = {o for credited in credits.values() for o in credited}
    officers = {  # year -> the credited officers appointed in it -> category
        year: dict(
            officers_appointed(tenant=tenant, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
            .filter(id__in=officer_ids)
            .values_list("id", "category")
        )
        for year in {occurred_on.year for _e, _k, occurred_on, _s in entries}
    }
    desired = _desired(entries, credits, officers, year_rules)
    live: dict[int, set[ShareKey]] = defaultdict(set)
    for entry_id, *key in Share.objects.filter(
        tenant=tenant, entry_id__in=ids, superseded_at__isnull=True
    ).values_list("entry_id", "officer_id", "year", "kind", "occurred_on", "points", "group_size"):
        live[entry_id].add(tuple(key))
    changed = [e for e in desired if desired[e] != live.get(e, set())]
    if not changed:
        return []
    deltas: Counter = Counter()
    for entry_id in changed:
        for officer, year, kind, _day, points, size in live.get(entry_id, ()):
            deltas[year, officer, kind, points, size] -= 1
        for officer, year, kind, _day, points, size in desired[entry_id]:
            deltas[year, officer, kind, points, size] += 1
    _tally(tenant, deltas)
    Share.objects.filter(tenant=tenant, entry_id__in=changed, superseded_at__isnull=True).update(
        superseded_at=at
    )
    Share.objects.bulk_create(
        [
            Share(
                tenant=tenant,
                entry_id=entry_id,
                officer_id=officer,
                year=year,
                kind=kind,
                occurred_on=occurred_on,
                points=points,
                group_size=size,
                created_at=at,
            )
            for entry_id in changed
            for officer, year, kind, occurred_on, points, size in sorted(desired[entry_id])
        ],
        batch_size=1000,
    )
    # the cached rankings of the years these shares left or joined are old
    years.update(key[1] for e in changed for key in (*live.get(e, ()), *desired[e]))
    return changed


_TALLY_SQL = """
INSERT INTO scoring_sharetally (tenant_id, year, officer_id, kind, points, group_size, count)
VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (tenant_id, year, officer_id, kind, points, group_size)
DO UPDATE SET count = scoring_sharetally.count + EXCLUDED.count
"""


def _tally(tenant: Tenant, deltas: Counter) -> None:
    """Add the change in live shares to the tallies, one atomic upsert per
    row, in key order (so concurrent writers never deadlock)."""
    rows = [(tenant.id, *key, n) for key, n in sorted(deltas.items()) if n]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_TALLY_SQL, rows)


def shares_refresh(*, tenant: Tenant, entries: QuerySet[Entry] | Iterable[int]) -> list[int]:
    """Bring the stored shares of ``entries`` (a queryset of the tenant's
    entries, or their ids) in line with the ledger; returns the ids of the
    entries whose shares changed. Call inside the transaction that changes
    the entries. The years whose shares changed are bumped once, in year
    order, after every batch (:func:`ranking_changed`): bumped per batch,
    a later batch could lock an earlier year than one already locked, and
    deadlock against a concurrent writer taking them in order."""
    changed, years = _refresh(tenant, entries)
    if years:
        ranking_changed(tenant=tenant, years=years)
    return changed


def _refresh(
    tenant: Tenant, entries: QuerySet[Entry] | Iterable[int]
) -> tuple[list[int], set[int]]:
    """:func:`shares_refresh` without the bump: (the entries changed, the
    years whose rankings they change)."""
    lock_shares(tenant, exclusive=False)
    at = database_now()
    if isinstance(entries, QuerySet):
        ids = list(entries.filter(tenant=tenant).order_by("id").values_list("id", flat=True))
    else:
        ids = sorted(set(entries))
    year_rules = _YearRules(tenant)
    changed: list[int] = []
    years: set[int] = set()
    for start in range(0, len(ids), BATCH):
        changed += _refresh_batch(tenant, ids[start : start + BATCH], year_rules, at, years)
    return changed, years


def shares_rescore(*, tenant: Tenant, entries: QuerySet[Entry], reason: str, actor=None) -> int:
    """Re-score verified entries after a change outside the entry (a policy
    version, an officer's appointment): every entry whose shares change gets
    a history row saying why. Returns how many changed. Each batch of
    entries is its own transaction (a savepoint inside a caller's), so a
    year's re-scoring never holds every entry's lock at once.

    Inside a caller's transaction (an officer disqualified, ended, renewed)
    the years of every batch are bumped once, in year order, after the last
    batch; each batch committing on its own (the re-scoring job) bumps its
    own years in its own transaction."""
    outer = connection.in_atomic_block
    years: set[int] = set()
    ids = list(
        entries.filter(status=EntryStatus.VERIFIED)
        .order_by("id")
        .values_list("id", flat=True)
        .distinct()
    )
    changed = 0
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            batch, touched = _refresh(tenant, ids[start : start + BATCH])
            if outer:
                years |= touched
            elif touched:
                ranking_changed(tenant=tenant, years=touched)
            EntryEvent.objects.bulk_create(
                [
                    EntryEvent(
                        entry_id=entry_id,
                        action=EntryAction.RESCORED,
                        actor=actor,
                        from_status=EntryStatus.VERIFIED,
                        to_status=EntryStatus.VERIFIED,
                        reason=reason,
                    )
                    for entry_id in batch
                ],
                batch_size=1000,
            )
        changed += len(batch)
    if years:
        ranking_changed(tenant=tenant, years=years)
    return changed


def entries_crediting(*, tenant: Tenant, officer: Officer) -> QuerySet[Entry]:
    return Entry.objects.for_tenant(tenant).filter(credits__officer=officer).distinct()
