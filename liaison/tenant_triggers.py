"""Database triggers that keep every row's references inside its tenant.

A row that points at two tenant-owned rows (a credit: an entry and an
officer; a nomination: a round, a unit and a district …) must never join two
tenants. Services and tenant-scoped fields already see to it; these triggers
make the database refuse a raw write that does not (issue 10, "the database
as the last line of defence"). A plain foreign key cannot say it without a
``tenant_id`` column on every child table, so each table gets one ``BEFORE
INSERT OR UPDATE`` trigger built from a :class:`TenantLink`:

- the row's tenant is its own ``tenant_id``, or that of an *anchor* parent
  (a credit's entry, an M2M row's owner);
- for each (column, parent table) link, a referenced parent of another tenant
  aborts the write.

A second trigger per referenced table refuses a change of ``tenant_id`` (a row
never moves tenant, or the links above would break from the other side).

PostgreSQL raises SQLSTATE 23514 (check_violation) and SQLite
``RAISE(ABORT, …)``; Django turns both into ``IntegrityError``. The message
names the rule (``credit_same_tenant (officer_id)``). A missing parent is left
to the foreign key (the trigger compares tenants only when both rows exist).

On PostgreSQL the triggers are installed by migrations
(``install_for(app_label)``). On SQLite, Django rebuilds a table for many
schema changes, which drops its triggers, and the rebuild's rename fails while
another table's trigger names the table; so there :func:`drop_all` runs before
``migrate`` and :func:`install_all` after it, for the apps whose trigger
migration is applied (``pre_migrate`` / ``post_migrate``, see
``scoring.apps``), and the migrations themselves install nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TenantLink:
    """The tenant rule of one table.

    ``tenant`` is ``"tenant_id"`` when the table has the column, else
    ``(column, parent_table)`` of the anchor whose tenant the row takes.
    ``links`` are the (column, parent_table) pairs that must share it."""

    app: str
    table: str
    rule: str
    tenant: str | tuple[str, str]
    links: tuple[tuple[str, str], ...]

    def __post_init__(self):
        # names go into SQL text: identifiers only
        anchor = self.tenant if isinstance(self.tenant, tuple) else (self.tenant,)
        names = [self.table, self.rule, *anchor, *(n for pair in self.links for n in pair)]
        if not all(name.isidentifier() for name in names):
            raise ValueError(f"not an identifier in {self!r}")


def _links(*pairs: str) -> tuple[tuple[str, str], ...]:
    """``"officer_id=roster_officer"`` → ``("officer_id", "roster_officer")``."""
    return tuple(tuple(pair.split("=")) for pair in pairs)  # type: ignore[misc]


#: Every cross-reference between tenant-owned rows, by owning app.
TENANT_LINKS: tuple[TenantLink, ...] = (
    # ledgers
    TenantLink(
        "ledgers",
        "ledgers_credit",
        "credit_same_tenant",
        ("entry_id", "ledgers_entry"),
        _links("officer_id=roster_officer"),
    ),
    TenantLink(
        "ledgers",
        "ledgers_entry",
        "entry_same_tenant",
        "tenant_id",
        _links(
            "expert_id=ledgers_reference",
            "enterprise_id=ledgers_reference",
            "achievement_id=ledgers_entry",
            "conversion_id=ledgers_entry",
            "duplicate_of_id=ledgers_entry",
        ),
    ),
    TenantLink(
        "ledgers",
        "ledgers_entry_matched",
        "entry_matched_same_tenant",
        ("from_entry_id", "ledgers_entry"),
        _links("to_entry_id=ledgers_entry"),
    ),
    TenantLink(
        "ledgers",
        "ledgers_reference",
        "reference_same_tenant",
        "tenant_id",
        _links("district_id=roster_district"),
    ),
    # roster
    TenantLink(
        "roster",
        "roster_unit",
        "unit_same_tenant",
        "tenant_id",
        _links("district_id=roster_district"),
    ),
    TenantLink(
        "roster",
        "roster_officer",
        "officer_same_tenant",
        "tenant_id",
        _links("district_id=roster_district", "unit_id=roster_unit", "replaces_id=roster_officer"),
    ),
    TenantLink(
        "roster",
        "roster_officer_host_units",
        "officer_host_unit_same_tenant",
        ("officer_id", "roster_officer"),
        _links("unit_id=roster_unit"),
    ),
    # issue 11 roster: host assignments and change requests
    TenantLink(
        "roster",
        "roster_hostassignment",
        "hostassignment_same_tenant",
        "tenant_id",
        _links("officer_id=roster_officer", "unit_id=roster_unit"),
    ),
    TenantLink(
        "roster",
        "roster_changerequest",
        "changerequest_same_tenant",
        "tenant_id",
        _links("officer_id=roster_officer", "unit_id=roster_unit"),
    ),
    TenantLink(
        "roster",
        "roster_notice",
        "notice_same_tenant",
        "tenant_id",
        _links("round_id=roster_selectionround"),
    ),
    TenantLink(
        "roster",
        "roster_nomination",
        "nomination_same_tenant",
        "tenant_id",
        _links(
            "round_id=roster_selectionround",
            "unit_id=roster_unit",
            "district_id=roster_district",
            "notice_id=roster_notice",
            "officer_id=roster_officer",
        ),
    ),
    TenantLink(
        "roster",
        "roster_objection",
        "objection_same_tenant",
        "tenant_id",
        _links("notice_id=roster_notice", "nomination_id=roster_nomination"),
    ),
    TenantLink(
        "roster",
        "roster_officergroup",
        "officergroup_same_tenant",
        "tenant_id",
        _links(
            "district_id=roster_district", "leader_id=roster_officer", "deputy_id=roster_officer"
        ),
    ),
    TenantLink(
        "roster",
        "roster_officergroup_members",
        "officergroup_member_same_tenant",
        ("officergroup_id", "roster_officergroup"),
        _links("officer_id=roster_officer"),
    ),
    TenantLink(
        "roster",
        "roster_officergroup_host_units",
        "officergroup_host_unit_same_tenant",
        ("officergroup_id", "roster_officergroup"),
        _links("unit_id=roster_unit"),
    ),
    # scoring
    TenantLink(
        "scoring",
        "scoring_share",
        "share_same_tenant",
        "tenant_id",
        _links("entry_id=ledgers_entry", "officer_id=roster_officer"),
    ),
    TenantLink(
        "scoring",
        "scoring_sharetally",
        "sharetally_same_tenant",
        "tenant_id",
        _links("officer_id=roster_officer"),
    ),
    # duties (issue 13)
    TenantLink(
        "duties",
        "duties_agreement",
        "agreement_same_tenant",
        "tenant_id",
        _links(
            "officer_id=roster_officer", "host_unit_id=roster_unit", "renews_id=duties_agreement"
        ),
    ),
    TenantLink(
        "duties",
        "duties_report",
        "report_same_tenant",
        "tenant_id",
        _links("officer_id=roster_officer"),
    ),
    TenantLink(
        "duties",
        "duties_serviceday",
        "serviceday_same_tenant",
        "tenant_id",
        _links("officer_id=roster_officer", "host_unit_id=roster_unit"),
    ),
    TenantLink(
        "duties",
        "duties_attendance",
        "attendance_same_tenant",
        ("training_id", "duties_training"),
        _links("officer_id=roster_officer"),
    ),
    # matching (issue 15)
    TenantLink(
        "matching",
        "matching_match",
        "match_same_tenant",
        "tenant_id",
        _links(
            "demand_id=ledgers_entry",
            "achievement_id=ledgers_entry",
            "reference_id=ledgers_reference",
        ),
    ),
    TenantLink(
        "matching",
        "matching_matchfeedback",
        "matchfeedback_same_tenant",
        "tenant_id",
        _links(
            "demand_id=ledgers_entry",
            "achievement_id=ledgers_entry",
            "reference_id=ledgers_reference",
        ),
    ),
    TenantLink(
        "matching",
        "matching_networkmatch",
        "networkmatch_same_tenant",
        "tenant_id",
        # ``published_id`` names another member's item by design: not checked
        _links("entry_id=ledgers_entry"),
    ),
    TenantLink(
        "matching",
        "matching_networkfeedback",
        "networkfeedback_same_tenant",
        "tenant_id",
        # ``published_id`` names another member's item by design: not checked
        _links("entry_id=ledgers_entry"),
    ),
    TenantLink(
        "matching",
        "matching_matchrun",
        "matchrun_same_tenant",
        "tenant_id",
        _links("entry_id=ledgers_entry"),
    ),
)

#: Tables whose ``tenant_id`` never changes, by the app that owns them.
TENANT_FIXED: dict[str, tuple[str, ...]] = {
    "ledgers": ("ledgers_entry", "ledgers_reference"),
    "roster": (
        "roster_district",
        "roster_unit",
        "roster_officer",
        "roster_selectionround",
        "roster_notice",
        "roster_nomination",
        "roster_officergroup",
        "roster_hostassignment",  # issue 11 roster
        "roster_changerequest",  # issue 11 roster
    ),
}


def _trigger(link: TenantLink) -> str:
    return f"{link.table}_same_tenant"


# --- PostgreSQL ------------------------------------------------------------------------


def _pg_tenant(link: TenantLink) -> str:
    if isinstance(link.tenant, str):
        return f"t := NEW.{link.tenant};"
    column, parent = link.tenant
    return f"SELECT tenant_id INTO t FROM {parent} WHERE id = NEW.{column};"  # noqa: S608


def _pg_install(link: TenantLink) -> list[str]:
    checks = "\n".join(
        f"  IF NEW.{column} IS NOT NULL AND EXISTS ("  # noqa: S608 - names checked above
        f"SELECT 1 FROM {parent} WHERE id = NEW.{column} AND tenant_id <> t) THEN\n"
        f"    RAISE EXCEPTION '{link.rule} ({column})' USING ERRCODE = '23514';\n"
        "  END IF;"
        for column, parent in link.links
    )
    name = _trigger(link)
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"DECLARE t bigint;\nBEGIN\n  {_pg_tenant(link)}\n{checks}\n  RETURN NEW;\nEND $$;",
        f"DROP TRIGGER IF EXISTS {name} ON {link.table};",
        f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {link.table} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}();",
    ]


def _pg_drop(link: TenantLink) -> list[str]:
    name = _trigger(link)
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {link.table};",
        f"DROP FUNCTION IF EXISTS {name}();",
    ]


_PG_FIXED_FUNCTION = (
    "CREATE OR REPLACE FUNCTION liaison_tenant_fixed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  IF NEW.tenant_id <> OLD.tenant_id THEN\n"
    "    RAISE EXCEPTION '%_tenant_fixed', TG_TABLE_NAME USING ERRCODE = '23514';\n"
    "  END IF;\n"
    "  RETURN NEW;\n"
    "END $$;"
)


def _pg_fixed_install(table: str) -> list[str]:
    return [
        _PG_FIXED_FUNCTION,
        f"DROP TRIGGER IF EXISTS {table}_tenant_fixed ON {table};",
        f"CREATE TRIGGER {table}_tenant_fixed BEFORE UPDATE OF tenant_id ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION liaison_tenant_fixed();",
    ]


def _pg_fixed_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_tenant_fixed ON {table};"]


# --- SQLite ----------------------------------------------------------------------------


def _sqlite_tenant(link: TenantLink) -> str:
    if isinstance(link.tenant, str):
        return f"NEW.{link.tenant}"
    column, parent = link.tenant
    return f"(SELECT tenant_id FROM {parent} WHERE id = NEW.{column})"  # noqa: S608


def _sqlite_install(link: TenantLink) -> list[str]:
    tenant = _sqlite_tenant(link)
    statements = []
    for event in ("INSERT", "UPDATE"):
        name = f"{_trigger(link)}_{event.lower()}"
        for column, parent in link.links:
            statements += [
                f"DROP TRIGGER IF EXISTS {name}_{column};",
                f"CREATE TRIGGER {name}_{column} BEFORE {event} ON {link.table} FOR EACH ROW "  # noqa: S608
                f"WHEN EXISTS (SELECT 1 FROM {parent} WHERE id = NEW.{column} "
                f"AND tenant_id <> {tenant}) "
                f"BEGIN SELECT RAISE(ABORT, '{link.rule} ({column})'); END;",
            ]
    return statements


def _sqlite_drop(link: TenantLink) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {_trigger(link)}_{event}_{column};"
        for event in ("insert", "update")
        for column, _parent in link.links
    ]


def _sqlite_fixed_install(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_tenant_fixed;",
        f"CREATE TRIGGER {table}_tenant_fixed BEFORE UPDATE OF tenant_id ON {table} "
        "FOR EACH ROW WHEN NEW.tenant_id <> OLD.tenant_id "
        f"BEGIN SELECT RAISE(ABORT, '{table}_tenant_fixed'); END;",
    ]


def _sqlite_fixed_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_tenant_fixed;"]


# --- installing ------------------------------------------------------------------------

_SQL = {
    "postgresql": (_pg_install, _pg_drop, _pg_fixed_install, _pg_fixed_drop),
    "sqlite": (_sqlite_install, _sqlite_drop, _sqlite_fixed_install, _sqlite_fixed_drop),
}


def statements(
    vendor: str, *, app: str | None = None, drop: bool = False, existing: set[str] | None = None
) -> list[str]:
    """The SQL that installs (or drops) the triggers of ``app`` (all apps if
    None) on ``vendor``; empty for a database without triggers here. With
    ``existing``, only for those tables (a migration runs before the tables
    of later migrations exist; issue 11: their own migration installs them)."""
    if vendor not in _SQL:
        return []
    install, uninstall, fixed_install, fixed_drop = _SQL[vendor]
    links = [link for link in TENANT_LINKS if app in (None, link.app)]
    fixed = [t for label, tables in TENANT_FIXED.items() if app in (None, label) for t in tables]
    if existing is not None:
        links = [link for link in links if link.table in existing]
        fixed = [t for t in fixed if t in existing]
    out: list[str] = []
    for link in links:
        out += (uninstall if drop else install)(link)
    for table in fixed:
        out += (fixed_drop if drop else fixed_install)(table)
    return out


def _run(connection, sql: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def install_for(app: str):
    """A ``RunPython`` forward function installing ``app``'s triggers."""

    def forward(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "sqlite":  # SQLite: after migrate, by install_all
            existing = set(connection.introspection.table_names())
            _run(connection, statements(connection.vendor, app=app, existing=existing))

    return forward


def drop_for(app: str):
    """A ``RunPython`` function dropping ``app``'s triggers (the reverse)."""

    def backward(apps, schema_editor):
        connection = schema_editor.connection
        existing = set(connection.introspection.table_names())
        _run(connection, statements(connection.vendor, app=app, drop=True, existing=existing))

    return backward


#: The migration that installs each app's triggers.
MIGRATIONS = {
    "ledgers": "0004_tenant_triggers",
    "roster": "0006_tenant_triggers",
    "scoring": "0010_tenant_triggers",
    "duties": "0002_tenant_triggers",
    "matching": "0002_tenant_triggers",
}


def _installed_apps(connection) -> list[str]:
    """The apps whose trigger migration is applied on ``connection``."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    applied = recorder.applied_migrations()
    return [app for app, name in MIGRATIONS.items() if (app, name) in applied]


def drop_all(using: str = "default", **kwargs) -> None:
    """Drop every tenant trigger on SQLite (before ``migrate`` rebuilds tables)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        _run(connection, statements("sqlite", drop=True))


def install_all(using: str = "default", **kwargs) -> None:
    """(Re)install the tenant triggers on SQLite of every app whose trigger
    migration is applied."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        for app in _installed_apps(connection):
            _run(connection, statements("sqlite", app=app))
