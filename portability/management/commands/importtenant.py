"""``manage.py importtenant FILE.zip --slug NEW`` (API.md "Operations")."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portability.services import ImportRefused, tenant_import


class Command(BaseCommand):
    help = "Load a tenant export as a new tenant; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--slug", required=True, help="the new tenant's slug")

    def handle(self, *args, file, slug, **options):
        try:
            result = tenant_import(source=file, slug=slug)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        rows = sum(len(ids) for ids in result.ids.values())
        self.stdout.write(
            f"{slug}: {rows} rows, {len(result.files)} files; users matched "
            f"{len(result.users_matched)}, created {len(result.users_created)}"
        )
        if result.users_created:
            self.stdout.write(
                "created without a password (set one by invitation or reset): "
                + ", ".join(sorted(result.users_created))
            )
