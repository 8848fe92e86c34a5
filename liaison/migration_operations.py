"""Index operations for migrations that run while the previous release
serves (README: Operations, "Upgrading").

A plain ``AddIndex`` / ``RemoveIndex`` takes a write lock on PostgreSQL for
as long as the index builds; on a table of millions of rows that stops every
write for minutes. :class:`AddIndexConcurrently` and
:class:`RemoveIndexConcurrently` run Django's PostgreSQL operations of the
same names there (``CREATE`` / ``DROP INDEX CONCURRENTLY``) and the plain
ones on other databases (SQLite, the embedded default, has no
``CONCURRENTLY`` and no concurrent writers to spare). The model state they
record is the plain operations' own, so ``makemigrations`` sees no change
when a migration switches to them.

``CONCURRENTLY`` cannot run inside a transaction: the migration needs
``atomic = False``. That is refused on every database, so a test on SQLite
catches the migration PostgreSQL would refuse. A build that fails halfway
leaves an invalid index behind on PostgreSQL (``pg_index.indisvalid``
false): drop it and migrate again.

The contrib.postgres module is imported only when PostgreSQL runs the
operation: it needs the PostgreSQL driver, which an installation on SQLite
does not have to load.
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.migrations.operations import AddIndex, RemoveIndex


def _concurrently(schema_editor) -> bool:
    """Whether this database builds the index concurrently; refuses a
    transaction on every database (see the module's docstring)."""
    if schema_editor.connection.in_atomic_block:
        raise NotSupportedError(
            "The concurrent index operations cannot run inside a transaction "
            "(set atomic = False on the migration)."
        )
    return schema_editor.connection.vendor == "postgresql"


class AddIndexConcurrently(AddIndex):
    """``AddIndex``, built with ``CREATE INDEX CONCURRENTLY`` on PostgreSQL."""

    atomic = False

    def _postgres(self):
        from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAdd

        return PostgresAdd(self.model_name, self.index)

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (concurrently on PostgreSQL)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            self._postgres().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            self._postgres().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RemoveIndexConcurrently(RemoveIndex):
    """``RemoveIndex``, dropped with ``DROP INDEX CONCURRENTLY`` on PostgreSQL
    (and rebuilt concurrently when the migration is reversed)."""

    atomic = False

    def _postgres(self):
        from django.contrib.postgres.operations import RemoveIndexConcurrently as PostgresRemove

        return PostgresRemove(self.model_name, self.name)

    def describe(self):
        return f"Remove index {self.name} from {self.model_name} (concurrently on PostgreSQL)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            self._postgres().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            self._postgres().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            super().database_backwards(app_label, schema_editor, from_state, to_state)
