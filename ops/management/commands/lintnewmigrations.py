"""Lint the project's migrations added after the baseline (issue 17 item 5).

django-migration-linter reads each new migration's SQL (``sqlmigrate`` on
the default database: PostgreSQL in CI, as in production) and refuses what
locks a large table or breaks the release still running while ``migrate``
runs (see the README's "Operations"): a NOT NULL column without a database
default, a dropped or renamed column or table, a changed column type, a new
unique constraint, and an index built or dropped without CONCURRENTLY.

Off PostgreSQL (SQLite, in tests) the SQL cannot say ``CONCURRENTLY``: a
migration whose index operations are all those of
:mod:`liaison.migration_operations` (concurrent on PostgreSQL) has its index
lock checks ignored there, and reads ``OK (ignored)``.

A migration made only of :mod:`liaison.sharding`'s operations has the
unique and NOT NULL checks ignored: the linter reads ``ADD CONSTRAINT ...
UNIQUE USING INDEX`` as a locking unique constraint and ``SET NOT NULL`` as
a scan, but the index is built first with ``CREATE UNIQUE INDEX
CONCURRENTLY`` (the promotion is a catalog change) and ``SET NOT NULL``
follows a ``CHECK ... NOT VALID`` validated apart (no scan under the lock).
Its other checks still apply. Off PostgreSQL such a migration is not
linted at all: its SQL there is Django's table rebuild, not what runs in
production.

Migrations listed in ``ops/migrations_baseline.txt`` (``app_label name``
per line: every migration that existed when the check came in, and any
reviewed and accepted since) are not linted. Third-party apps' migrations
are not the project's to change and are not linted.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.operations import AddIndex, RemoveIndex

from liaison import sharding
from liaison.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently

BASELINE = Path(__file__).resolve().parents[2] / "migrations_baseline.txt"
#: The linter's lock warnings, refused like its errors.
LOCK_CHECKS = ["CREATE_INDEX", "CREATE_INDEX_EXCLUSIVE", "DROP_INDEX", "REINDEX"]
#: The checks a concurrent index operation answers for (off PostgreSQL).
INDEX_CHECKS = ["CREATE_INDEX", "CREATE_INDEX_EXCLUSIVE", "DROP_INDEX"]
#: The checks the sharding operations answer for (see the module's docstring).
SHARDING_CHECKS = ["ADD_UNIQUE", "NOT_NULL"]


def indexes_concurrently(migration) -> bool:
    """Whether the migration's index operations are all concurrent ones."""
    index_ops = [op for op in migration.operations if isinstance(op, (AddIndex, RemoveIndex))]
    concurrent = (AddIndexConcurrently, RemoveIndexConcurrently)
    return bool(index_ops) and all(isinstance(op, concurrent) for op in index_ops)


def sharding_only(migration) -> bool:
    """Whether every operation of the migration is one of liaison.sharding's."""
    return bool(migration.operations) and all(
        type(op).__module__ == sharding.__name__ for op in migration.operations
    )


def read_baseline(path: Path) -> set[tuple[str, str]]:
    entries = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            app_label, name = line.split()
            entries.add((app_label, name))
    return entries


def project_migrations(loader) -> list:
    """The migrations on disk of the apps whose code lives in this project."""
    root = Path(settings.BASE_DIR).resolve()
    own = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and ".venv" not in Path(config.path).resolve().relative_to(root).parts
    }
    return sorted(
        (m for (label, _name), m in loader.disk_migrations.items() if label in own),
        key=lambda m: (m.app_label, m.name),
    )


class Command(BaseCommand):
    help = "Lint the migrations added after ops/migrations_baseline.txt (PostgreSQL's SQL)."

    def add_arguments(self, parser):
        parser.add_argument("--baseline", default=str(BASELINE), help="the accepted migrations")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, baseline, database, **options):
        from django_migration_linter import MigrationLinter

        if options["verbosity"] < 2:  # its "Calling sqlmigrate" lines
            logging.getLogger("django_migration_linter").setLevel(logging.WARNING)
        linter = MigrationLinter(
            None,  # no project path: no cache on disk
            database=database,
            analyser_string="postgresql",
            warnings_as_errors_tests=LOCK_CHECKS,
            no_output=options["verbosity"] == 0,
        )
        accepted = read_baseline(Path(baseline))
        new = [
            m
            for m in project_migrations(linter.migration_loader)
            if (m.app_label, m.name) not in accepted
        ]
        postgres = connections[database].vendor == "postgresql"
        if not postgres:
            self.stderr.write(
                "Note: the SQL read is SQLite's (a table rebuild reads as DROP and RENAME); "
                "CI lints PostgreSQL's (DATABASE_URL)."
            )
            # their SQL off PostgreSQL is a table rebuild, not what production runs
            sharded = [m for m in new if sharding_only(m)]
            new = [m for m in new if not sharding_only(m)]
            if sharded:
                self.stderr.write(
                    f"Note: {len(sharded)} migration(s) of liaison.sharding's operations "
                    "only are linted on PostgreSQL alone."
                )
        for migration in new:
            concurrent_here = not postgres and indexes_concurrently(migration)
            excluded = INDEX_CHECKS if concurrent_here else []
            if sharding_only(migration):
                excluded = [*excluded, *SHARDING_CHECKS]
            linter.exclude_migration_tests = excluded
            linter.lint_migration(migration)
        self.stdout.write(f"{len(new)} migration(s) after the baseline linted.")
        if linter.has_errors:
            raise CommandError(
                f"{linter.nb_erroneous} migration(s) lock a table or break the running "
                "release: see the README's Operations for the safe patterns."
            )
