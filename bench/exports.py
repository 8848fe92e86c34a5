"""Time the Excel exports beside bare openpyxl writing the same cells (issue 16,
item 4), on a tenant made by ``bench/generate.py``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_s \\
        .venv/bin/python bench/exports.py --scale S [--year 2025] [--repeat 3] \\
        [--ledger-rows 100000]

Each export runs once first (its file gives the floor its cells; its peak RSS
is the figure reported, taken as in ``run.py``: the kernel's high-water mark
reset before the run and read after it, before the process holds any
read-back rows). Then ``--repeat`` rounds (default 3) each time the export
and right after it the floor, so that on a busy machine both see about the
same load; each figure is the best of its runs (``time.perf_counter``).

ledger export
    ``ledgers.exports.ledger_workbook`` over the tenant's first
    ``--ledger-rows`` entries (by id; at S that is every entry), as the
    admin sees them, saved with ``liaison.excel.workbook_file``: one data
    sheet of 11 columns (entry id, kind, title, officer ids, officers with
    their ids, district, unit, status, date, points, exact points) and the
    ``来源`` sheet. The rows are read from the database while they are
    written (chunks of 2,000), so the time includes the queries.
ranking export
    ``scoring.exports.ranking_workbook`` over a ranking computed beforehand
    (``ranking_for``, as the background job does), saved with
    ``workbook_file``: one sheet per pool (16 columns) and ``来源``.
openpyxl floor
    openpyxl in write-only mode (the library the exports used before, and the
    floor issue 16 measures against) appending the same cells as plain values:
    every sheet's rows as read back from the export, held in memory before
    the timing, written to a temporary file. No database, no conversion, no
    digest, no formats.

Checks (printed, not asserted):

- **same cells:** the export and the floor's file are read back with
  openpyxl; every sheet's rows must be equal value for value.
- **verifies:** ``audit.exports.export_verify`` says the export is valid (its
  rows hash to the ``来源`` sha256 and the export record matches), and the
  same file with one data cell changed is invalid.
- **rows:** the ledger sheet's entry ids are the database's ids in the
  export's order (``-occurred_on, -id``); the ranking sheets' rank, officer
  id and total are the ranking's, pool by pool.

Every export run adds one ``audit.ExportRecord`` to the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings.local")
os.environ.setdefault("DEBUG", "0")  # no query log: production-like

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402
from run import git_head, peak_mb, reset_peak  # noqa: E402

from accounts.models import Membership, Tenant  # noqa: E402
from audit.exports import export_verify  # noqa: E402
from ledgers.exports import ledger_entries, ledger_workbook  # noqa: E402
from ledgers.models import Entry  # noqa: E402
from liaison.excel import PROVENANCE_SHEET, workbook_file  # noqa: E402
from roster.selectors import district_list  # noqa: E402
from scoring.exports import ranking_workbook  # noqa: E402
from scoring.selectors import ranking_for  # noqa: E402


def first_run(name: str, fn) -> dict:
    """The first run of an export, before the process holds any read-back
    rows: its time (cold) and the peak RSS of the step. Answers its file."""
    gc.collect()
    per_step = reset_peak()
    started = time.perf_counter()
    handle = fn()
    seconds = time.perf_counter() - started
    rss = peak_mb()
    print(
        f"  {name:<16} first run {seconds:7.2f} s   peak RSS {rss:6.1f} MB"
        + ("" if per_step else " (process peak so far)"),
        flush=True,
    )
    return {"file": handle, "rss": rss}


def alternate(name: str, export, floor, repeat: int) -> tuple[float, float]:
    """``repeat`` runs of the export, each followed by one of the floor (on a
    busy machine both then see about the same load); the best of each."""
    ours, bare = [], []
    for _ in range(repeat):
        for fn, times in ((export, ours), (floor, bare)):
            gc.collect()
            started = time.perf_counter()
            fn().close()
            times.append(time.perf_counter() - started)
    print(
        f"  {name:<16} export runs "
        + ", ".join(f"{t:.2f}" for t in ours)
        + "   floor runs "
        + ", ".join(f"{t:.2f}" for t in bare),
        flush=True,
    )
    return min(ours), min(bare)


def sheets_of(handle) -> list[tuple[str, list[tuple]]]:
    """Every sheet's rows as values (read-only mode), trailing empty cells
    dropped."""
    handle.seek(0)
    book = load_workbook(handle, read_only=True)
    try:
        return [
            (ws.title, [_trim(row) for row in ws.iter_rows(values_only=True)])
            for ws in book.worksheets
        ]
    finally:
        book.close()


def _trim(row) -> tuple:
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def openpyxl_floor(sheets):
    """Bare openpyxl write-only: the same cells as plain values."""

    def write():
        book = Workbook(write_only=True)
        for title, rows in sheets:
            ws = book.create_sheet(title=title)
            for row in rows:
                ws.append(row)
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - measure closes it
        book.save(handle)
        handle.seek(0)
        return handle

    return write


def same_cells(ours, floor) -> str:
    """Compare two read-backs; answers a one-line verdict."""
    if [t for t, _rows in ours] != [t for t, _rows in floor]:
        return "DIFFERENT sheets"
    differ = cells = 0
    for (_title, a), (_t, b) in zip(ours, floor, strict=True):
        cells += sum(len(r) for r in a)
        if len(a) != len(b):
            return f"DIFFERENT row counts in {_title}"
        differ += sum(1 for x, y in zip(a, b, strict=True) if x != y)
    return f"{'ok' if differ == 0 else 'DIFFERENT'}: {differ} rows differ ({cells:,} cells)"


def verifies(tenant, handle, sheets) -> str:
    handle.seek(0)
    valid = export_verify(tenant=tenant, handle=handle)["valid"]
    changed = [(title, [list(r) for r in rows]) for title, rows in sheets]
    changed[0][1][2][0] = f"{changed[0][1][2][0]}x"  # the first data cell
    altered = openpyxl_floor(changed)()
    try:
        still = export_verify(tenant=tenant, handle=altered)["valid"]
    finally:
        altered.close()
    ok = valid and not still
    return f"{'ok' if ok else 'WRONG'}: unchanged valid={valid}, one cell changed valid={still}"


def ledger_rows_check(sheets, entries) -> str:
    data = sheets[0][1][2:]
    ids = [str(i) for i in entries.order_by("-occurred_on", "-id").values_list("id", flat=True)]
    got = [row[0] for row in data]
    return f"{'ok' if got == ids else 'WRONG'}: {len(got):,} rows, entry ids in order"


def ranking_rows_check(sheets, ranking) -> str:
    pools = ranking["pools"]
    if len(pools) != len(sheets) - 1:
        return "WRONG: sheet count"
    wrong = 0
    for pool, (_title, rows) in zip(pools, sheets, strict=False):
        data = rows[2:]
        if len(data) != len(pool["rows"]):
            return f"WRONG: row count in {_title}"
        for cells, row in zip(data, pool["rows"], strict=True):
            total = float(f"{float(Fraction(row['points_exact'])):.16g}")
            if (cells[0], cells[1], cells[13]) != (row["rank"], str(row["officer"]), total):
                wrong += 1
    return f"{'ok' if wrong == 0 else 'WRONG'}: {wrong} rows differ from the ranking"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["S", "M", "L"], required=True, type=str.upper)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ledger-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("exports.py needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    slug = f"bench-{args.scale.lower()}"
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        print(f"No tenant {slug}: run bench/generate.py --scale {args.scale}.", file=sys.stderr)
        return 1
    translation.activate("zh-hans")
    membership = Membership.objects.for_tenant(tenant).filter(role="admin").first()
    user = membership.user
    districts = dict(district_list(tenant=tenant).values_list("code", "name"))
    entries, filters = ledger_entries(membership=membership, query=QueryDict(""))
    cutoff = (
        Entry.objects.for_tenant(tenant)
        .order_by("id")
        .values_list("id", flat=True)[args.ledger_rows - 1 : args.ledger_rows]
        .first()
    )
    if cutoff is not None:
        entries = entries.filter(pk__lte=cutoff)
    n_entries = entries.count()
    print(
        f"{slug} in {connection.settings_dict['NAME']}: ledger export of {n_entries:,} entries; "
        f"code {git_head()}; Python {platform.python_version()}; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    prepared = ranking_for(membership=membership, year=args.year)
    n_ranked = sum(len(p["rows"]) for p in prepared["pools"])

    def ledger():
        book = ledger_workbook(membership=membership, entries=entries, user=user, filters=filters)
        return workbook_file(book)

    def ranking():
        book = ranking_workbook(tenant=tenant, ranking=prepared, districts=districts, user=user)
        return workbook_file(book)

    # the first runs, while the process holds no read-back rows
    jobs = [
        (f"ledger {n_entries // 1000}k x 11", ledger, first_run("ledger export", ledger)),
        (f"ranking {n_ranked:,} x 16", ranking, first_run("ranking export", ranking)),
    ]
    table = []
    for label, export, ours in jobs:
        sheets = sheets_of(ours["file"])
        floor = openpyxl_floor(sheets)
        with floor() as handle:
            floor_sheets = sheets_of(handle)
        checks = [same_cells(sheets, floor_sheets), verifies(tenant, ours["file"], sheets)]
        del floor_sheets
        checks.append(
            ledger_rows_check(sheets, entries)
            if label.startswith("ledger")
            else ranking_rows_check(sheets, prepared)
        )
        ours["file"].close()
        cells = sum(len(r) for t, rows in sheets if t != PROVENANCE_SHEET for r in rows)
        print(f"  {label}: " + "; ".join(checks), flush=True)
        best, floor_best = alternate(label, export, floor, args.repeat)
        table.append((label, cells, best, floor_best, ours["rss"], checks))
        del sheets, floor
        gc.collect()
    print()
    print(f"Exports, {slug}, {dt.date.today()}, load average {os.getloadavg()[0]:.2f}")
    print("| job | cells | export s | openpyxl floor s | export / floor | peak RSS export MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, cells, best, floor_best, rss, _checks in table:
        print(
            f"| {label} | {cells:,} | {best:.2f} | {floor_best:.2f} | "
            f"{best / floor_best:.2f}× | {rss:.0f} |"
        )
    failed = [c for *_rest, checks in table for c in checks if not c.startswith("ok")]
    print("checks: " + ("all ok" if not failed else "; ".join(failed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
