"""Migration operations that make the schema ready for Citus by tenant
(issue 16 item 6, docs/SCALING.md).

Citus distributes a table by one column (here ``tenant_id``) and enforces
only the unique constraints and foreign keys that include it. Django can
declare neither a composite foreign key nor a unique key it does not also
use, so the migrations add them with these operations:

- :class:`AddCompositeUnique`: ``UNIQUE (tenant_id, id)`` on every
  tenant-owned table (the target of the composite foreign keys and the
  future primary key), and the tenant's twin of a single-column unique;
- :class:`AddCompositeForeignKey`: ``FOREIGN KEY (tenant_id, x_id)
  REFERENCES target (tenant_id, id)`` beside Django's own ``x_id`` key, so
  that the database refuses a row that points into another tenant.

Both are PostgreSQL only: on SQLite (development, ``make run``) they do
nothing, and ``tests/test_sharding_ready.py`` reads what they declare from
the migration graph instead of the catalog. Neither touches Django's model
state (``makemigrations`` never sees them).

They take no long lock on a large table: the unique index is built with
``CREATE UNIQUE INDEX CONCURRENTLY`` (the migration must be ``atomic =
False``) and then promoted with ``ADD CONSTRAINT ... UNIQUE USING INDEX``
(a catalog change); the foreign key is added ``NOT VALID`` (no scan) and
checked by ``VALIDATE CONSTRAINT`` in a separate statement, which lets
reads and writes go on. The keys are ``DEFERRABLE INITIALLY DEFERRED`` like
Django's own, so a purge or an import that writes children before parents
inside one transaction is checked at commit, as before.
"""

from __future__ import annotations

import hashlib

from django.db.migrations.operations.base import Operation


def _pg(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def _identifiers(*names: str) -> None:
    # the names go into SQL text: identifiers only
    if not all(name.isidentifier() for name in names):
        raise ValueError(f"not an identifier in {names!r}")


def unique_name(table: str, columns: tuple[str, ...]) -> str:
    """``<table>_tenant_<last column>_uniq``, within PostgreSQL's 63 bytes."""
    name = f"{table}_{'_'.join(c.removesuffix('_id') for c in columns)}_uniq"
    if len(name) > 63:  # a stable digest: the name is written into migrations
        name = f"{table[:40]}_{hashlib.sha256(name.encode()).hexdigest()[:8]}_uniq"
    return name


def fk_name(table: str, column: str) -> str:
    name = f"{table}_{column}_tenant_fk"
    if len(name) > 63:
        name = f"{table[:30]}_{column[:22]}_tenant_fk"
    return name


class AddCompositeUnique(Operation):
    """``UNIQUE (tenant_id, ...)`` on ``table``, built concurrently."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, columns: tuple[str, ...] = ("tenant_id", "id"), name=""):
        columns = tuple(columns)
        _identifiers(table, *columns)
        self.table = table
        self.columns = columns
        self.name = name or unique_name(table, columns)
        _identifiers(self.name)

    def deconstruct(self):
        kwargs = {"table": self.table, "columns": self.columns}
        if self.name != unique_name(self.table, self.columns):
            kwargs["name"] = self.name
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _pg(schema_editor):
            return
        cols = ", ".join(self.columns)
        schema_editor.execute(
            f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {self.name} ON {self.table} ({cols})"
        )
        schema_editor.execute(
            f"ALTER TABLE {self.table} ADD CONSTRAINT {self.name} UNIQUE USING INDEX {self.name}"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _pg(schema_editor):
            # the constraint owns the index: dropping it drops both
            schema_editor.execute(f"ALTER TABLE {self.table} DROP CONSTRAINT IF EXISTS {self.name}")

    def describe(self):
        return f"Unique ({', '.join(self.columns)}) on {self.table} (PostgreSQL, concurrently)"

    @property
    def migration_name_fragment(self):
        return f"{self.table}_tenant_unique"


class AddCompositeForeignKey(Operation):
    """``FOREIGN KEY (tenant_id, column) REFERENCES target (tenant_id, id)``."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, column: str, target: str, name: str = ""):
        _identifiers(table, column, target)
        self.table = table
        self.column = column
        self.target = target
        self.name = name or fk_name(table, column)
        _identifiers(self.name)

    def deconstruct(self):
        kwargs = {"table": self.table, "column": self.column, "target": self.target}
        if self.name != fk_name(self.table, self.column):
            kwargs["name"] = self.name
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _pg(schema_editor):
            return
        schema_editor.execute(
            f"ALTER TABLE {self.table} ADD CONSTRAINT {self.name} "
            f"FOREIGN KEY (tenant_id, {self.column}) REFERENCES {self.target} (tenant_id, id) "
            "DEFERRABLE INITIALLY DEFERRED NOT VALID"
        )
        schema_editor.execute(f"ALTER TABLE {self.table} VALIDATE CONSTRAINT {self.name}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _pg(schema_editor):
            schema_editor.execute(f"ALTER TABLE {self.table} DROP CONSTRAINT IF EXISTS {self.name}")

    def describe(self):
        return f"Foreign key (tenant_id, {self.column}) of {self.table} to {self.target}"

    @property
    def migration_name_fragment(self):
        return f"{self.table}_{self.column}_tenant_fk"


def declared(loader) -> tuple[set[tuple], set[tuple]]:
    """What the migrations on disk add: ``{(table, columns)}`` uniques and
    ``{(table, column, target)}`` foreign keys (the SQLite side of the test)."""
    uniques, fks = set(), set()
    for migration in loader.disk_migrations.values():
        for operation in migration.operations:
            if isinstance(operation, AddCompositeUnique):
                uniques.add((operation.table, operation.columns))
            elif isinstance(operation, AddCompositeForeignKey):
                fks.add((operation.table, operation.column, operation.target))
    return uniques, fks


class ReplaceUniqueConstraint(Operation):
    """Replace a model's unique constraint ``old_name`` by ``constraint`` (one
    that includes the tenant). On PostgreSQL the new one is built
    concurrently before the old one goes, so the rule never lapses; on
    SQLite Django's own table rebuild does it."""

    reversible = False

    def __init__(self, model_name: str, old_name: str, constraint):
        self.model_name = model_name
        self.old_name = old_name
        self.constraint = constraint

    def deconstruct(self):
        kwargs = {
            "model_name": self.model_name,
            "old_name": self.old_name,
            "constraint": self.constraint,
        }
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        state.remove_constraint(app_label, self.model_name.lower(), self.old_name)
        state.add_constraint(app_label, self.model_name.lower(), self.constraint)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        old = from_state.models[app_label, self.model_name.lower()].get_constraint_by_name(
            self.old_name
        )
        if not _pg(schema_editor):
            schema_editor.remove_constraint(model, old)
            schema_editor.add_constraint(model, self.constraint)
            return
        table = model._meta.db_table
        columns = tuple(model._meta.get_field(f).column for f in self.constraint.fields)
        AddCompositeUnique(table, columns, name=self.constraint.name).database_forwards(
            app_label, schema_editor, from_state, to_state
        )
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {self.old_name}")

    def describe(self):
        return f"Replace {self.old_name} by {self.constraint.name} on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.constraint.name}"
