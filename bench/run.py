"""Time the annual ranking, a statement and the ranking export on a tenant made
by ``bench/generate.py``, beside one hand-written SQL query (the floor).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_s \\
        .venv/bin/python bench/run.py --scale S [--year 2025] [--repeat 3] [--profile]

Each figure is the best of ``--repeat`` runs (default 3) after one warm-up
run, timed with ``time.perf_counter``:

ranking
    ``scoring.selectors.year_result`` + ``render_pools``: the live (draft)
    annual ranking exactly as the API and pages build it — every officer and
    every verified credit of the year read through the ORM, scored with exact
    fractions by the engine, ranked per pool and rendered as API rows.
statement
    ``scoring.selectors.statement_for`` for the officer with the most lines.
export
    ``scoring.exports.ranking_workbook`` over a ranking computed beforehand,
    saved to a temporary file with ``liaison.excel.workbook_file`` (the
    background export job computes the ranking first, so its wall time is
    about ranking + export).
SQL floor
    ONE hand-written query over ``ledgers_credit`` ⨝ ``ledgers_entry`` ⨝
    ``roster_officer`` that computes every credited officer's total with the
    collaborative split on the fly (points by kind from the tenant's policy in
    a ``CASE``, the per-entry per-scoring-group head count with a window
    function), as ``numeric`` — the least any implementation that reads the
    raw ledger must pay. It does no ranking, no bonus, no pools, no rendering.
stored shares
    For reference: ``SUM(share) GROUP BY officer`` over a TEMP table holding
    one precomputed share per credit (what "shares stored when an entry is
    verified" would read). The table is built before timing and dropped with
    the session; nothing in the database is changed.

After each step the script reports that step's peak RSS: the kernel's
high-water mark is reset before the step (``/proc/self/clear_refs``) and read
after it with ``resource.getrusage`` (where the reset is not allowed, the
figure is the process's peak so far). The floor's totals are compared with
the engine's subtotals (total − bonus) and the largest difference printed.

It reports; it asserts nothing. ``--profile`` additionally runs the ranking
once under ``cProfile`` and prints the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import os
import platform
import pstats
import resource
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings.local")
os.environ.setdefault("DEBUG", "0")  # no query log: production-like

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import Membership, Tenant  # noqa: E402
from accounts.selectors import policy_in_force  # noqa: E402
from liaison.excel import workbook_file  # noqa: E402
from roster.models import Officer  # noqa: E402
from roster.selectors import district_list  # noqa: E402
from scoring.exports import ranking_workbook  # noqa: E402
from scoring.selectors import ranking_for, render_pools, statement_for, year_result  # noqa: E402

# The floor: one statement, the split computed on the fly. {points} is a
# CASE built from the policy (kinds and integers only, no user text).
SPLIT_SQL = """
    SELECT c.officer_id,
           CASE e.kind {points} ELSE 0 END AS points,
           COUNT(*) OVER (PARTITION BY c.entry_id, o.category) AS group_size
    FROM ledgers_credit c
    JOIN ledgers_entry e ON e.id = c.entry_id
    JOIN roster_officer o ON o.id = c.officer_id
    WHERE e.tenant_id = %s AND e.status = 'verified' AND e.occurred_on BETWEEN %s AND %s
"""
FLOOR_SQL = f"""
SELECT officer_id, SUM(points::numeric / group_size) AS total
FROM ({SPLIT_SQL}) AS split
GROUP BY officer_id
"""  # noqa: S608 - constant text
SHARE_TABLE_SQL = f"""
CREATE TEMP TABLE bench_share AS
SELECT %s::bigint AS tenant_id, %s::int AS year, officer_id,
       points::numeric / group_size AS share
FROM ({SPLIT_SQL}) AS split
"""  # noqa: S608 - constant text
STORED_SQL = """
SELECT officer_id, SUM(share) AS total FROM bench_share
WHERE tenant_id = %s AND year = %s GROUP BY officer_id
"""


def points_case(points: dict[str, int]) -> str:
    parts = []
    for kind, value in sorted(points.items()):
        if not kind.isidentifier():
            raise ValueError(kind)
        parts.append(f"WHEN '{kind}' THEN {int(value)}")
    return " ".join(parts)


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark for this process (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(name: str, fn, repeat: int) -> dict:
    """One warm-up run, then the best of ``repeat``; peak RSS of the step."""
    gc.collect()
    per_step = reset_peak()
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    result = {"name": name, "best": min(times), "times": times, "rss": peak_mb()}
    print(
        f"  {name:<14} best {result['best']:8.3f} s   runs "
        + ", ".join(f"{t:.3f}" for t in times)
        + f"   peak RSS {result['rss']:7.1f} MB{'' if per_step else ' (process peak so far)'}",
        flush=True,
    )
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["S", "M", "L"], required=True, type=str.upper)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one ranking run")
    parser.add_argument("--profile-lines", type=int, default=25)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("run.py needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    slug = f"bench-{args.scale.lower()}"
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        print(
            f"No tenant {slug} in {connection.settings_dict['NAME']}: run "
            f"bench/generate.py --scale {args.scale} first.",
            file=sys.stderr,
        )
        return 1
    year = args.year
    start, end = f"{year}-01-01", f"{year}-12-31"
    membership = Membership.objects.for_tenant(tenant).filter(role="admin").first()
    policy = policy_in_force(tenant=tenant, on=dt.date(year, 12, 31))
    floor_sql = FLOOR_SQL.replace("{points}", points_case(policy.rules["points"]))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM ledgers_entry WHERE tenant_id = %s AND status = 'verified' "
            "AND occurred_on BETWEEN %s AND %s",
            [tenant.id, start, end],
        )
        n_entries = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.officer_id, count(*) FROM ledgers_credit c "
            "JOIN ledgers_entry e ON e.id = c.entry_id "
            "WHERE e.tenant_id = %s AND e.status = 'verified' "
            "AND e.occurred_on BETWEEN %s AND %s "
            "GROUP BY c.officer_id ORDER BY count(*) DESC, c.officer_id LIMIT 1",
            [tenant.id, start, end],
        )
        busiest_id, busiest_lines = cursor.fetchone()
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    n_officers = Officer.objects.for_tenant(tenant).count()
    busiest = Officer.objects.get(pk=busiest_id)
    districts = dict(district_list(tenant=tenant).values_list("code", "name"))

    print(
        f"{slug} in {connection.settings_dict['NAME']}: {n_officers:,} officers, "
        f"{n_entries:,} verified entries of {year}; {pg_version}; Python "
        f"{platform.python_version()}; {os.cpu_count()} CPUs"
    )

    def ranking():
        return render_pools(year_result(tenant=tenant, year=year))

    def statement():
        return statement_for(tenant=tenant, officer=busiest, year=year)

    prepared = ranking_for(membership=membership, year=year)

    def export():
        workbook = ranking_workbook(tenant=tenant, ranking=prepared, districts=districts)
        with workbook_file(workbook) as handle:
            handle.seek(0, io.SEEK_END)
            return handle.tell()

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [tenant.id, start, end])
            return cursor.fetchall()

    def stored():
        with connection.cursor() as cursor:
            cursor.execute(STORED_SQL, [tenant.id, year])
            return cursor.fetchall()

    with connection.cursor() as cursor:  # the stored-share stand-in (session only)
        cursor.execute("DROP TABLE IF EXISTS bench_share")
        cursor.execute(
            SHARE_TABLE_SQL.replace("{points}", points_case(policy.rules["points"])),
            [tenant.id, year, tenant.id, start, end],
        )
        cursor.execute("CREATE INDEX ON bench_share (tenant_id, year, officer_id)")
        cursor.execute("ANALYZE bench_share")

    print(f"Best of {args.repeat} after one warm-up:")
    results = {
        "floor": measure("SQL floor", floor, args.repeat),
        "stored": measure("stored shares", stored, args.repeat),
        "statement": measure(f"statement ({busiest_lines} lines)", statement, args.repeat),
        "ranking": measure("ranking", ranking, args.repeat),
        "export": measure("export", export, args.repeat),
    }
    size = export()

    # The floor against the engine (subtotal = total - bonus), for the record.
    engine = {
        row["officer"]: Fraction(row["points_exact"]) - int(row["bonus"])
        for pool in prepared["pools"]
        for row in pool["rows"]
    }
    sql = dict(floor())
    worst = max(
        (
            abs(Decimal(value.numerator) / Decimal(value.denominator) - sql.get(officer, 0))
            for officer, value in engine.items()
        ),
        default=Decimal(0),
    )
    missing = len(set(sql) - set(engine))
    print(
        f"Floor vs engine: {len(engine):,} officers ranked, {len(sql):,} with credits in the "
        f"floor; largest difference {worst:.2E}"
        + (f"; {missing} officers only in the floor" if missing else "")
    )
    print(f"Export file: {size / 1024:.0f} KiB")

    ratio = results["ranking"]["best"] / results["floor"]["best"]
    print()
    print(
        "| scale | officers | entries | ranking s | statement s | export s | SQL floor s "
        "| stored shares s | ranking / floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.scale} | {n_officers:,} | {n_entries:,} | {results['ranking']['best']:.2f} "
        f"| {results['statement']['best']:.2f} | {results['export']['best']:.2f} "
        f"| {results['floor']['best']:.3f} | {results['stored']['best']:.3f} | {ratio:.1f}× |"
    )
    print()
    print("| step | peak RSS MB |")
    print("|---|---:|")
    for key in ("floor", "stored", "statement", "ranking", "export"):
        print(f"| {results[key]['name']} | {results[key]['rss']:.0f} |")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        ranking()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(args.profile_lines)
        print()
        print("cProfile of one ranking run (cumulative):")
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
