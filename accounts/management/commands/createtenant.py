"""``manage.py createtenant SLUG --name NAME --preset PRESET --admin USERNAME --password PASSWORD``

Creates a tenant with its preset's policy and a tenant-admin login. For an
existing slug it fails with a clear message and changes nothing.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Preset
from accounts.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant with a programme preset's policy and a tenant-admin login."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--preset", required=True, choices=Preset.values)
        parser.add_argument("--admin", required=True, help="username of the tenant admin")
        parser.add_argument("--password", required=True, help="password of the tenant admin")

    def handle(self, *args, slug, name, preset, admin, password, **options):
        try:
            tenant = tenant_create(
                slug=slug, name=name, preset=preset, admin_username=admin, admin_password=password
            )
        except ValidationError as exc:
            messages = (
                exc.messages
                if not hasattr(exc, "error_dict")
                else [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
            )
            raise CommandError("; ".join(messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created tenant {tenant.slug} ({tenant.name}) on preset {preset}; admin: {admin}"
            )
        )
