"""``manage.py rankingdigest [--year 2025]``: one line per tenant, its slug
and the SHA-256 of its year's ranking as canonical JSON (the pools as the
API shapes them, keys sorted), then the line ``total <sha256>`` over them.

Two databases with the same data print the same lines: the backup step of
``.ci/run`` compares the demo before the backup and after the restore.
``--no-ids`` leaves each row's officer id out (the rest of the row, name,
category, district, rank, points, stays): a tenant imported into another
installation gets ids of its own but must rank the same, which
``.ci/import-fresh`` compares."""

from __future__ import annotations

import hashlib
import json

from django.core.management.base import BaseCommand

from accounts.models import Tenant
from scoring.selectors import render_pools, year_result


def ranking_digest(*, tenant: Tenant, year: int, ids: bool = True) -> str:
    pools = render_pools(year_result(tenant=tenant, year=year))
    if not ids:
        for pool in pools:
            for row in pool["rows"]:
                del row["officer"]
    text = json.dumps(pools, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Command(BaseCommand):
    help = "Print a canonical digest of every tenant's ranking of a year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument(
            "--no-ids",
            action="store_true",
            help="leave the officers' ids out (compare a tenant across installations)",
        )

    def handle(self, *args, year, no_ids, **options):
        total = hashlib.sha256()
        for tenant in Tenant.objects.order_by("slug"):
            line = f"{tenant.slug} {ranking_digest(tenant=tenant, year=year, ids=not no_ids)}"
            total.update(line.encode() + b"\n")
            self.stdout.write(line)
        self.stdout.write(f"total {total.hexdigest()}")
