"""``python manage.py rematch SLUG``: match every verified demand and
achievement of a tenant again (after an import, or a change of the matcher)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Tenant
from matching.services import rematch_tenant


class Command(BaseCommand):
    help = "Match every verified demand and achievement of a tenant again."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, slug, batch_size, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant {slug!r}.")
        done = rematch_tenant(tenant=tenant, batch_size=batch_size)
        self.stdout.write(f"{slug}: {done} entries matched.")
