"""The version of a year's ranking, and the cache key it is kept under
(issue 16 item 3, STACK.md "caching").

A ranking is computed once per change of its inputs and kept in Django's
cache (Redis in production, local memory under ``make run`` and in tests)
under one key per tenant and year (:func:`ranking_slot`), the version it
was computed at stored inside the value. The version is made of two
counters of :class:`scoring.models.RankingVersion`: the year's own and the
tenant's ``year`` 0 row (changes that reach every year). A reader uses the
copy only when its version is the current one; else it computes the ranking
again and overwrites the copy, so a tenant's year holds one copy however
often its version changes. Every writer of the ranking's inputs calls
:func:`ranking_changed` inside its own transaction:

- the shares and their tallies (``scoring.shares``: verifying, correcting,
  returning a verified entry, re-scoring after a policy version or an
  appointment's change) bump the years of the shares they replace;
- the officers of a year (created, renewed, ended, disqualified, renamed,
  moved; a district's code names its pool) and a policy version bump every
  year;
- a discipline mark and a finalisation bump their year.

The counter changes only when the writing transaction commits, so a reader
that reads the version first and the inputs after it never stores older
figures under a newer version: a stale copy is never served. Each bump also
draws a random stamp, part of the version: a transaction that read its own
uncommitted figures and then rolled back leaves a copy whose version never
comes back (the counter alone would be bumped to the same number again).
The key also carries the tenant's creation time (a database restored or
rebuilt under a long-lived cache gives its tenants new keys) and
:data:`FORMAT` (a release that changes the cached shape gives new keys).

Locking: the counter's row is locked from the bump to the commit, so writers
of one tenant's year wait for each other there. Share writers bump after
their entries and tallies are written (the last lock they take), as the
other writers bump at their end; a writer bumping several years bumps them
once each, in year order.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import connection

from accounts.models import Tenant

from .models import RankingVersion

#: Raise when the cached value's shape changes (old keys are then unused).
FORMAT = 1
#: The ``year`` of the counter of changes that reach every year.
ALL_YEARS = 0

_BUMP_SQL = """
INSERT INTO scoring_rankingversion (tenant_id, year, version, stamp) VALUES (%s, %s, 1, %s)
ON CONFLICT (tenant_id, year)
DO UPDATE SET version = scoring_rankingversion.version + 1, stamp = EXCLUDED.stamp
"""


def ranking_changed(*, tenant: Tenant | int, years: Iterable[int] | None = None) -> None:
    """Within the writing transaction: the rankings of ``years`` (every year
    when None) changed, so their cached copies are no longer read. One
    atomic upsert per counter, in year order."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.id
    counters = [ALL_YEARS] if years is None else sorted(set(years))
    with connection.cursor() as cursor:
        for year in counters:
            cursor.execute(_BUMP_SQL, [tenant_id, year, secrets.token_hex(8)])


def ranking_version(*, tenant: Tenant, year: int) -> tuple[str, str]:
    """(the year's version, the every-year version), each ``counter.stamp``
    (``0.`` where none was bumped yet). One query."""
    found = {
        y: f"{version}.{stamp}"
        for y, version, stamp in RankingVersion.objects.filter(
            tenant=tenant, year__in=(ALL_YEARS, year)
        ).values_list("year", "version", "stamp")
    }
    return found.get(year, "0."), found.get(ALL_YEARS, "0.")


def ranking_slot(*, tenant: Tenant, year: int) -> tuple[str, str]:
    """(the cache key of the tenant's year, without a version: one copy per
    year; the year's version now, to store inside the copy and to compare
    with it). Read before the inputs, see the module's docstring."""
    own, every = ranking_version(tenant=tenant, year=year)
    born = int(tenant.created_at.timestamp() * 1_000_000) if tenant.created_at else 0
    return f"ranking:{FORMAT}:{tenant.id}:{born}:{year}", f"{own}:{every}"


def ranking_key(*, tenant: Tenant, year: int) -> str:
    """The year's ranking as it stands now, named whole: its key and its
    version (a copy holding another version is not read)."""
    key, version = ranking_slot(tenant=tenant, year=year)
    return f"{key}:{version}"
