"""Time the monthly quota report on a tenant made by ``bench/generate.py``,
beside one hand-written SQL statement that counts the same thing (the floor).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_s \\
        .venv/bin/python bench/quota.py --scale S [--months 2025-03,2025-12] [--recount]

For each month, each figure is the best of ``--repeat`` runs (default 3)
after one warm-up run, timed with ``time.perf_counter``; the peak RSS of
each step is measured as in ``bench/run.py`` (the kernel's high-water mark
reset before the step, read with ``resource.getrusage`` after it):

report
    ``scoring.quotas.quota_report_build``: the report exactly as the monthly
    job, the API and the pages build and store it (officers appointed in
    the month, their terms, the quota counts from the database, the
    engine's required and met, the duty columns, rendering, the rows
    streamed into the stored JSON), each run in a transaction rolled back
    (the database is left as it was). It runs in a fresh process of its
    own: its peak RSS is that process's high-water mark (start-up
    included, printed beside it), nothing left behind by other steps.
    The stored report's size is printed (``pg_column_size`` of the stored value, compressed,
    and its text).
rows
    ``scoring.quotas.quota_rows_iter``, consumed row by row, in this
    process: the report's rows made as the build makes them, without
    encoding or storing them (what "report" timed before the build
    streamed its rows into the database).
counts
    ``scoring.quotas.quota_counts`` alone: the report's two counting queries
    (per officer and kind, per district and kind) and the compact rows built
    from them.
SQL floor
    ONE hand-written statement over ``ledgers_credit`` ⨝ ``ledgers_entry``
    (⨝ ``roster_officer``) returning every report row's counted and verified
    figures: officers × their category's quotas (a ``VALUES`` list) left
    joined to their credits from each period's start to the month's end,
    and districts × district quotas left joined to their officers' credits,
    each entry once per district (``COUNT(DISTINCT …)``). What is required
    comes from the quota list (every generated term covers the year, so a
    quarterly or yearly quota is pro-rated by the months elapsed). The least
    anything reading the raw ledger must pay.
recount (``--recount``)
    ``scoring.tests.quota_recount.quota_rows_recounted``: every credit since 1 January loaded
    as an engine fact and counted in Python (the audit path; what the
    report did before the counts moved to the database).

Checks (printed, not asserted): the report's rows (subject, quota,
required, counted, verified, met; read with ``scoring.quotas.quota_rows``
after the timed steps) against the floor's, exactly; with ``--recount``,
the whole rows of both paths.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection, transaction
from run import current_mb, git_head, measure, peak_mb

from accounts.models import Tenant
from accounts.selectors import policy_in_force
from roster.selectors import officers_appointed
from scoring import engine
from scoring.engine.quotas import PERIOD_MONTHS
from scoring.quotas import quota_counts, quota_report_build, quota_rows, quota_rows_iter
from scoring.tests.quota_recount import quota_rows_recounted

# {officer_quotas} and {district_quotas}: VALUES rows built from the policy
# (codes, kinds, categories, dates and flags only; no user text).
FLOOR_SQL = """
WITH oq (code, category, kind, since, valid_only) AS (VALUES {officer_quotas}),
dq (code, kind, since, valid_only) AS (VALUES {district_quotas}),
appointed AS (
    SELECT id, category, district_id FROM roster_officer
    WHERE tenant_id = %(tenant)s AND term_start <= %(end)s AND term_end >= %(start)s
      AND NOT (status = 'disqualified' AND disqualified_on < %(start)s)
),
credited AS (
    SELECT c.officer_id, c.entry_id, e.kind, e.occurred_on, e.status, e.is_valid
    FROM ledgers_credit c JOIN ledgers_entry e ON e.id = c.entry_id
    WHERE e.tenant_id = %(tenant)s AND e.status IN ('submitted', 'verified')
      AND e.occurred_on BETWEEN %(year_start)s AND %(end)s
)
SELECT 'officer:' || a.id, oq.code, COUNT(c.entry_id),
       COUNT(c.entry_id) FILTER (WHERE c.status = 'verified')
FROM appointed a
JOIN oq ON oq.category = a.category
LEFT JOIN credited c ON c.officer_id = a.id AND c.kind = oq.kind
    AND c.occurred_on >= oq.since AND (NOT oq.valid_only OR c.is_valid)
GROUP BY a.id, oq.code
UNION ALL
SELECT 'district:' || d.code, dq.code, COUNT(DISTINCT c.entry_id),
       COUNT(DISTINCT c.entry_id) FILTER (WHERE c.status = 'verified')
FROM roster_district d
JOIN dq ON TRUE
LEFT JOIN (credited c JOIN appointed a ON a.id = c.officer_id)
    ON a.district_id = d.id AND c.kind = dq.kind
    AND c.occurred_on >= dq.since AND (NOT dq.valid_only OR c.is_valid)
WHERE d.id IN (SELECT district_id FROM appointed) AND dq.code IS NOT NULL
GROUP BY d.code, dq.code
"""


def _literal(value: str) -> str:
    if not value.replace("/", "").replace("_", "").isalnum():
        raise ValueError(value)
    return f"'{value}'"


def floor_sql(quotas: list[engine.Quota], month: str) -> str:
    month_start = engine.month_bounds(month)[0]
    officer, district = [], []
    for q in quotas:
        since = engine.quotas._period(q.period, month_start)[0]
        valid = "TRUE" if engine.basis_of(q) == "valid" else "FALSE"
        if q.scope == "officer":
            officer.append(
                f"({_literal(q.code)}, {_literal(q.category)}, {_literal(q.kind)}, "
                f"DATE '{since}', {valid})"
            )
        else:
            district.append(f"({_literal(q.code)}, {_literal(q.kind)}, DATE '{since}', {valid})")
    # no quota of a scope: one row that joins nothing
    officer = officer or ["(NULL::text, NULL::text, NULL::text, NULL::date, FALSE)"]
    district = district or ["(NULL::text, NULL::text, NULL::date, FALSE)"]
    return FLOOR_SQL.replace("{officer_quotas}", ", ".join(officer)).replace(
        "{district_quotas}", ", ".join(district)
    )


def floor_rows(tenant: Tenant, quotas: list[engine.Quota], month: str) -> list[tuple]:
    """The floor's rows as (subject, quota, required, counted, verified, met)."""
    start, end = engine.month_bounds(month)
    required = {}
    for q in quotas:  # every generated term covers the year: elapsed months served
        period_start = engine.quotas._period(q.period, start)[0]
        elapsed = (end.year - period_start.year) * 12 + end.month - period_start.month + 1
        required[q.scope, q.code] = Fraction(q.count * elapsed, PERIOD_MONTHS[q.period])
    with connection.cursor() as cursor:
        cursor.execute(
            floor_sql(quotas, month),
            {
                "tenant": tenant.id,
                "start": start,
                "end": end,
                "year_start": dt.date(end.year, 1, 1),
            },
        )
        rows = []
        for subject, code, n, v in cursor.fetchall():
            due = required[subject.split(":")[0], code]  # "officer:…" or "district:…"
            rows.append((subject, code, engine.exact_text(due), n, v, n >= due))
        return sorted(rows)


def report_rows(rows: list[dict]) -> list[tuple]:
    return sorted(
        (r["subject"], r["quota"], r["required_exact"], r["counted"], r["verified"], r["met"])
        for r in rows
    )


class _RolledBack(Exception):
    pass


def hwm_mb() -> float:
    """This process's peak RSS (VmHWM), in MB. Not ``getrusage``: in a
    process started by fork and exec, ``ru_maxrss`` keeps the forked copy
    of the parent's resident set (the parent's size at the fork)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return peak_mb()


def build_child(tenant: Tenant, month: str, repeat: int) -> dict:
    """The "report" step, in this (fresh) process: a warm-up and ``repeat``
    timed builds, each rolled back; the process's peak RSS, the RSS at the
    start and the stored report's size."""
    import time

    start_mb = current_mb()
    times, size = [], None
    for run in range(repeat + 1):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                report = quota_report_build(tenant=tenant, month=month)
                elapsed = time.perf_counter() - started
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_column_size(rows), octet_length(rows::text)"
                        " FROM scoring_quotareport WHERE id = %s",
                        [report.pk],
                    )
                    size = cursor.fetchone()
                rows = report.row_count
                raise _RolledBack
        except _RolledBack:
            pass
        if run:  # the first is the warm-up
            times.append(elapsed)
    return {
        "name": "report",
        "best": min(times),
        "times": times,
        "before": start_mb,
        "rss": hwm_mb(),
        "rows": rows,
        "stored_bytes": size[0],
        "text_bytes": size[1],
    }


def measure_build(scale: str, month: str, repeat: int) -> dict:
    """:func:`build_child` in a fresh process."""
    out = subprocess.run(  # noqa: S603 - this script, fixed arguments
        [
            sys.executable,
            __file__,
            "--scale",
            scale,
            "--build-month",
            month,
            "--repeat",
            str(repeat),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"  {'report':<14} best {result['best']:8.3f} s   runs "
        + ", ".join(f"{t:.3f}" for t in result["times"])
        + f"   fresh process: RSS at start {result['before']:6.1f} MB,"
        f" peak {result['rss']:7.1f} MB; stored {result['rows']:,} rows,"
        f" stored {result['stored_bytes'] / 1e6:.1f} MB, text {result['text_bytes'] / 1e6:.1f} MB",
        flush=True,
    )
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["S", "M", "L"], required=True, type=str.upper)
    parser.add_argument("--months", default="2025-03,2025-12")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--recount", action="store_true", help="also time the entry-by-entry recount"
    )
    parser.add_argument("--build-month", help=argparse.SUPPRESS)  # the report step's process
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("quota.py needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    slug = f"bench-{args.scale.lower()}"
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        print(f"No tenant {slug}: run bench/generate.py --scale {args.scale} first.")
        return 1
    if args.build_month:
        print(json.dumps(build_child(tenant, args.build_month, args.repeat)))
        return 0
    print(f"Quota report, tenant {slug}, commit {git_head()}, PostgreSQL {connection.pg_version}")
    summary = []
    for month in args.months.split(","):
        start, end = engine.month_bounds(month)
        quotas = engine.Quota.from_policy(
            policy_in_force(tenant=tenant, on=end).rules.get("quotas", [])
        )
        appointed = officers_appointed(tenant=tenant, start=start, end=end)
        print(f"{month}:")
        floor = measure(
            "SQL floor", lambda q=quotas, m=month: floor_rows(tenant, q, m), args.repeat, keep=list
        )
        counts = measure(
            "counts",
            lambda q=quotas, m=month, a=appointed: quota_counts(
                tenant=tenant, month=m, quotas=q, appointed=a
            ),
            args.repeat,
        )
        made = measure(
            "rows",
            lambda m=month: sum(1 for _row in quota_rows_iter(tenant=tenant, month=m)[1]),
            args.repeat,
        )
        report = measure_build(args.scale, month, args.repeat)
        rows = quota_rows(tenant=tenant, month=month)[1]  # for the checks, not timed
        fast = report_rows(rows)
        differ = len(set(fast) ^ set(floor["value"]))
        print(
            f"  check report vs floor: {len(fast):,} rows vs {len(floor['value']):,}, "
            f"{'EQUAL' if fast == floor['value'] else f'DIFFER ({differ} rows)'}"
        )
        line = {
            "month": month,
            "rows": len(fast),
            "report": report,
            "counts": counts,
            "rows_made": made,
            "floor": floor,
            "equal": fast == floor["value"],
        }
        if args.recount:
            recount = measure(
                "recount",
                lambda m=month: quota_rows_recounted(tenant=tenant, month=m)[1],
                1,
                keep=lambda rows: rows,
            )
            same = recount["value"] == rows
            print(f"  check report vs recount (whole rows): {'EQUAL' if same else 'DIFFER'}")
            line["recount"] = recount
        summary.append(line)
        del rows, fast
    print()
    print(
        "| month | rows | report s | rows s | counts s | SQL floor s | report / floor | "
        "peak RSS report MB | stored MB | floor MB | recount s | recount MB | exact |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for s in summary:
        recount = s.get("recount")
        print(
            f"| {s['month']} | {s['rows']:,} | {s['report']['best']:.2f} | "
            f"{s['rows_made']['best']:.2f} | "
            f"{s['counts']['best']:.2f} | {s['floor']['best']:.2f} | "
            f"{s['report']['best'] / s['floor']['best']:.2f}× | {s['report']['rss']:.0f} | "
            f"{s['report']['stored_bytes'] / 1e6:.1f} | {s['floor']['rss']:.0f} | "
            + (f"{recount['best']:.2f} | {recount['rss']:.0f}" if recount else "— | —")
            + f" | {'yes' if s['equal'] else 'NO'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
