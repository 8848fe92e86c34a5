"""``manage.py exporttenant SLUG --out FILE.zip`` (API.md "Operations")."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit.context import audit_context
from portability.services import ExportRefused, export_to_path


class Command(BaseCommand):
    help = "Write everything of one tenant to a zip (rows, files, manifest)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--out", required=True, help="the zip file to write")

    def handle(self, *args, slug, out, **options):
        with audit_context(actor_username="exporttenant"):
            try:
                manifest = export_to_path(slug=slug, out=out)
            except ExportRefused as exc:
                raise CommandError(str(exc)) from None
        rows = sum(manifest["models"].values())
        files = sum(1 for name in manifest["sha256"] if name.startswith("files/"))
        self.stdout.write(f"{slug}: {rows} rows, {files} files -> {out}")
