"""Time the annual ranking, a statement and the ranking export on a tenant made
by ``bench/generate.py``, beside one hand-written SQL query (the floor).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_s \\
        .venv/bin/python bench/run.py --scale S [--year 2025] [--repeat 3] [--profile] [--finalise]

Each figure is the best of ``--repeat`` runs (default 3) after one warm-up
run, timed with ``time.perf_counter``:

ranking
    ``scoring.selectors.year_result`` + ``render_pools``: the live (draft)
    annual ranking exactly as the API and pages build it, every officer of
    the year ranked per pool and rendered as API rows. It reads the stored
    shares (``scoring_share``, live rows of the year counted per officer,
    kind, points and group size).
share query
    ``scoring.selectors.year_groups`` alone: the ranking's one query over
    the share tallies (``scoring_sharetally``; before they existed, a GROUP
    BY over ``scoring_share``) and the ``CreditGroup`` rows built from it.
ranking recomputed from the ledger
    The same with ``year_result(..., recompute=True)``: every credit of the
    ledger scored entry by entry (the audit path; what the ranking was
    before shares were stored).
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
    one precomputed ``numeric`` share per credit (the stand-in the issue's
    "stored shares" figure was compared with before ``scoring_share``
    existed). The table is built before timing and dropped with the session;
    nothing in the database is changed.

After each step the script reports that step's peak RSS: the kernel's
high-water mark is reset before the step (``/proc/self/clear_refs``) and read
after it with ``resource.getrusage`` (where the reset is not allowed, the
figure is the process's peak so far).

Checks (printed, not asserted): the ranking's subtotals (total − bonus) are
compared exactly (as fractions) with the floor's totals, and the ranking
recomputed from the ledger with the ranking from the shares (the rendered
pools must be identical). The floor partitions by officer category and
keeps every credited officer; on the generated tenants (the ``wuhan``
preset maps each category to its own scoring group; every term covers the
year) that is the shares' rule, and the shares are halves at most, so its
``numeric`` sums are exact.

``--finalise`` also times ``scoring.services.ranking_finalize`` once (the
ranking from the shares under the tenant's advisory lock; only the pools
are stored), in a transaction that is rolled back, right after the ranking
step (before the recompute step raises the process's RSS), and reports the
stored (compressed) size of the snapshot's JSON.

It reports; it asserts nothing. ``--profile`` additionally profiles one run
of the ranking, the ranking recomputed from the ledger and the statement
with ``cProfile``, prints how much of each went to the database driver
(psycopg2's execute and fetch methods: the server's work, the transfer and
decoding rows), the top functions of the ranking by cumulative time and
``EXPLAIN (ANALYZE, BUFFERS)`` of the ranking's share query (the SQL Django
sends, captured while ``year_groups`` runs).
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
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings.local")
os.environ.setdefault("DEBUG", "0")  # no query log: production-like

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.models import Membership, Tenant  # noqa: E402
from accounts.selectors import policy_in_force  # noqa: E402
from liaison.excel import workbook_file  # noqa: E402
from roster.models import Officer  # noqa: E402
from roster.selectors import district_list  # noqa: E402
from scoring.exports import ranking_workbook  # noqa: E402
from scoring.selectors import (  # noqa: E402
    ranking_for,
    render_pools,
    statement_for,
    tallies_match_shares,
    year_groups,
    year_result,
)

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


def current_mb() -> float:
    """Resident set size now (VmRSS), in MB."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def measure(name: str, fn, repeat: int, keep=None, *, warm_up: bool = True) -> dict:
    """One warm-up run, then the best of ``repeat``; RSS before and peak RSS
    during the step. ``keep`` (if given) is applied to the last run's value,
    after the peak RSS is read, and its result kept as ``value``."""
    gc.collect()
    before = current_mb()
    per_step = reset_peak()
    if warm_up:
        fn()
    times = []
    value = None
    for _ in range(repeat):
        gc.collect()
        value = None
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    result = {
        "name": name,
        "best": min(times),
        "times": times,
        "before": before,
        "rss": peak_mb(),
        "value": keep(value) if keep else None,
    }
    del value
    print(
        f"  {name:<14} best {result['best']:8.3f} s   runs "
        + ", ".join(f"{t:.3f}" for t in times)
        + f"   RSS before {before:6.1f} MB, peak {result['rss']:7.1f} MB"
        + ("" if per_step else " (process peak so far)"),
        flush=True,
    )
    return result


def profile(fn, stream=None) -> pstats.Stats:
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    return pstats.Stats(profiler, stream=stream).strip_dirs()


def driver_seconds(stats: pstats.Stats) -> float:
    """Own time of psycopg2's C methods (execute, fetch*): the database's work,
    the transfer and the decoding of rows into Python values."""
    return sum(row[2] for (_file, _line, func), row in stats.stats.items() if "psycopg2" in func)


def finalise_once(membership, year: int) -> str:
    """``ranking_finalize`` once (the ranking from the shares under the
    tenant's advisory lock, the pools written as JSON; statements are read
    from the shares later), inside a transaction that is rolled back."""
    from scoring.services import ranking_finalize

    gc.collect()
    before = current_mb()
    per_step = reset_peak()
    started = time.perf_counter()
    with transaction.atomic():
        snapshot = ranking_finalize(membership=membership, year=year)
        elapsed = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_column_size(statements), pg_column_size(pools) "
                "FROM scoring_rankingsnapshot WHERE id = %s",
                [snapshot.pk],
            )
            statements, pools = cursor.fetchone()
        transaction.set_rollback(True)
    return (
        f"Finalise (ranking_finalize, once, rolled back): {elapsed:.2f} s; RSS before "
        f"{before:.0f} MB, peak {peak_mb():.0f} MB{'' if per_step else ' (process peak)'}; "
        f"snapshot JSON stored: pools {pools / 2**10:.0f} KiB, statements {statements} bytes "
        f"(pg_column_size, compressed)"
    )


def captured_sql(fn) -> list[tuple[str, tuple]]:
    """The SQL statements (with their parameters) that ``fn`` sends."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return seen


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def subtotals(pools: list[dict]) -> dict[int, Fraction]:
    """Each ranked officer's subtotal (total − bonus), exact."""
    return {
        row["officer"]: Fraction(row["points_exact"]) - int(row["bonus"])
        for pool in pools
        for row in pool["rows"]
    }


def git_head() -> str:
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments, read-only
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %cs"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["S", "M", "L"], required=True, type=str.upper)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one ranking run")
    parser.add_argument("--profile-lines", type=int, default=25)
    parser.add_argument(
        "--recompute-once",
        action="store_true",
        help="run the recompute (3.7 min and 4 GB at L) once, without a warm-up",
    )
    parser.add_argument(
        "--finalise",
        action="store_true",
        help="also time scoring.services.ranking_finalize once, rolled back",
    )
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
        f"{n_entries:,} verified entries of {year}; code {git_head()}; {pg_version}; "
        f"Python {platform.python_version()}; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.2f}"
    )

    def ranking():
        return render_pools(year_result(tenant=tenant, year=year))

    def statement():
        return statement_for(tenant=tenant, officer=busiest, year=year)

    def share_query():
        return year_groups(tenant=tenant, year=year)

    def recompute():
        return render_pools(year_result(tenant=tenant, year=year, recompute=True))

    prepared = ranking_for(membership=membership, year=year)

    def export():
        workbook = ranking_workbook(tenant=tenant, ranking=prepared, districts=districts, user=None)
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

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM scoring_share WHERE tenant_id = %s AND year = %s "
            "AND superseded_at IS NULL",
            [tenant.id, year],
        )
        n_shares = cursor.fetchone()[0]
    print(f"Live stored shares of {year}: {n_shares:,}")

    steps = {
        "floor": ("SQL floor", floor, None),
        "stored": ("stored shares", stored, None),
        "statement": (f"statement ({busiest_lines} lines)", statement, None),
        "share_query": ("share query", share_query, len),
        "ranking": ("ranking", ranking, list),
        "recompute": ("ranking recomputed from the ledger", recompute, list),
        "export": ("export", export, None),
    }
    print(f"Best of {args.repeat} after one warm-up:")
    results, finalised = {}, None
    for key, (name, fn, keep) in steps.items():
        if key == "recompute" and args.recompute_once:
            results[key] = measure(name, fn, 1, keep, warm_up=False)
            continue
        results[key] = measure(name, fn, args.repeat, keep)
        if key == "ranking" and args.finalise:
            # before the recompute step, whose freed memory Python keeps
            finalised = finalise_once(membership, year)
            print(f"  {finalised}", flush=True)
    size = export()

    # Checks, for the record: the ranking (from the shares) against the floor
    # (from the ledger) and against the ranking recomputed entry by entry.
    ranked = subtotals(results["ranking"]["value"])
    sql = {officer: Fraction(total) for officer, total in floor()}
    differ = sum(1 for officer, value in ranked.items() if sql.get(officer, 0) != value)
    missing = len(set(sql) - set(ranked))
    worst = max(
        (abs(value - sql.get(officer, 0)) for officer, value in ranked.items()),
        default=Fraction(0),
    )
    print(
        f"Ranking vs floor: {len(ranked):,} officers ranked, {len(sql):,} with credits in the "
        f"floor; exact match: {'yes' if not differ and not missing else 'NO'} "
        f"({differ} officers differ, largest difference {float(worst):.3g}"
        + (f", {missing} officers only in the floor" if missing else "")
        + ")"
    )
    same = results["recompute"]["value"] == results["ranking"]["value"]
    print(
        "Ranking vs ranking recomputed from the ledger: rendered pools identical "
        f"(ranks, totals, bonuses, counts): {'yes' if same else 'NO'}"
    )
    print(f"Share query: {results['share_query']['value']:,} (officer, kind, points, size) rows")
    counted = tallies_match_shares(tenant=tenant, year=year)
    print(f"Tallies equal a fresh count of the live shares: {'yes' if counted else 'NO'}")
    print(f"Export file: {size / 1024:.0f} KiB")

    ratio = results["ranking"]["best"] / results["floor"]["best"]
    to_stored = results["ranking"]["best"] / results["stored"]["best"]
    print()
    print(
        "| scale | officers | entries | ranking s | statement s | export s | SQL floor s "
        "| ranking / floor | stored shares s | ranking / stored | share query s "
        "| recomputed s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.scale} | {n_officers:,} | {n_entries:,} | {results['ranking']['best']:.2f} "
        f"| {results['statement']['best']:.2f} | {results['export']['best']:.2f} "
        f"| {results['floor']['best']:.3f} | {ratio:.2f}× | {results['stored']['best']:.3f} "
        f"| {to_stored:.2f}× | {results['share_query']['best']:.3f} "
        f"| {results['recompute']['best']:.2f} |"
    )
    print()
    print("| step | RSS before MB | peak RSS MB |")
    print("|---|---:|---:|")
    for r in results.values():
        print(f"| {r['name']} | {r['before']:.0f} | {r['rss']:.0f} |")

    if finalised:
        print()
        print(finalised)

    if args.profile:
        print()
        print("Time in the database driver (psycopg2 execute/fetch: server work, transfer,")
        print("row decoding) in one profiled run of each step:")
        for key in ("ranking", "recompute", "statement"):
            name, fn, _keep = steps[key]
            stats = profile(fn)
            print(
                f"  {name:<24} driver {driver_seconds(stats):7.3f} s of "
                f"{stats.total_tt:7.3f} s profiled ({results[key]['best']:.3f} s unprofiled)"
            )
        out = io.StringIO()
        profile(ranking, out).sort_stats("cumulative").print_stats(args.profile_lines)
        print()
        print("cProfile of one ranking run (cumulative):")
        print(out.getvalue())
        queries = [(q, p) for q, p in captured_sql(share_query) if "scoring_share" in q]
        for sql_text, params in queries:
            print("The ranking's share query (as Django sends it):")
            print(f"  {sql_text}")
            print(f"  params {params!r}")
            print("EXPLAIN (ANALYZE, BUFFERS):")
            print(explain(sql_text, params))
    return 0


if __name__ == "__main__":
    sys.exit(main())
