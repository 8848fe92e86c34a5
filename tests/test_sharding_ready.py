"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md).

Citus distributes a table by one column and enforces only the unique keys
and foreign keys that include it. So every table is either tenant-owned
(it has ``tenant_id``: distributed by it) or named below with its place in
a sharded database, and on every tenant-owned table

- ``UNIQUE (tenant_id, id)`` exists (the future primary key, the target of
  the composite foreign keys);
- every unique constraint or index includes ``tenant_id``, except the
  primary key and the single-column uniques listed in
  :data:`SINGLE_COLUMN_UNIQUES`, each of which has a tenant twin;
- every foreign key to another tenant-owned table has a composite twin
  ``(tenant_id, x_id) -> target (tenant_id, id)``, except the cross-tenant
  references of :data:`CROSS_TENANT_FKS`.

On PostgreSQL the test reads the catalog; on SQLite (where the composite
keys are not built) Django's model meta and the operations of
``liaison.sharding`` found in the migrations.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from liaison.sharding import declared

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="reads the catalog")

_PLATFORM = "reference table: platform data that every shard joins"
_LOCAL = "local table on the coordinator: no tenant's data, never joined to one"

#: Tables without ``tenant_id``: where each lives once sharded, and why.
NOT_TENANT_OWNED: dict[str, str] = {
    # platform / reference
    "accounts_tenant": f"{_PLATFORM} (the tenants: tens of rows)",
    "accounts_user": f"{_PLATFORM}: a login may belong to several tenants; "
    "every created_by/actor key points at it",
    "auth_permission": f"{_PLATFORM} (the permission codenames of the grants)",
    "django_content_type": f"{_PLATFORM} (the content types of the grants and the admin log)",
    "auth_group": f"{_PLATFORM}: Django groups are unused (roles are memberships)",
    "accounts_user_groups": f"{_PLATFORM}: Django groups are unused",
    "accounts_user_user_permissions": f"{_PLATFORM}: global permissions are unused",
    "auth_group_permissions": f"{_PLATFORM}: Django groups are unused",
    # a user's own rows: follow the user, not a tenant
    "authtoken_token": f"{_LOCAL}: one API token per user, looked up by key",
    "otp_totp_totpdevice": f"{_LOCAL}: a user's second factor",
    "accounts_idempotencykey": f"{_LOCAL}: a replay cache of POST answers per user",
    "django_session": f"{_LOCAL} (or Redis): sessions of users, not tenants",
    "axes_accessattempt": f"{_LOCAL}: failed logins before any tenant is known",
    "axes_accessattemptexpiration": f"{_LOCAL}: axes' own bookkeeping",
    "axes_accessfailurelog": f"{_LOCAL}: failed logins before any tenant is known",
    "axes_accesslog": f"{_LOCAL}: logins before any tenant is known",
    "django_admin_log": f"{_LOCAL}: the platform admin's Django admin log",
    "django_migrations": f"{_LOCAL}: Django's own",
    # generic object permissions: the project grants through roster's direct tables
    "guardian_userobjectpermission": f"{_LOCAL}: unused (grants are "
    "roster_districtuserobjectpermission / roster_unituserobjectpermission)",
    "guardian_groupobjectpermission": f"{_LOCAL}: unused (no group grants)",
}

#: Tables with ``tenant_id`` that are not distributed by it.
NOT_DISTRIBUTED: dict[str, str] = {
    "platformadmin_tenantpurge": f"{_LOCAL}: the operator's record of a purged tenant, "
    "kept after the tenant row is gone (tenant_id is a plain integer, no key)",
}

#: Tenant-less children still to carry ``tenant_id``: none left (slices 2 and 3
#: gave every child its parent's tenant); a new one goes here or gets the column.
CHILD_TABLES_PENDING: dict[str, str] = {}

#: Single-column uniques on tenant-owned tables, kept as they are until the
#: distribution step (docs/SCALING.md) drops them: each has a tenant twin
#: ``UNIQUE (tenant_id, column)``, which says the same once the column names
#: a row of the same tenant or a random value.
SINGLE_COLUMN_UNIQUES: dict[tuple[str, str], str] = {
    ("roster_officerrenewal", "nomination_id"): "one renewal per nomination (a one-to-one "
    "key): the nomination is the renewal's tenant's, so the twin says the same",
    ("assessment_rating", "request_id"): "one rating per request (a one-to-one key): "
    "the request is the rating's tenant's, so the twin says the same",
    ("duties_agreement", "renews_id"): "an agreement is renewed once (a one-to-one key): "
    "the renewed agreement is the same tenant's, so the twin says the same",
    ("assessment_ratingrequest", "token_digest"): "the public rating link is opened "
    "without a tenant, by its token: the digest of 24 random bytes is globally unique by "
    "construction; once sharded the link carries the tenant or the lookup fans out",
    ("audit_exportrecord", "export_id"): "a file's 来源 id is checked without a tenant: a "
    "random hex id, globally unique by construction; the twin serves the tenant's lookups",
}

#: Foreign keys between tenant-owned tables that cross tenants by design.
CROSS_TENANT_FKS: dict[tuple[str, str], str] = {
    ("network_networkmember", "network_id"): "a city tenant's membership of the province "
    "tenant's network (SPEC §5b): network_network becomes a reference table",
    ("network_publisheditem", "network_id"): "a city's published item names the province's "
    "network: a key to the reference table network_network",
    ("matching_networkmatch", "published_id"): "a suggestion names another member's "
    "published item: the key is dropped at distribution and the join fans out "
    "(network_publisheditem is distributed by its publisher)",
    ("matching_networkfeedback", "published_id"): "feedback on such a suggestion names "
    "the same published item: dropped at distribution like the suggestion's",
}

#: The one exception the distribution step removes: the primary key ``(id)``.
PRIMARY_KEY = ("id",)


# --- what the schema has ----------------------------------------------------------------


class Schema:
    """Tables, their columns, unique column sets and foreign keys."""

    def __init__(self):
        self.columns: dict[str, set[str]] = defaultdict(set)
        self.uniques: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        # (table, columns) -> (target table, target columns)
        self.fks: dict[str, list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]] = defaultdict(
            list
        )

    def owned(self) -> set[str]:
        return {t for t, cols in self.columns.items() if "tenant_id" in cols} - set(NOT_DISTRIBUTED)


def _catalog() -> Schema:
    schema = Schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        )
        for table, column in cursor.fetchall():
            schema.columns[table].add(column)
        # unique indexes (constraints own one too); an expression counts as none
        cursor.execute(
            """
            SELECT t.relname, i.relname, x.indisprimary,
                   array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o)
                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n
                         ORDER BY k.o)
            FROM pg_index x
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indisunique AND t.relnamespace = current_schema()::regnamespace
            """
        )
        for table, name, primary, cols in cursor.fetchall():
            schema.uniques[table].append(("pk" if primary else name, tuple(cols)))
        cursor.execute(
            """
            SELECT c.conname, t.relname, r.relname,
                   array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                         ORDER BY k.o),
                   array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                         ORDER BY k.o)
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_class r ON r.oid = c.confrelid
            WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
            """
        )
        for name, table, target, cols, target_cols in cursor.fetchall():
            schema.fks[table].append((name, tuple(cols), target, tuple(target_cols)))
    return schema


def _model_meta() -> Schema:
    schema = Schema()
    schema.columns["django_migrations"] = {"id", "app", "name", "applied"}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        table = meta.db_table
        column = {f.name: f.column for f in meta.concrete_fields}
        schema.columns[table] |= set(column.values())
        for field in meta.concrete_fields:
            if field.primary_key:
                schema.uniques[table].append(("pk", (field.column,)))
            elif field.unique:
                schema.uniques[table].append((f"{table}_{field.column}_key", (field.column,)))
            if field.is_relation and field.db_constraint:
                target = field.related_model._meta
                schema.fks[table].append(
                    (
                        f"{table}_{field.column}_fk",
                        (field.column,),
                        target.db_table,
                        (target.get_field(field.to_fields[0] or target.pk.name).column,)
                        if field.to_fields
                        else (target.pk.column,),
                    )
                )
        for fields in meta.unique_together:
            schema.uniques[table].append(("unique_together", tuple(column[f] for f in fields)))
        for constraint in meta.constraints:
            if getattr(constraint, "fields", None) and type(constraint).__name__ == (
                "UniqueConstraint"
            ):
                schema.uniques[table].append(
                    (constraint.name, tuple(column[f] for f in constraint.fields))
                )
    uniques, fks = declared(MigrationLoader(None, ignore_no_migrations=True))
    for table, columns in uniques:
        schema.uniques[table].append(("sharding", columns))
    for table, column, target in fks:
        schema.fks[table].append(("sharding", ("tenant_id", column), target, ("tenant_id", "id")))
    return schema


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> Schema:
    with django_db_blocker.unblock():
        return _catalog() if connection.vendor == "postgresql" else _model_meta()


# --- the rules --------------------------------------------------------------------------


def test_every_table_is_tenant_owned_or_placed(schema):
    unplaced = sorted(
        t
        for t, cols in schema.columns.items()
        if "tenant_id" not in cols and t not in NOT_TENANT_OWNED and t not in CHILD_TABLES_PENDING
    )
    assert unplaced == [], "tables with no tenant_id and no place in a sharded database"
    stale = sorted(
        t
        for t in {*NOT_TENANT_OWNED, *CHILD_TABLES_PENDING, *NOT_DISTRIBUTED}
        if t not in schema.columns
    )
    assert stale == []
    assert sorted(t for t in CHILD_TABLES_PENDING if "tenant_id" in schema.columns[t]) == []


def test_every_tenant_owned_table_has_a_unique_tenant_id_and_id(schema):
    missing = sorted(
        t for t in schema.owned() if ("tenant_id", "id") not in {c for _n, c in schema.uniques[t]}
    )
    assert missing == []


def test_every_unique_includes_the_tenant(schema):
    wrong = []
    for table in sorted(schema.owned()):
        sets = {c for _n, c in schema.uniques[table]}
        for name, columns in schema.uniques[table]:
            if "tenant_id" in columns or (columns == PRIMARY_KEY and name == "pk"):
                continue
            if len(columns) == 1 and (table, columns[0]) in SINGLE_COLUMN_UNIQUES:
                if ("tenant_id", columns[0]) in sets:
                    continue
                wrong.append(f"{table}.{name} {columns}: no (tenant_id, {columns[0]}) twin")
                continue
            wrong.append(f"{table}.{name} {columns}")
    assert wrong == [], "unique keys without tenant_id"
    listed = {(t, c) for t in schema.owned() for _n, (c, *rest) in schema.uniques[t] if not rest}
    assert set(SINGLE_COLUMN_UNIQUES) <= listed


def test_every_foreign_key_between_tenant_owned_tables_has_a_composite_twin(schema):
    owned = schema.owned()
    wrong = []
    for table in sorted(owned):
        composite = {
            (cols[1], target)
            for _n, cols, target, target_cols in schema.fks[table]
            if len(cols) == 2 and cols[0] == "tenant_id" and target_cols == ("tenant_id", "id")
        }
        for name, cols, target, _target_cols in schema.fks[table]:
            if len(cols) != 1 or cols == ("tenant_id",) or target not in owned:
                continue
            if (table, cols[0]) in CROSS_TENANT_FKS:
                assert (cols[0], target) not in composite, f"{table}.{cols[0]} crosses tenants"
                continue
            if (cols[0], target) not in composite:
                wrong.append(f"{table}.{name} ({cols[0]} -> {target})")
    assert wrong == [], "foreign keys between tenant-owned tables without a composite twin"
    for table, column in CROSS_TENANT_FKS:
        assert table in owned and column in schema.columns[table]


# --- the database refuses a reference into another tenant --------------------------------


@on_postgres
def test_a_row_pointing_into_another_tenants_row_is_refused(world, other_world):
    """assessment_districtopinion.officer_id has no tenant trigger: only the
    composite key keeps the opinion and its officer in one tenant."""
    from assessment.models import DistrictOpinion

    theirs = other_world.officers[next(iter(other_world.officers))]
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SET CONSTRAINTS assessment_districtopinion_officer_id_tenant_fk IMMEDIATE"
            )
        DistrictOpinion.objects.create(
            tenant=world.tenant,
            officer=theirs,
            year=2026,
            level="优秀",
            given_by=world.users["admin"],
        )
    assert "assessment_districtopinion_officer_id_tenant_fk" in str(caught.value)
    assert DistrictOpinion.objects.count() == 0


@on_postgres
def test_the_composite_keys_are_deferred_like_djangos(schema):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, condeferrable, condeferred, convalidated FROM pg_constraint "
            "WHERE contype = 'f' AND conname LIKE '%%_tenant_fk'"
        )
        rows = cursor.fetchall()
    assert len(rows) == sum(
        1 for t in schema.fks for _n, cols, _t, _c in schema.fks[t] if len(cols) == 2
    )
    assert {(d, i, v) for _n, d, i, v in rows} == {(True, True, True)}


def test_a_child_row_takes_its_parents_tenant(world):
    """Credits, history, attendance … carry tenant_id now, filled from the
    parent by save() and bulk_create(): the code that writes them names only
    the parent, as before."""
    from ledgers.models import Credit, EntryEvent

    entry = world.entries["case"]
    officer = world.officers[next(iter(world.officers))]
    Credit.objects.filter(entry=entry).delete()
    made = Credit.objects.create(entry=entry, officer=officer)
    assert made.tenant_id == world.tenant.pk
    (event,) = EntryEvent.objects.bulk_create([EntryEvent(entry_id=entry.pk, action="created")])
    assert event.tenant_id == world.tenant.pk


@on_postgres
def test_a_child_row_in_another_tenant_than_its_parent_is_refused(world, other_world):
    from ledgers.models import Credit

    entry = world.entries["case"]
    officer = world.officers[next(iter(world.officers))]
    Credit.objects.filter(entry=entry).delete()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ledgers_credit_entry_id_tenant_fk IMMEDIATE")
        Credit.objects.create(tenant=other_world.tenant, entry=entry, officer=officer)
    assert "ledgers_credit_entry_id_tenant_fk" in str(caught.value)


#: Every child table that took a tenant_id from its parent (the BackfillTenant
#: operations of the migrations): (table, parent column, parent table).
CHILD_TABLES = {
    ("duties_attendance", "training_id", "duties_training"),
    ("ledgers_credit", "entry_id", "ledgers_entry"),
    ("ledgers_evidence", "entry_id", "ledgers_entry"),
    ("ledgers_entryevent", "entry_id", "ledgers_entry"),
    ("ledgers_entry_matched", "from_entry_id", "ledgers_entry"),
    ("roster_nominationtransition", "nomination_id", "roster_nomination"),
    ("roster_officer_host_units", "officer_id", "roster_officer"),
    ("roster_officergroup_members", "officergroup_id", "roster_officergroup"),
    ("roster_officergroup_host_units", "officergroup_id", "roster_officergroup"),
    ("roster_districtuserobjectpermission", "content_object_id", "roster_district"),
    ("roster_unituserobjectpermission", "content_object_id", "roster_unit"),
}


def test_every_backfilled_child_table_is_listed():
    from liaison.sharding import BackfillTenant

    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = {
        (op.table, op.column, op.parent)
        for migration in loader.disk_migrations.values()
        for op in migration.operations
        if isinstance(op, BackfillTenant)
    }
    assert found == CHILD_TABLES


@on_postgres
def test_every_child_table_fills_its_tenant_on_insert():
    """During a rolling upgrade the previous release still inserts children
    without tenant_id (it does not know the column), also once the column is
    NOT NULL: each child table's BEFORE INSERT trigger takes the parent's."""
    from liaison.sharding import fill_trigger_name

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE '%%_fill_tenant' AND NOT t.tgisinternal"
        )
        triggers = set(cursor.fetchall())
    assert triggers == {(table, fill_trigger_name(table)) for table, _c, _p in CHILD_TABLES}


@on_postgres
def test_a_credit_inserted_without_its_tenant_takes_the_entrys(world):
    """The previous release's INSERT, as it was: no tenant_id column named."""
    from ledgers.models import Credit

    entry = world.entries["case"]
    officer = world.officers[next(iter(world.officers))]
    Credit.objects.filter(entry=entry).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledgers_credit (entry_id, officer_id) VALUES (%s, %s) RETURNING tenant_id",
            [entry.pk, officer.pk],
        )
        (tenant_id,) = cursor.fetchone()
    assert tenant_id == world.tenant.pk
    assert Credit.objects.get(entry=entry).tenant_id == world.tenant.pk
