"""Which tables are audited, and the database triggers that audit them.

Every concrete model of the project's apps is either audited or excluded
here with its reason (``audit/tests/test_registry.py`` fails on a model that
is neither): tenant-owned models are audited by default, their tenant-less
children (credits, evidence, history rows, guardian grants, many-to-many
rows) through the foreign key to their tenant-owned parent.

The triggers are (re)installed by a ``post_migrate`` handler, idempotently.
On SQLite they are dropped by a ``pre_migrate`` handler first, because
SQLite rebuilds a table to alter it and a trigger naming another table
would be in the way; on PostgreSQL they survive migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, models

from accounts.models import TenantOwnedModel

#: label_lower -> why the model's rows are not audited.
EXCLUDED: dict[str, str] = {
    "audit.auditevent": "the audit log itself",
    "audit.exportrecord": "the record of exported files, itself an audit (issue 14)",
    "scoring.share": "derived: the scoring engine recomputes shares from entries (high volume)",
    "scoring.sharetally": "derived: per-officer totals recomputed with the shares",
    "scoring.rankingsnapshot": "derived: a frozen copy of a ranking; finalising is audited "
    "through the request that did it",
    "scoring.rankingversion": "bookkeeping: a counter naming the cached ranking, bumped "
    "with every change of its inputs (issue 16)",
    "scoring.quotareport": "derived: monthly report rows rebuilt by a scheduled job",
    "accounts.notification": "messages to members, written by jobs; not a change of data",
    "accounts.jobrun": "bookkeeping of scheduled jobs",
    "accounts.user_groups": "Django groups are unused (roles are memberships)",
    "accounts.user_user_permissions": "Django global permissions are unused",
    # Names other branches of issue 10 may add (kept here so that the
    # registry test names them when they arrive):
    "accounts.idempotencykey": "replay cache of POST responses, not a change of data",
    "liaison.idempotencykey": "replay cache of POST responses, not a change of data",
    # issue 15 matching: the feedback (matching.matchfeedback) is audited
    "matching.match": "derived: the matcher's suggestions, recomputed from the entries",
    "matching.matchrun": "bookkeeping of the matcher (when an entry was last matched)",
    "matching.networkmatch": "derived: the matcher's suggestions from the province network",
    # issue 17 platform admin: outlives the tenant it names; append-only
    "platformadmin.tenantpurge": "the record of a purged tenant, itself an audit (issue 17)",
}

#: Columns never shown: the diff says only that they changed.
MASKED = {"accounts.user": ("password",), "assessment.ratingrequest": ("token_digest",)}
#: Columns whose change alone is no audit row (every login touches it; a
#: successful login is its own ``login`` event).
IGNORED = {"accounts.user": ("last_login",)}


@dataclass(frozen=True)
class Audited:
    """One audited table. ``tenant`` says where a row's tenant comes from:
    ``("column", "tenant_id")``, ``("self", "id")`` for the tenant table,
    ``("parent", fk column, parent table)`` or ``("user", "id")`` (one row
    per tenant the user is a member of, or of the request's tenant)."""

    label: str
    table: str
    object_type: str
    pk: str
    tenant: tuple[str, ...]
    fields: tuple[models.Field, ...]
    masked: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


def project_models() -> list[type[models.Model]]:
    """Concrete models (with many-to-many tables) of this project's apps."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for model in apps.get_models(include_auto_created=True):
        path = Path(model._meta.app_config.path).resolve()
        if "site-packages" in path.parts or base not in path.parents:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        found.append(model)
    return found


def _tenant_source(model) -> tuple[str, ...] | None:
    label = model._meta.label_lower
    if label == "accounts.tenant":
        return ("self", model._meta.pk.column)
    if label == settings.AUTH_USER_MODEL.lower():
        return ("user", model._meta.pk.column)
    if issubclass(model, TenantOwnedModel):
        return ("column", model._meta.get_field("tenant").column)
    for field in model._meta.concrete_fields:
        if (
            field.is_relation
            and field.many_to_one
            and issubclass(field.related_model, TenantOwnedModel)
        ):
            return ("parent", field.column, field.related_model._meta.db_table)
    return None


def classify() -> tuple[list[Audited], list[str]]:
    """(audited tables, labels of models neither audited nor excluded)."""
    audited, unclassified = [], []
    for model in project_models():
        label = model._meta.label_lower
        if label in EXCLUDED:
            continue
        source = _tenant_source(model)
        if source is None:
            unclassified.append(label)
            continue
        audited.append(
            Audited(
                label=label,
                table=model._meta.db_table,
                object_type=model._meta.model_name,
                pk=model._meta.pk.column,
                tenant=source,
                fields=tuple(model._meta.concrete_fields),
                masked=MASKED.get(label, ()),
                ignored=IGNORED.get(label, ()),
            )
        )
    return audited, unclassified


# --- PostgreSQL ----------------------------------------------------------------

PG_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    object_type text := TG_ARGV[0];
    pk text := TG_ARGV[1];
    source text[] := string_to_array(TG_ARGV[2], ':');
    masked text[] := string_to_array(TG_ARGV[3], ',');
    ignored text[] := string_to_array(TG_ARGV[4], ',');
    old_row jsonb;
    new_row jsonb;
    cur jsonb;
    diff jsonb := '{}'::jsonb;
    key text;
    ctx jsonb := NULLIF(current_setting('audit.context', true), '')::jsonb;
    ctx_tenant bigint := (ctx ->> 'tenant_id')::bigint;
    tenants bigint[];
BEGIN
    IF ctx ->> 'purge' = 'true' THEN
        RETURN NULL;  -- a tenant's purge: its own record replaces row events
    END IF;
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
    cur := COALESCE(new_row, old_row);
    FOR key IN SELECT jsonb_object_keys(cur) LOOP
        CONTINUE WHEN key = ANY(ignored);
        CONTINUE WHEN TG_OP = 'UPDATE' AND (old_row -> key) IS NOT DISTINCT FROM (new_row -> key);
        IF key = ANY(masked) THEN
            diff := diff || jsonb_build_object(key, jsonb_build_array(
                CASE WHEN TG_OP <> 'INSERT' THEN '***' END,
                CASE WHEN TG_OP <> 'DELETE' THEN '***' END));
        ELSE
            diff := diff || jsonb_build_object(
                key, jsonb_build_array(old_row -> key, new_row -> key));
        END IF;
    END LOOP;
    IF TG_OP = 'UPDATE' AND diff = '{}'::jsonb THEN
        RETURN NULL;
    END IF;
    IF source[1] IN ('column', 'self') THEN
        tenants := ARRAY[(cur ->> source[2])::bigint];
    ELSIF source[1] = 'parent' THEN
        EXECUTE format('SELECT ARRAY[(SELECT tenant_id FROM %I WHERE id = $1)]', source[3])
            INTO tenants USING (cur ->> source[2])::bigint;
    ELSE
        SELECT array_agg(t) INTO tenants FROM (
            SELECT tenant_id AS t FROM accounts_membership
            WHERE user_id = (cur ->> source[2])::bigint
            UNION SELECT ctx_tenant WHERE ctx_tenant IS NOT NULL
        ) s;
    END IF;
    IF tenants IS NULL OR cardinality(tenants) = 0 THEN
        tenants := ARRAY[NULL::bigint];
    END IF;
    INSERT INTO audit_auditevent
        (tenant_id, at, actor_id, actor_username, action, object_type, object_id,
         changes, request_id, extra)
    SELECT t, COALESCE((ctx ->> 'at')::timestamptz, now()), (ctx ->> 'actor_id')::bigint,
           COALESCE(ctx ->> 'actor', ''),
           CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
           object_type, COALESCE(cur ->> pk, ''), diff, COALESCE(ctx ->> 'request_id', ''),
           '{}'::jsonb
    FROM unnest(tenants) AS t;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NULLIF(current_setting('audit.context', true), '')::jsonb
            ->> 'purge' = 'true' THEN
        RETURN OLD;  -- a tenant's purge (platformadmin.purge) removes its rows
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""

#: Tables whose rows, once written, the database keeps as they are: the audit
#: log, the two histories the pages show (an entry's, a nomination's steps)
#: and the record of exported files (issue 14: an auditor checks a file
#: against it, so nobody may rewrite or remove it).
#: UPDATE and DELETE are refused (PostgreSQL's TRUNCATE, used by test flushes,
#: is not a row operation; SQLite's flush is allowed through ``audit_flushing``;
#: a tenant's purge deletes its rows under ``audit.context.purging``).
APPEND_ONLY_TABLES = (
    "audit_auditevent",
    "audit_exportrecord",
    "ledgers_entryevent",
    "roster_nominationtransition",
    "platformadmin_tenantpurge",  # issue 17: the record of a purged tenant
)


def _pg_install(cursor, audited: list[Audited], existing: set[str]) -> None:
    cursor.execute(PG_FUNCTIONS)
    for table in APPEND_ONLY_TABLES:
        if table in existing:
            cursor.execute(
                "CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE "
                f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()'
            )
    cursor.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = 'audit_row'"
    )
    wanted = {spec.table for spec in audited}
    for (table,) in cursor.fetchall():
        if table not in wanted:
            cursor.execute(f'DROP TRIGGER IF EXISTS audit_row ON "{table}"')
    for spec in audited:
        args = [
            spec.object_type,
            spec.pk,
            ":".join(spec.tenant),
            ",".join(spec.masked),
            ",".join(spec.ignored),
        ]
        quoted = ", ".join("'" + a.replace("'", "''") + "'" for a in args)
        cursor.execute(
            "CREATE OR REPLACE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE "
            f'ON "{spec.table}" '
            f"FOR EACH ROW EXECUTE FUNCTION audit_row_change({quoted})"
        )


# --- SQLite ----------------------------------------------------------------------


def _sqlite_value(field: models.Field, row: str) -> str:
    """A column of OLD/NEW as a JSON value: booleans and JSON stay JSON."""
    ref = f'{row}."{field.column}"'
    if isinstance(field, models.BooleanField):
        return f"json(CASE WHEN {ref} IS NULL THEN NULL WHEN {ref} THEN 'true' ELSE 'false' END)"
    if isinstance(field, models.JSONField):
        return f"json({ref})"
    return ref


def _sqlite_pair(spec: Audited, field: models.Field, op: str) -> str:
    if field.column in spec.masked:
        before = "NULL" if op == "INSERT" else "'***'"
        after = "NULL" if op == "DELETE" else "'***'"
        return f"json_array({before}, {after})"
    before = "NULL" if op == "INSERT" else _sqlite_value(field, "OLD")
    after = "NULL" if op == "DELETE" else _sqlite_value(field, "NEW")
    return f"json_array({before}, {after})"


def _sqlite_changes(spec: Audited, op: str) -> str:
    fields = [f for f in spec.fields if f.column not in spec.ignored]
    if op == "UPDATE":
        parts = " UNION ALL ".join(
            f"SELECT '{f.column}' AS k, {_sqlite_pair(spec, f, op)} AS v "
            f'WHERE OLD."{f.column}" IS NOT NEW."{f.column}"'
            for f in fields
        )
        return f"(SELECT json_group_object(k, json(v)) FROM ({parts}))"  # noqa: S608 - model metadata
    # json_object takes at most 127 arguments: merge objects of 50 columns
    objects = []
    for start in range(0, len(fields), 50):
        chunk = fields[start : start + 50]
        args = ", ".join(f"'{f.column}', {_sqlite_pair(spec, f, op)}" for f in chunk)
        objects.append(f"json_object({args})")
    expression = objects[0]
    for obj in objects[1:]:
        expression = f"json_patch({expression}, {obj})"
    return expression


def _sqlite_tenants(spec: Audited, row: str) -> str:
    """A subquery yielding the tenant id(s) of the row, as ``tid``."""
    kind = spec.tenant[0]
    if kind in ("column", "self"):
        return f'SELECT {row}."{spec.tenant[1]}" AS tid'
    if kind == "parent":
        _kind, column, parent = spec.tenant
        return f'SELECT (SELECT tenant_id FROM "{parent}" WHERE id = {row}."{column}") AS tid'  # noqa: S608
    user = f'{row}."{spec.tenant[1]}"'
    ctx = "CAST(audit_ctx('tenant_id') AS INTEGER)"
    members = f"SELECT tenant_id AS tid FROM accounts_membership WHERE user_id = {user}"  # noqa: S608 - model metadata
    return (
        f"SELECT tid FROM ({members} "  # noqa: S608 - model metadata, never input
        f"UNION SELECT {ctx} WHERE {ctx} IS NOT NULL) "
        f"UNION ALL SELECT NULL WHERE {ctx} IS NULL AND NOT EXISTS "
        f"(SELECT 1 FROM accounts_membership WHERE user_id = {user})"
    )


def _sqlite_trigger(spec: Audited, op: str) -> str:
    row = "OLD" if op == "DELETE" else "NEW"
    action = {"INSERT": "create", "UPDATE": "update", "DELETE": "delete"}[op]
    when = ""
    if op == "UPDATE":
        watched = [f for f in spec.fields if f.column not in spec.ignored]
        when = "WHEN " + " OR ".join(f'OLD."{f.column}" IS NOT NEW."{f.column}"' for f in watched)
    name = f"audit_{spec.table}_{op.lower()}"
    return (
        f'CREATE TRIGGER "{name}" AFTER {op} ON "{spec.table}" '  # noqa: S608 - model metadata
        f"FOR EACH ROW {when} BEGIN "
        "INSERT INTO audit_auditevent (tenant_id, at, actor_id, actor_username, action, "
        "object_type, object_id, changes, request_id, extra) "
        f"SELECT tid, audit_ctx('at'), audit_ctx('actor_id'), COALESCE(audit_ctx('actor'), ''), "
        f"'{action}', '{spec.object_type}', CAST({row}.\"{spec.pk}\" AS TEXT), "
        f"{_sqlite_changes(spec, op)}, COALESCE(audit_ctx('request_id'), ''), '{{}}' "
        f"FROM ({_sqlite_tenants(spec, row)}) WHERE NOT audit_purging(); END"
    )


def _sqlite_append_only(table: str) -> list[str]:
    update, delete = f"audit_append_only_{table}_update", f"audit_append_only_{table}_delete"
    return [
        f'DROP TRIGGER IF EXISTS "{update}"',
        f'DROP TRIGGER IF EXISTS "{delete}"',
        f'CREATE TRIGGER "{update}" BEFORE UPDATE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
        f'CREATE TRIGGER "{delete}" BEFORE DELETE ON "{table}" '
        "WHEN NOT audit_flushing() AND NOT audit_purging() "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
    ]


def _sqlite_drop_row_triggers(cursor) -> None:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE 'audit\\_%' ESCAPE '\\' "
        "AND name NOT LIKE 'audit\\_append\\_only%' ESCAPE '\\'"
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def _sqlite_install(cursor, audited: list[Audited], existing: set[str]) -> None:
    _sqlite_drop_row_triggers(cursor)
    for table in APPEND_ONLY_TABLES:
        if table in existing:
            for statement in _sqlite_append_only(table):
                cursor.execute(statement)
    for spec in audited:
        for op in ("INSERT", "UPDATE", "DELETE"):
            cursor.execute(_sqlite_trigger(spec, op))


# --- entry points --------------------------------------------------------------


def install(using: str = "default") -> None:
    """(Re)create every audit trigger on the database ``using``."""
    connection = connections[using]
    audited, _unclassified = classify()
    existing = set(connection.introspection.table_names())
    audited = [spec for spec in audited if spec.table in existing]
    if "audit_auditevent" not in existing:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _pg_install(cursor, audited, existing)
        elif connection.vendor == "sqlite":
            _sqlite_install(cursor, audited, existing)


def drop_row_triggers(using: str = "default") -> None:
    """SQLite, before migrating: the row triggers go (``install`` recreates them)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            _sqlite_drop_row_triggers(cursor)
