"""``manage.py backup [--dir backups]``: the database (PostgreSQL custom-format
dump) and the media folder into ``<dir>/<UTC time>/``, with a manifest of
SHA-256 sums; prints the folder. ``make backup`` runs it."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from platformadmin.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and the media folder into <dir>/<UTC time>/."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=os.environ.get("BACKUP_DIR", "backups"))

    def handle(self, *args, dir, **options):
        try:
            folder = backup(into=Path(dir))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
