"""The database writes the audit rows: every tenant-owned table, including
``QuerySet.update()``, ``bulk_create()`` and raw SQL, on SQLite and on
PostgreSQL; and it refuses to change or delete them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import Membership, User
from audit.models import AuditEvent
from audit.triggers import EXCLUDED, classify
from ledgers.models import Credit, Entry
from roster.models import District

from .conftest import recording

pytestmark = pytest.mark.django_db


def test_every_model_is_audited_or_excluded_with_a_reason():
    audited, unclassified = classify()
    assert unclassified == [], "models neither audited nor listed in audit.triggers.EXCLUDED"
    labels = {spec.label for spec in audited}
    assert {
        "accounts.membership",
        "accounts.policy",
        "accounts.user",
        "accounts.tenant",
        "roster.officer",
        "roster.nomination",
        "roster.districtuserobjectpermission",
        "ledgers.entry",
        "ledgers.credit",
        "ledgers.evidence",
        "ledgers.entryevent",
    } <= labels
    assert labels.isdisjoint(EXCLUDED)
    assert all(reason for reason in EXCLUDED.values())


def test_queryset_update_is_recorded_per_row(world):
    entries = Entry.objects.filter(tenant=world.tenant, kind__in=["event", "video"]).order_by("pk")
    ids = [str(pk) for pk in entries.values_list("pk", flat=True)]
    with recording() as rows:
        assert entries.update(title="批量改名") == 2
    assert sorted(rows.keys()) == sorted(("update", "entry", pk) for pk in ids)
    event = rows.one(object_id=ids[0])
    assert event.changes == {"title": [f"{world.tenant.slug} event", "批量改名"]}
    assert (event.tenant_id, event.actor_id, event.actor_username, event.request_id) == (
        world.tenant.pk,
        None,
        "",
        "",
    )


def test_an_update_that_changes_nothing_writes_nothing(world):
    with recording() as rows:
        District.objects.filter(pk=world.districts["d1"].pk).update(name="一区")
    assert rows == []


def test_bulk_create_and_delete_are_recorded_with_the_parents_tenant(world):
    entry = world.entries["case"]
    officer = world.officers["d2"]
    with recording() as rows:
        Credit.objects.bulk_create([Credit(entry=entry, officer=officer)])
        credit = Credit.objects.get(entry=entry, officer=officer)
        Credit.objects.filter(pk=credit.pk).delete()
    created = rows.one(action="create", object_type="credit")
    deleted = rows.one(action="delete", object_type="credit")
    assert created.tenant_id == deleted.tenant_id == world.tenant.pk
    assert created.object_id == deleted.object_id == str(credit.pk)
    assert created.changes == {
        "id": [None, credit.pk],
        "tenant_id": [None, world.tenant.pk],  # the entry's, filled in (docs/SCALING.md)
        "entry_id": [None, entry.pk],
        "officer_id": [None, officer.pk],
        "confirmed": [None, True],
        "confirmed_at": [None, None],
    }
    assert deleted.changes == {
        "id": [credit.pk, None],
        "tenant_id": [world.tenant.pk, None],
        "entry_id": [entry.pk, None],
        "officer_id": [officer.pk, None],
        "confirmed": [True, None],
        "confirmed_at": [None, None],
    }


def test_raw_sql_is_recorded(world):
    officer = world.officers["city"]
    with recording() as rows, connection.cursor() as cursor:
        cursor.execute(
            "UPDATE roster_officer SET mobile = %s WHERE id = %s", ["13800000000", officer.pk]
        )
    event = rows.one(action="update", object_type="officer")
    assert (event.object_id, event.tenant_id) == (str(officer.pk), world.tenant.pk)
    assert event.changes == {"mobile": [officer.mobile, "13800000000"]}


def test_booleans_and_json_stay_json(world):
    membership = Membership.objects.get(user=world.users["auditor"])
    with recording() as rows:
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    assert rows.one(object_type="membership").changes == {"is_active": [True, False]}


def test_role_change_is_a_membership_update(world):
    membership = Membership.objects.get(user=world.users["auditor"])
    with recording() as rows:
        Membership.objects.filter(pk=membership.pk).update(role="admin")
    event = rows.one(object_type="membership")
    assert (event.action, event.object_id, event.changes) == (
        "update",
        str(membership.pk),
        {"role": ["auditor", "admin"]},
    )


def test_password_change_never_shows_the_hash_and_reaches_the_users_tenants(world, other_world):
    user = world.users["auditor"]
    Membership.objects.create(tenant=other_world.tenant, user=user, role="auditor")
    with recording() as rows:
        user.set_password("Another-pass-2!")
        user.save(update_fields=["password"])
    assert sorted(e.tenant_id for e in rows) == sorted([world.tenant.pk, other_world.tenant.pk])
    assert {(e.action, e.object_type, e.object_id) for e in rows} == {
        ("update", "user", str(user.pk))
    }
    assert all(e.changes == {"password": ["***", "***"]} for e in rows)


def test_a_login_time_alone_writes_no_row(world):
    user = world.users["auditor"]
    with recording() as rows:
        User.objects.filter(pk=user.pk).update(last_login=dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
    assert rows == []


def test_deactivating_a_user_is_recorded(world):
    user = world.users["manager"]
    with recording() as rows:
        User.objects.filter(pk=user.pk).update(is_active=False)
    event = rows.one(object_type="user")
    assert (event.tenant_id, event.changes) == (world.tenant.pk, {"is_active": [True, False]})


def test_guardian_district_grants_are_recorded(world):
    from roster.models import DistrictUserObjectPermission

    grant = DistrictUserObjectPermission.objects.filter(user=world.users["manager"]).first()
    with recording() as rows:
        DistrictUserObjectPermission.objects.filter(pk=grant.pk).delete()
    event = rows.one(object_type="districtuserobjectpermission")
    assert (event.action, event.tenant_id, event.object_id) == (
        "delete",
        world.tenant.pk,
        str(grant.pk),
    )
    assert event.changes["content_object_id"] == [world.districts["d1"].pk, None]


def test_excluded_tables_write_nothing(world):
    from scoring.models import ShareTally

    with recording() as rows:
        ShareTally.objects.filter(tenant=world.tenant).update(points="0")
    assert [e for e in rows if e.object_type == "sharetally"] == []


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'create' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_delete_the_log(world, sql):
    event = AuditEvent.objects.filter(tenant=world.tenant).first()
    before = AuditEvent.objects.count()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk] if "%s" in sql else None)
    assert AuditEvent.objects.count() == before


def test_the_orm_cannot_change_or_delete_the_log_either(world):
    event = AuditEvent.objects.filter(tenant=world.tenant).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_id="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        event.delete()
    event.refresh_from_db()
    assert event.object_id != "x"


@pytest.mark.django_db(transaction=True)
def test_flush_of_transactional_tests_may_empty_the_log(world):
    """pytest-django flushes after this test (SQLite: a DELETE the log's
    trigger allows only inside the ``flush`` command)."""
    assert AuditEvent.objects.filter(tenant=world.tenant).exists()
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("ledgers_entryevent", "UPDATE ledgers_entryevent SET reason = 'rewritten' WHERE id = %s"),
        ("ledgers_entryevent", "DELETE FROM ledgers_entryevent WHERE id = %s"),
        (
            "roster_nominationtransition",
            "UPDATE roster_nominationtransition SET comment = 'rewritten' WHERE id = %s",
        ),
        ("roster_nominationtransition", "DELETE FROM roster_nominationtransition WHERE id = %s"),
    ],
)
def test_the_histories_are_append_only_too(world, table, sql):
    from ledgers.models import EntryEvent
    from roster.models import NominationTransition

    model = {"ledgers_entryevent": EntryEvent, "roster_nominationtransition": NominationTransition}[
        table
    ]
    row = model.objects.order_by("id").first()
    before = model.objects.filter(pk=row.pk).values().get()
    with (
        pytest.raises(IntegrityError, match=f"{table} is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])
    assert model.objects.filter(pk=row.pk).values().get() == before


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_exportrecord SET sha256 = 'rewritten' WHERE id = %s",
        "UPDATE audit_exportrecord SET rows = rows + 1 WHERE id = %s",
        "DELETE FROM audit_exportrecord WHERE id = %s",
    ],
)
def test_the_record_of_exports_is_append_only(world, sql):
    """issue 14: an auditor checks a file against its export record, so the
    database refuses to rewrite or remove one (the ORM goes the same way)."""
    from audit.exports import export_record_create
    from audit.models import ExportRecord

    record = export_record_create(
        tenant=world.tenant,
        user=None,
        at=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC),
        kind="entries",
        rows=3,
        sha256="a" * 64,
        provenance={"export_id": "e" * 32},
    )
    before = ExportRecord.objects.filter(pk=record.pk).values().get()
    with (
        pytest.raises(IntegrityError, match="audit_exportrecord is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [record.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportRecord.objects.filter(pk=record.pk).update(kind="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        record.delete()
    assert ExportRecord.objects.filter(pk=record.pk).values().get() == before
