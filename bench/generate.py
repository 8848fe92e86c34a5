"""Generate a synthetic tenant for the ranking benchmark (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_s \\
        .venv/bin/python bench/generate.py --scale S [--year 2025] [--reset]

Creates the tenant ``bench-<scale>`` (lower case: ``bench-s``, ``bench-m``,
``bench-l``) with ``accounts.services.tenant_create`` on the ``wuhan`` preset,
20 districts, the scale's officers (a quarter city officers, the rest district
officers spread unevenly over the districts, every term covering the year)
and the scale's *verified* entries of the year:

==== ========= ==========
S     1,000     100,000
M    10,000   1,000,000
L    50,000   5,000,000
==== ========= ==========

Kinds: 40 % achievements, 33 % events, 15 % demands, 6 % videos, 5 % typical
cases, 1 % conversions. About 20 % of the entries credit 2–3 officers, always
at least one city and one district officer (the collaborative split gives
each scoring group the entry's full points, shared inside the group); the
rest credit one officer. Officers' activity is skewed (log-normal weights), so
some officers have several times the median number of lines.

Speed over fidelity: entries and credits are written with PostgreSQL ``COPY``
(psycopg2 ``copy_expert``) in one transaction, the entries with ids reserved
from their identity sequence. The stored shares (``scoring_share``) that
verifying an entry would write are then filled, in the same transaction, by
ONE ``INSERT … SELECT`` with the rule of ``scoring.shares``: a share per
credited officer who held an appointment in the year, ``points`` from the
policy, ``group_size`` from ``COUNT(*) OVER (PARTITION BY entry, scoring
group)``. Nothing else an entry would normally carry is written: no
``EntryEvent`` history rows, no evidence, no reference-library links, no
submitter — the ranking reads none of them. The tables are ``VACUUM
ANALYZE``d afterwards so that the benchmark sees settled statistics.

Refuses, changing nothing, when the tenant exists, unless ``--reset``: then
the tenant (and its admin login) is deleted first — its shares, entries and
credits with plain SQL (the ORM's collector would load every entry), the
rest through the ORM. The data is random but reproducible (``--seed``).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import io
import itertools
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings.local")
os.environ.setdefault("DEBUG", "0")  # no query log: production-like

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.models import Tenant, User  # noqa: E402
from accounts.selectors import policy_in_force  # noqa: E402
from accounts.services import tenant_create  # noqa: E402
from roster.models import District, Officer, Unit  # noqa: E402

SCALES = {  # officers, entries
    "S": (1_000, 100_000),
    "M": (10_000, 1_000_000),
    "L": (50_000, 5_000_000),
}
KIND_WEIGHTS = {
    "achievement": 40,
    "event": 33,
    "demand": 15,
    "video": 6,
    "case": 5,
    "conversion": 1,
}
KIND_TITLES = {
    "achievement": "成果",
    "event": "对接活动",
    "demand": "企业需求",
    "video": "短视频",
    "case": "典型案例",
    "conversion": "成果转化",
}
CO_CREDITED = 0.20
CITY_SHARE = 0.25
DISTRICTS = 20
CHUNK = 100_000  # entries per COPY
NULL = r"\N"  # COPY text format
ADMIN_PASSWORD = "Bench-pass-2026-x9"  # noqa: S105 - a throwaway benchmark login
ENTRY_COLUMNS = (
    "id",
    "tenant_id",
    "kind",
    "title",
    "occurred_on",
    "status",
    "summary",
    "field",
    "institution",
    "maturity",
    "budget",
    "is_valid",
    "event_type",
    "venue",
    "participants",
    "mode",
    "contract_amount",
    "contract_date",
    "registration_no",
    "platform",
    "link",
    "return_reason",
    "created_at",
    "updated_at",
    "submitted_at",
    "verified_at",
    "verified_by_id",
)


def slug_for(scale: str) -> str:
    return f"bench-{scale.lower()}"


def admin_for(scale: str) -> str:
    return f"bench-{scale.lower()}-admin"


def delete_tenant(tenant: Tenant, admin_username: str) -> float:
    """Delete a benchmark tenant; returns the seconds it took."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no audit rows
        cursor.execute("DELETE FROM scoring_sharetally WHERE tenant_id = %s", [tenant.id])
        cursor.execute("DELETE FROM scoring_share WHERE tenant_id = %s", [tenant.id])
        entries = "SELECT id FROM ledgers_entry WHERE tenant_id = %s"
        cursor.execute(f"DELETE FROM ledgers_credit WHERE entry_id IN ({entries})", [tenant.id])  # noqa: S608
        cursor.execute(
            f"DELETE FROM ledgers_entryevent WHERE entry_id IN ({entries})",  # noqa: S608
            [tenant.id],
        )
        cursor.execute(f"DELETE FROM ledgers_evidence WHERE entry_id IN ({entries})", [tenant.id])  # noqa: S608
        cursor.execute(
            f"DELETE FROM ledgers_entry_matched WHERE from_entry_id IN ({entries}) "  # noqa: S608
            f"OR to_entry_id IN ({entries})",
            [tenant.id, tenant.id],
        )
        cursor.execute("DELETE FROM ledgers_entry WHERE tenant_id = %s", [tenant.id])
        # The rest through the ORM, officers first (District → Officer is PROTECT).
        Officer.objects.for_tenant(tenant).delete()
        Unit.objects.for_tenant(tenant).delete()
        tenant.delete()
        User.objects.filter(username=admin_username).delete()
    return time.perf_counter() - started


def make_officers(tenant: Tenant, count: int, year: int, rng: random.Random):
    districts = District.objects.bulk_create(
        District(tenant=tenant, code=f"d{i:02d}", name=f"基准区{i:02d}")
        for i in range(1, DISTRICTS + 1)
    )
    district_weights = [rng.uniform(0.4, 1.6) for _ in districts]
    term_start, term_end = dt.date(year - 1, 3, 1), dt.date(year + 1, 2, 28)
    cities = max(1, round(count * CITY_SHARE))
    picks = rng.choices(districts, weights=district_weights, k=count - cities)
    officers = [
        Officer(
            tenant=tenant,
            full_name=f"市派联络员{i:05d}",
            category="city",
            term_start=term_start,
            term_end=term_end,
        )
        for i in range(1, cities + 1)
    ] + [
        Officer(
            tenant=tenant,
            full_name=f"区派联络员{i:05d}",
            category="district",
            district=district,
            term_start=term_start,
            term_end=term_end,
        )
        for i, district in enumerate(picks, start=1)
    ]
    return districts, Officer.objects.bulk_create(officers, batch_size=5000)


class Picker:
    """Weighted random officers: skewed activity, by category and district."""

    def __init__(self, officers, rng: random.Random):
        self.rng = rng
        weight = {o.id: rng.lognormvariate(0, 0.75) for o in officers}
        self.all = self._pool([o.id for o in officers], weight)
        self.city = self._pool([o.id for o in officers if o.category == "city"], weight)
        self.district = self._pool([o.id for o in officers if o.category == "district"], weight)
        self.district_of = {o.id: o.district_id for o in officers}
        by_district: dict[int, list[int]] = {}
        for o in officers:
            if o.category == "district":
                by_district.setdefault(o.district_id, []).append(o.id)
        self.of_district = {d: self._pool(ids, weight) for d, ids in by_district.items()}

    @staticmethod
    def _pool(ids, weight):
        cum, total = [], 0.0
        for i in ids:
            total += weight[i]
            cum.append(total)
        return ids, cum

    def many(self, pool, k):
        ids, cum = pool
        return self.rng.choices(ids, cum_weights=cum, k=k)

    def one(self, pool):
        ids, cum = pool
        return self.rng.choices(ids, cum_weights=cum, k=1)[0]

    def team(self) -> list[int]:
        """2–3 officers, at least one city and one district officer; a third
        is another officer of either kind (a district one from the same
        district)."""
        city, district = self.one(self.city), self.one(self.district)
        team = [city, district]
        if self.rng.random() < 0.35:
            pool = (
                self.city
                if self.rng.random() < 0.5
                else self.of_district[self.district_of[district]]
            )
            third = self.one(pool)
            if third not in team:
                team.append(third)
        return team


def copy_rows(cursor, table: str, columns, buffer: io.StringIO) -> None:
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def make_entries(
    tenant: Tenant, officers, count: int, year: int, rng: random.Random, verifier: int
):
    """COPY ``count`` verified entries of ``year`` and their credits, verified
    by the user ``verifier`` (the database requires a verifier on a verified
    entry); returns (entries, credits, co-credited entries)."""
    picker = Picker(officers, rng)
    first_day = dt.date(year, 1, 1)
    days = [first_day + dt.timedelta(days=n) for n in range(366 if calendar.isleap(year) else 365)]
    stamps = []  # per day: occurred_on, created/submitted, verified
    for day in days:
        created = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2)).isoformat() + "+00"
        verified = dt.datetime.combine(day + dt.timedelta(days=6), dt.time(7)).isoformat() + "+00"
        stamps.append((day.isoformat(), created, verified))
    kinds = list(KIND_WEIGHTS)
    kind_cum = list(itertools.accumulate(KIND_WEIGHTS.values()))
    events = ["roadshow", "docking", "expert_visit", "enterprise_visit", "park_visit", "training"]
    modes = ["transfer", "licence", "equity", "joint", "service"]
    maturities = ["lab", "prototype", "pilot"]
    n_entries = n_credits = n_teams = 0
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE ledgers_entry IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT pg_get_serial_sequence('ledgers_entry', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        next_id = first
        while n_entries < count:
            size = min(CHUNK, count - n_entries)
            chunk_kinds = rng.choices(kinds, cum_weights=kind_cum, k=size)
            chunk_days = rng.choices(stamps, k=size)
            singles = iter(picker.many(picker.all, size))
            entries, credits = io.StringIO(), io.StringIO()
            for kind, (day, created, verified) in zip(chunk_kinds, chunk_days, strict=True):
                entry_id = next_id
                next_id += 1
                # institution, maturity, budget, is_valid, event_type, venue,
                # participants, mode, contract_amount, contract_date,
                # registration_no, platform
                extra = ["", "", NULL, "t", "", "", NULL, "", NULL, NULL, "", ""]
                if kind == "achievement":
                    extra[0], extra[1] = "武汉大学", rng.choice(maturities)
                elif kind == "demand":
                    extra[2] = f"{rng.randint(5, 500)}.00"
                elif kind == "event":
                    extra[4], extra[5] = rng.choice(events), "光谷科技会展中心"
                    extra[6] = str(rng.randint(10, 200))
                elif kind == "conversion":
                    extra[7], extra[8] = rng.choice(modes), f"{rng.randint(10, 5000)}.00"
                    extra[9], extra[10] = day, f"42010{entry_id:010d}"
                elif kind == "video":
                    extra[11] = "douyin"
                entries.write(
                    "\t".join(
                        [
                            str(entry_id),
                            str(tenant.id),
                            kind,
                            f"{KIND_TITLES[kind]} {entry_id}",
                            day,
                            "verified",
                            "",
                            "新材料",
                            *extra,
                            f"https://v.example.cn/{entry_id}" if kind == "video" else "",
                            "",
                            created,
                            verified,
                            created,
                            verified,
                            str(verifier),
                        ]
                    )
                )
                entries.write("\n")
                if rng.random() < CO_CREDITED:
                    team = picker.team()
                    n_teams += 1
                else:
                    team = [next(singles)]
                for officer_id in team:
                    credits.write(f"{entry_id}\t{officer_id}\t{tenant.id}\n")
                n_credits += len(team)
            copy_rows(cursor, "ledgers_entry", ENTRY_COLUMNS, entries)
            copy_rows(cursor, "ledgers_credit", ("entry_id", "officer_id", "tenant_id"), credits)
            n_entries += size
            print(f"  {n_entries:>9,} entries", flush=True)
    return n_entries, n_credits, n_teams


def sql_text(value: str) -> str:
    """A policy code as an SQL string literal (codes are short identifiers)."""
    if not value.replace("-", "_").isidentifier():
        raise ValueError(f"unexpected policy code {value!r}")
    return f"'{value}'"


# The shares of the year's verified entries, as ``scoring.shares`` stores
# them: officers who held an appointment in the year (term overlapping it,
# not disqualified before it), grouped by the policy's category → scoring
# group mapping ({group}), each group's credited officers sharing the
# kind's points ({points}). One statement; the window counts after the
# officer filter, as the engine leaves other officers out of the split.
SHARES_SQL = """
INSERT INTO scoring_share
    (tenant_id, entry_id, officer_id, year, kind, occurred_on, points, group_size,
     created_at, superseded_at)
SELECT e.tenant_id, c.entry_id, c.officer_id, %(year)s, e.kind, e.occurred_on,
       CASE e.kind {points} ELSE 0 END,
       COUNT(*) OVER (PARTITION BY c.entry_id, CASE o.category {group} ELSE o.category END),
       now(), NULL
FROM ledgers_credit c
JOIN ledgers_entry e ON e.id = c.entry_id
JOIN roster_officer o ON o.id = c.officer_id
WHERE e.tenant_id = %(tenant)s AND e.status = 'verified'
  AND e.occurred_on BETWEEN %(start)s AND %(end)s
  AND o.term_start <= %(end)s AND o.term_end >= %(start)s
  AND NOT (o.status = 'disqualified' AND o.disqualified_on IS NOT NULL
           AND o.disqualified_on < %(start)s)
"""


# The tallies the ranking reads: live shares counted per (officer, kind,
# points, group size), as scoring.shares keeps them.
TALLY_SQL = """
INSERT INTO scoring_sharetally (tenant_id, year, officer_id, kind, points, group_size, count)
SELECT tenant_id, year, officer_id, kind, points, group_size, COUNT(*)
FROM scoring_share
WHERE tenant_id = %(tenant)s AND year = %(year)s AND superseded_at IS NULL
GROUP BY tenant_id, year, officer_id, kind, points, group_size
"""


def make_shares(tenant: Tenant, year: int) -> tuple[int, float]:
    """Fill ``scoring_share`` for the tenant's year with one INSERT … SELECT
    (the policy in force at the year's end), then ``scoring_sharetally`` from
    it with a second; returns the shares written and the
    seconds the ANALYZE before it took.

    The freshly copied rows are ANALYZEd first, inside the transaction:
    without statistics the INSERT took 123 s at S instead of about 2 s."""
    rules = policy_in_force(tenant=tenant, on=dt.date(year, 12, 31)).rules
    points = " ".join(
        f"WHEN {sql_text(kind)} THEN {int(value)}"
        for kind, value in sorted(rules["points"].items())
    )
    group = " ".join(
        f"WHEN {sql_text(c['code'])} THEN {sql_text(c['scoring_group'])}"
        for c in rules["categories"]
    )
    sql = SHARES_SQL.replace("{points}", points).replace("{group}", group)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for table in ("roster_officer", "ledgers_entry", "ledgers_credit"):
            cursor.execute(f"ANALYZE {table}")
        analysed = time.perf_counter() - started
        cursor.execute(
            sql,
            {
                "tenant": tenant.id,
                "year": year,
                "start": dt.date(year, 1, 1),
                "end": dt.date(year, 12, 31),
            },
        )
        written = cursor.rowcount
        cursor.execute(TALLY_SQL, {"tenant": tenant.id, "year": year})
        return written, analysed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), required=True, type=str.upper)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--reset", action="store_true", help="delete the tenant first")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("generate.py needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    n_officers, n_entries = SCALES[args.scale]
    slug, admin = slug_for(args.scale), admin_for(args.scale)
    existing = Tenant.objects.filter(slug=slug).first()
    if existing is not None and not args.reset:
        print(
            f"Tenant {slug} already exists in {connection.settings_dict['NAME']}; "
            "nothing changed. Pass --reset to delete and regenerate it.",
            file=sys.stderr,
        )
        return 1
    if existing is not None:
        print(f"Deleting tenant {slug}…", flush=True)
        print(f"  deleted in {delete_tenant(existing, admin):.1f} s")
    elif User.objects.filter(username=admin).exists():
        print(f"The login {admin} exists without its tenant; delete it first.", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)  # noqa: S311 - synthetic data, not security
    started = time.perf_counter()
    print(
        f"Generating {slug}: {n_officers:,} officers, {n_entries:,} entries of {args.year}…",
        flush=True,
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            # A synthetic bulk load is not a user's change: no audit rows
            # (replica mode skips ordinary triggers, the audit ones included;
            # it also skips foreign-key checks, so the rows must be right).
            cursor.execute("SET LOCAL session_replication_role = replica")
        tenant = tenant_create(
            slug=slug,
            name=f"基准测试 {args.scale}",
            preset="wuhan",
            admin_username=admin,
            admin_password=ADMIN_PASSWORD,
            effective_from=dt.date(args.year, 1, 1),
        )
        districts, officers = make_officers(tenant, n_officers, args.year, rng)
        verifier = User.objects.get(username=admin).id
        entries, credits, teams = make_entries(
            tenant, officers, n_entries, args.year, rng, verifier
        )
        copied = time.perf_counter()
        print("  filling scoring_share (one INSERT … SELECT)…", flush=True)
        shares, analysed = make_shares(tenant, args.year)
        shared = time.perf_counter()
        print(
            f"  {shares:,} shares in {shared - copied:.1f} s "
            f"(ANALYZE {analysed:.1f} s, INSERT … SELECT {shared - copied - analysed:.1f} s)",
            flush=True,
        )
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        for table in (
            "roster_officer",
            "ledgers_entry",
            "ledgers_credit",
            "scoring_share",
            "scoring_sharetally",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    done = time.perf_counter()
    cities = sum(1 for o in officers if o.category == "city")
    print(
        f"Tenant {slug} (id {tenant.id}): {len(districts)} districts, {len(officers):,} officers "
        f"({cities:,} city, {len(officers) - cities:,} district), {entries:,} verified entries, "
        f"{credits:,} credits ({teams:,} co-credited entries, {teams / entries:.1%}), "
        f"{shares:,} stored shares."
    )
    print(
        f"Generated in {done - started:.1f} s (tenant, officers, entries and credits "
        f"{copied - started:.1f} s, shares {shared - copied:.1f} s incl. ANALYZE, commit "
        f"{loaded - shared:.1f} s, VACUUM ANALYZE {done - loaded:.1f} s)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
