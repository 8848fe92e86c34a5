"""``manage.py rankingdigest [--year 2025]``: one line per tenant, its slug
and the SHA-256 of its year's ranking as canonical JSON (the pools as the
API shapes them, keys sorted), then the line ``total <sha256>`` over them.

Two databases with the same data print the same lines: the backup step of
``.ci/run`` compares the demo before the backup and after the restore."""

from __future__ import annotations

import hashlib
import json

from django.core.management.base import BaseCommand

from accounts.models import Tenant
from scoring.selectors import render_pools, year_result


def ranking_digest(*, tenant: Tenant, year: int) -> str:
    pools = render_pools(year_result(tenant=tenant, year=year))
    text = json.dumps(pools, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Command(BaseCommand):
    help = "Print a canonical digest of every tenant's ranking of a year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2025)

    def handle(self, *args, year, **options):
        total = hashlib.sha256()
        for tenant in Tenant.objects.order_by("slug"):
            line = f"{tenant.slug} {ranking_digest(tenant=tenant, year=year)}"
            total.update(line.encode() + b"\n")
            self.stdout.write(line)
        self.stdout.write(f"total {total.hexdigest()}")
