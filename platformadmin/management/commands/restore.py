"""``manage.py restore FOLDER [--database NAME] [--media-root DIR] [--force]
[--replace-live]``:
a backup of ``manage.py backup`` into the database ``NAME`` (default: the
``RESTORE_DATABASE`` variable) on the server of ``DATABASE_URL``, and its
files into ``DIR`` (default: ``RESTORE_MEDIA_ROOT``, else ``MEDIA_ROOT``).
A database with tables or a media folder with files is refused unless
``--force``; the database of ``DATABASE_URL`` itself unless
``--replace-live`` too. ``make restore BACKUP=… [FORCE=1] [REPLACE_LIVE=1]``
runs it."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from platformadmin.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder into the database named by RESTORE_DATABASE."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database", default=os.environ.get("RESTORE_DATABASE", ""))
        parser.add_argument(
            "--media-root",
            default=os.environ.get("RESTORE_MEDIA_ROOT") or settings.MEDIA_ROOT,
        )
        parser.add_argument("--force", action="store_true", help="replace a non-empty target")
        parser.add_argument(
            "--replace-live",
            action="store_true",
            help="allow the target to be DATABASE_URL's own database (stop the portal first)",
        )

    def handle(self, *args, folder, database, media_root, force, replace_live, **options):
        try:
            restore(
                folder=Path(folder),
                database=database,
                media_root=Path(media_root),
                force=force,
                replace_live=replace_live,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {folder} into the database {database} and {media_root}")
