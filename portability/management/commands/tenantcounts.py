"""``manage.py tenantcounts SLUG``: the tenant's rows of every table an
export carries, one ``app.model count`` line each, in name order. An export
and its import in another installation print the same lines but for
``audit.auditevent``, which gains the import's own events
(``.ci/import-fresh`` compares them)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Tenant
from portability.registry import carried
from portability.services import tenant_rows


class Command(BaseCommand):
    help = "Print the tenant's number of rows of every carried table."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"no tenant {slug}")
        for spec in sorted(carried(), key=lambda spec: spec.label):
            self.stdout.write(f"{spec.label} {tenant_rows(spec, tenant).count()}")
