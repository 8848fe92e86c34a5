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

from liaison.migration_operations import _concurrently


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
        if not _concurrently(schema_editor):
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


def fill_trigger_name(table: str) -> str:
    """The BEFORE INSERT trigger (and its function) that fills a child row's
    ``tenant_id`` from its parent."""
    return f"{table}_fill_tenant"[:63]


class BackfillTenant(Operation):
    """Fill a child table's new ``tenant_id`` from its parent, where it is
    still NULL (so a backfill run by hand in batches beforehand, as
    docs/SCALING.md advises on a large table, leaves nothing to do here).

    On PostgreSQL it first installs a ``BEFORE INSERT`` trigger that fills a
    new row's NULL ``tenant_id`` from its parent, in the migration's own
    transaction, so no row escapes the backfill: during a rolling upgrade
    the previous release goes on inserting children without ``tenant_id``
    (it does not know the column) until its processes stop, also after the
    later ``SetNotNull``. The trigger stays (a row Django writes already
    carries its tenant: the trigger then reads nothing).

    The audit log's row triggers keep quiet (``audit.context.purging``: a
    schema change is no user's change), and the
    append-only trigger of a history table is set aside for this one UPDATE
    (PostgreSQL: disabled and enabled again in the migration's transaction;
    SQLite: dropped, and recreated by ``audit.triggers.install`` after
    ``migrate``)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, column: str, parent: str, append_only: bool = False):
        _identifiers(table, column, parent)
        self.table = table
        self.column = column
        self.parent = parent
        self.append_only = append_only

    def deconstruct(self):
        kwargs = {"table": self.table, "column": self.column, "parent": self.parent}
        if self.append_only:
            kwargs["append_only"] = True
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        from audit.context import purging

        t, c, p = self.table, self.column, self.parent
        # every write Django sends carries the audit context (audit.context):
        # ``purging`` makes it say so, and the row triggers write nothing
        with purging():
            if not _pg(schema_editor):
                if self.append_only:
                    schema_editor.execute(f'DROP TRIGGER IF EXISTS "audit_append_only_{t}_update"')
                schema_editor.execute(
                    f"UPDATE {t} SET tenant_id = (SELECT p.tenant_id FROM {p} AS p "  # noqa: S608
                    f"WHERE p.id = {t}.{c}) WHERE tenant_id IS NULL"
                )
                return
            # identifiers only (checked in __init__)
            toggle = (
                "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = "  # noqa: S608
                f"'audit_append_only' AND tgrelid = '{t}'::regclass) THEN "
                f"ALTER TABLE {t} {{}} TRIGGER audit_append_only; END IF; END $$"
            )
            fill = fill_trigger_name(t)
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {fill}() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
                f"BEGIN IF NEW.tenant_id IS NULL THEN "
                f"SELECT p.tenant_id INTO NEW.tenant_id FROM {p} AS p WHERE p.id = NEW.{c}; "
                f"END IF; RETURN NEW; END $$"
            )
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fill} ON {t}")
            schema_editor.execute(
                f"CREATE TRIGGER {fill} BEFORE INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION {fill}()"
            )
            if self.append_only:
                schema_editor.execute(toggle.format("DISABLE"))
            schema_editor.execute(
                f"UPDATE {t} AS c SET tenant_id = p.tenant_id FROM {p} AS p "  # noqa: S608
                f"WHERE p.id = c.{c} AND c.tenant_id IS NULL"
            )
            if self.append_only:
                schema_editor.execute(toggle.format("ENABLE"))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # the column goes with the field; the trigger that names it first
        if _pg(schema_editor):
            fill = fill_trigger_name(self.table)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fill} ON {self.table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {fill}()")

    def describe(self):
        return f"Fill {self.table}.tenant_id from {self.parent}"


class SetNotNull(Operation):
    """``AlterField`` to NOT NULL without a long lock on PostgreSQL: a
    ``CHECK (column IS NOT NULL) NOT VALID``, validated apart (reads and
    writes go on), lets ``SET NOT NULL`` skip its scan; the check then goes.
    Elsewhere Django's own ``alter_field``."""

    reversible = True

    def __init__(self, model_name: str, name: str, field):
        self.model_name = model_name
        self.name = name
        self.field = field

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "name": self.name, "field": self.field}
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        state.alter_field(app_label, self.model_name.lower(), self.name, self.field, True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        from_model = from_state.apps.get_model(app_label, self.model_name)
        to_model = to_state.apps.get_model(app_label, self.model_name)
        old, new = from_model._meta.get_field(self.name), to_model._meta.get_field(self.name)
        if not _pg(schema_editor):
            schema_editor.alter_field(from_model, old, new)
            return
        table, column = to_model._meta.db_table, new.column
        check = f"{table}_{column}_not_null"[:63]
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID"
        )
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {check}")
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {check}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        from_model = from_state.apps.get_model(app_label, self.model_name)
        to_model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.alter_field(
            from_model, from_model._meta.get_field(self.name), to_model._meta.get_field(self.name)
        )

    def describe(self):
        return f"Set {self.model_name}.{self.name} NOT NULL (PostgreSQL: through a valid CHECK)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.name}_not_null"


class AddUniqueConstraint(Operation):
    """Django's ``AddConstraint`` for an unconditional unique constraint,
    built concurrently on PostgreSQL (:class:`AddCompositeUnique`); elsewhere
    Django's own. Like every concurrent operation it refuses to run inside a
    transaction on every database (``atomic = False`` on the migration), so
    a migration that forgets it fails on SQLite too."""

    reversible = True

    def __init__(self, model_name: str, constraint):
        self.model_name = model_name
        self.constraint = constraint

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "constraint": self.constraint}
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        state.add_constraint(app_label, self.model_name.lower(), self.constraint)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not _concurrently(schema_editor):
            schema_editor.add_constraint(model, self.constraint)
            return
        columns = tuple(model._meta.get_field(f).column for f in self.constraint.fields)
        AddCompositeUnique(
            model._meta.db_table, columns, name=self.constraint.name
        ).database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.remove_constraint(model, self.constraint)

    def describe(self):
        return f"Add unique {self.constraint.name} on {self.model_name} (PostgreSQL: concurrently)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.constraint.name}"


class ReplaceUniqueConstraint(AddUniqueConstraint):
    """Replace a model's unique constraint ``old_name`` by ``constraint`` (one
    that includes the tenant): the new one is added as
    :class:`AddUniqueConstraint` does, then the old one goes, so the rule
    never lapses."""

    def __init__(self, model_name: str, old_name: str, constraint):
        super().__init__(model_name, constraint)
        self.old_name = old_name

    def deconstruct(self):
        kwargs = {
            "model_name": self.model_name,
            "old_name": self.old_name,
            "constraint": self.constraint,
        }
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        state.remove_constraint(app_label, self.model_name.lower(), self.old_name)
        super().state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        old = from_state.models[app_label, self.model_name.lower()].get_constraint_by_name(
            self.old_name
        )
        schema_editor.remove_constraint(model, old)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # the old rule back first, then the tenant one goes (never lapses)
        model = to_state.apps.get_model(app_label, self.model_name)
        old = to_state.models[app_label, self.model_name.lower()].get_constraint_by_name(
            self.old_name
        )
        schema_editor.add_constraint(model, old)
        schema_editor.remove_constraint(model, self.constraint)

    def describe(self):
        return f"Replace {self.old_name} by {self.constraint.name} on {self.model_name}"


class DropUniqueTogether(Operation):
    """``AlterUniqueTogether(name, set())`` whose SQL on PostgreSQL finds the
    constraint by its columns in the catalog when it runs, so ``sqlmigrate``
    (the migration linter's, on an empty database) needs no table to read."""

    reversible = True

    def __init__(self, model_name: str, columns: tuple[str, ...]):
        _identifiers(*columns)
        self.model_name = model_name
        self.columns = tuple(columns)

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "columns": self.columns}
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        state.alter_model_options(app_label, self.model_name.lower(), {"unique_together": set()})

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        old = from_state.apps.get_model(app_label, self.model_name)
        new = to_state.apps.get_model(app_label, self.model_name)
        if not _pg(schema_editor):
            schema_editor.alter_unique_together(old, old._meta.unique_together, set())
            return
        table = new._meta.db_table
        _identifiers(table)
        wanted = ", ".join(f"'{c}'" for c in sorted(self.columns))
        schema_editor.execute(
            "DO $$ DECLARE c text; BEGIN "  # noqa: S608 - identifiers checked
            "SELECT conname INTO c FROM pg_constraint WHERE contype = 'u' "
            f"AND conrelid = '{table}'::regclass AND ARRAY(SELECT attname::text FROM "
            "pg_attribute WHERE attrelid = conrelid AND attnum = ANY (conkey) ORDER BY 1) "
            f"= ARRAY[{wanted}]; "
            f"IF c IS NOT NULL THEN EXECUTE format('ALTER TABLE {table} DROP CONSTRAINT %I', c); "
            "END IF; END $$",
            params=None,  # no interpolation: the text holds format()'s %I
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.alter_unique_together(model, set(), model._meta.unique_together)

    def describe(self):
        return f"Drop unique_together {self.columns} of {self.model_name}"
