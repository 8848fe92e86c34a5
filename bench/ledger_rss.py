"""Peak memory of the ledger export in a process of its own (issue 16: under
150 MB at 100k rows). ``exports.py`` reports the peak of a process that
already holds the computed ranking it exports next (about 150 MB at L);
this one starts, exports the tenant's first ``--rows`` entries (by id) as
the admin, and prints the resident set before and the peak after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_l \\
        .venv/bin/python bench/ledger_rss.py --scale L [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings.local")
os.environ.setdefault("DEBUG", "0")

import django

django.setup()

from django.http import QueryDict  # noqa: E402
from django.utils import translation  # noqa: E402

from accounts.models import Membership, Tenant  # noqa: E402
from ledgers.exports import ledger_entries, ledger_workbook  # noqa: E402
from ledgers.models import Entry  # noqa: E402
from liaison.excel import workbook_file  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", required=True, type=str.upper)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    tenant = Tenant.objects.get(slug=f"bench-{args.scale.lower()}")
    translation.activate("zh-hans")
    membership = Membership.objects.for_tenant(tenant).filter(role="admin").first()
    entries, filters = ledger_entries(membership=membership, query=QueryDict(""))
    ids = Entry.objects.for_tenant(tenant).order_by("id").values_list("id", flat=True)
    cutoff = ids[args.rows - 1 : args.rows].first()
    if cutoff is not None:
        entries = entries.filter(pk__lte=cutoff)
    rows = entries.count()
    before = peak_mb()
    book = ledger_workbook(
        membership=membership, entries=entries, user=membership.user, filters=filters
    )
    workbook_file(book).close()
    print(
        f"{tenant.slug}: ledger export of {rows:,} entries; peak RSS before {before:.0f} MB, "
        f"after {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
