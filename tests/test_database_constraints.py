"""The database as the last line of defence (issue 10): raw writes that
bypass the services — ``.objects.create``, ``.update()``, plain SQL — are
refused by CHECK and UNIQUE constraints and by the tenant triggers
(``liaison.tenant_triggers``). Runs on SQLite and on PostgreSQL (CI runs the
suite on both); the raw-SQL cases that need PostgreSQL are marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import IdempotencyKey, Membership, Tenant
from ledgers.models import Credit, Entry, EntryEvent, Reference
from ledgers.tests.conftest import make_entry
from roster.models import District, Nomination, Objection, Officer, OfficerGroup, Unit
from scoring.models import ExportJob, Share

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="raw SQL in PostgreSQL's dialect"
)


def refused(rule: str, write, *, sqlite_says: str = "") -> None:
    """``write()`` raises IntegrityError naming ``rule`` (SQLite names a
    unique constraint by its columns: ``sqlite_says``); nothing is kept."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    said = sqlite_says if sqlite_says and connection.vendor == "sqlite" else rule
    assert said in str(caught.value)


# --- CHECK: fixed choices -------------------------------------------------------------


def test_entry_status_outside_the_choices_is_refused(world):
    entry = world.entries["achievement"]
    refused("entry_status_valid", lambda: Entry.objects.filter(pk=entry.pk).update(status="hacked"))
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_raw_sql_status_hacked_is_refused(world):
    entry = world.entries["demand"]

    def write():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE ledgers_entry SET status = 'hacked' WHERE id = %s", [entry.pk])

    refused("entry_status_valid", write)


@pytest.mark.parametrize(
    ("model", "column", "rule"),
    [
        (Entry, "kind", "entry_kind_valid"),
        (Entry, "maturity", "entry_maturity_valid"),
        (Entry, "event_type", "entry_event_type_valid"),
        (Entry, "mode", "entry_mode_valid"),
        (Entry, "platform", "entry_platform_valid"),
        (Reference, "library", "reference_library_valid"),
        (Nomination, "stage", "nomination_stage_valid"),
        (Officer, "status", "officer_status_valid"),
        (Unit, "kind", "unit_kind_valid"),
        (Membership, "role", "membership_role_valid"),
        (Objection, "status", "objection_status_valid"),
        (OfficerGroup, "kind", "officergroup_kind_valid"),
        (ExportJob, "status", "exportjob_status_valid"),
        (Tenant, "preset", "tenant_preset_valid"),
    ],
)
def test_choice_columns_refuse_unknown_values(world, model, column, rule):
    if model is Tenant:
        rows = Tenant.objects.filter(pk=world.tenant.pk)
    else:
        rows = model.objects.filter(tenant=world.tenant)
    assert rows.exists()
    also = {"decided_at": timezone.now()} if model is Objection else {}  # one rule at a time
    refused(rule, lambda: rows.update(**{column: "hacked"}, **also))


def test_history_action_outside_the_choices_is_refused(world):
    entry = world.entries["achievement"]
    refused(
        "entryevent_action_valid",
        lambda: EntryEvent.objects.create(entry=entry, action="hacked"),
    )


def test_share_kind_outside_the_choices_is_refused(world):
    entry = make_entry(world, ["d1"], status="verified")
    share = Share.objects.get(entry=entry)
    refused("share_kind_valid", lambda: Share.objects.filter(pk=share.pk).update(kind="hacked"))


# --- CHECK: a state implies its stamps ------------------------------------------------


def test_verified_entry_without_verifier_is_refused(world):
    entry = make_entry(world, ["d1"], status="submitted")
    rows = Entry.objects.filter(pk=entry.pk)
    refused("entry_verified_has_verifier", lambda: rows.update(status="verified"))
    refused(
        "entry_verified_has_verifier",
        lambda: rows.update(status="verified", verified_by=world.users["admin"]),
    )
    refused(
        "entry_verified_has_verifier",
        lambda: rows.update(status="verified", verified_at=timezone.now()),
    )
    assert Entry.objects.get(pk=entry.pk).status == "submitted"


def test_verified_entry_keeps_its_verifier(world):
    entry = make_entry(world, ["d1"], status="verified")
    refused(
        "entry_verified_has_verifier",
        lambda: Entry.objects.filter(pk=entry.pk).update(verified_by=None),
    )
    with pytest.raises(ProtectedError):
        entry.verified_by.delete()  # the verifier: PROTECT, not SET_NULL


def test_created_verified_entry_needs_a_verifier(world):
    refused(
        "entry_verified_has_verifier",
        lambda: Entry.objects.create(
            tenant=world.tenant,
            kind="event",
            title="raw",
            occurred_on=dt.date(2025, 5, 6),
            status="verified",
            submitted_at=timezone.now(),
        ),
    )


def test_returned_entry_without_reason_is_refused(world):
    entry = make_entry(world, ["d1"], status="returned")
    refused(
        "entry_returned_has_reason",
        lambda: Entry.objects.filter(pk=entry.pk).update(return_reason=""),
    )


def test_submitted_entry_without_submission_time_is_refused(world):
    entry = make_entry(world, ["d1"], status="submitted")
    refused(
        "entry_submitted_has_time",
        lambda: Entry.objects.filter(pk=entry.pk).update(submitted_at=None),
    )


def test_negative_amounts_are_refused(world):
    rows = Entry.objects.filter(pk=world.entries["demand"].pk)
    refused("entry_budget_non_negative", lambda: rows.update(budget=-1))
    rows = Entry.objects.filter(pk=world.entries["conversion"].pk)
    refused("entry_contract_amount_non_negative", lambda: rows.update(contract_amount=-5))


def test_negative_budget_through_the_api_is_a_400(world):
    response = world.api("admin").post(
        world.url("demands/"),
        {
            "title": "负预算",
            "occurred_on": "2025-05-06",
            "officers": [world.officers["d1"].pk],
            "budget": "-3.00",
        },
    )
    assert response.status_code == 400
    assert not Entry.objects.filter(title="负预算").exists()


def test_disqualified_officer_needs_a_date(world):
    rows = Officer.objects.filter(pk=world.officers["d2"].pk)
    refused("officer_disqualified_has_date", lambda: rows.update(status="disqualified"))


def test_decided_objection_needs_a_time(world):
    rows = Objection.objects.filter(pk=world.objection.pk)
    refused("objection_decided_has_time", lambda: rows.update(status="upheld"))


def test_group_dates_ordered(world):
    rows = OfficerGroup.objects.filter(pk=world.group.pk)
    refused("officergroup_dates_ordered", lambda: rows.update(until=dt.date(2000, 1, 1)))


# --- UNIQUE ----------------------------------------------------------------------------


def test_duplicate_district_code_is_refused(world):
    refused(
        "district_unique_code",
        lambda: District.objects.create(tenant=world.tenant, code="d1", name="另一个一区"),
        sqlite_says="UNIQUE constraint failed: roster_district.tenant_id, roster_district.code",
    )


def test_same_district_code_in_another_tenant_is_fine(world, other_world):
    assert District.objects.filter(code="d1").count() == 2


def test_second_live_share_of_an_officer_is_refused(world):
    entry = make_entry(world, ["d1"], status="verified")
    share = Share.objects.get(entry=entry)
    share.pk = None
    refused(
        "share_one_live_per_officer",
        share.save,
        sqlite_says="UNIQUE constraint failed: scoring_share.tenant_id",
    )
    share.superseded_at = timezone.now()
    share.save()  # a superseded copy is history, not a duplicate
    assert Share.objects.filter(entry=entry).count() == 2


def test_duplicate_idempotency_key_is_refused(world):
    user = world.users["admin"]
    IdempotencyKey.objects.create(
        user=user, key="k1", method="POST", path="/x/", created_at=timezone.now()
    )
    refused(
        "idempotencykey_unique_key",
        lambda: IdempotencyKey.objects.create(
            user=user, key="k1", method="POST", path="/x/", created_at=timezone.now()
        ),
        sqlite_says="UNIQUE constraint failed: accounts_idempotencykey.user_id",
    )


# --- tenant triggers -------------------------------------------------------------------


def test_cross_tenant_credit_is_refused(world, other_world):
    entry = world.entries["achievement"]
    stranger = other_world.officers["d1"]
    refused("credit_same_tenant", lambda: Credit.objects.create(entry=entry, officer=stranger))
    credit = Credit.objects.get(entry=entry)
    refused(
        "credit_same_tenant",
        lambda: Credit.objects.filter(pk=credit.pk).update(officer=stranger),
    )
    refused(
        "credit_same_tenant",
        lambda: Credit.objects.filter(pk=credit.pk).update(entry=other_world.entries["event"]),
    )
    assert list(entry.credits.values_list("officer", flat=True)) == [world.officers["d1"].pk]


def test_same_tenant_credit_is_fine(world):
    entry = world.entries["achievement"]
    Credit.objects.create(entry=entry, officer=world.officers["d2"])
    assert entry.credits.count() == 2


def test_cross_tenant_references_are_refused(world, other_world):
    theirs = other_world
    cases = [
        (
            "entry_same_tenant (enterprise_id)",
            lambda: Entry.objects.filter(pk=world.entries["demand"].pk).update(
                enterprise=theirs.reference
            ),
        ),
        (
            "entry_same_tenant (achievement_id)",
            lambda: Entry.objects.filter(pk=world.entries["conversion"].pk).update(
                achievement=theirs.entries["achievement"]
            ),
        ),
        (
            "officer_same_tenant (district_id)",
            lambda: Officer.objects.filter(pk=world.officers["d1"].pk).update(
                district=theirs.districts["d1"]
            ),
        ),
        (
            "officer_same_tenant (unit_id)",
            lambda: Officer.objects.filter(pk=world.officers["d1"].pk).update(
                unit=theirs.units["u1"]
            ),
        ),
        (
            "unit_same_tenant (district_id)",
            lambda: Unit.objects.create(
                tenant=world.tenant, name="外租户单位", kind="park", district=theirs.districts["d1"]
            ),
        ),
        (
            "nomination_same_tenant (unit_id)",
            lambda: Nomination.objects.filter(pk=world.nomination.pk).update(
                unit=theirs.units["u1"]
            ),
        ),
        (
            "nomination_same_tenant (round_id)",
            lambda: Nomination.objects.filter(pk=world.nomination.pk).update(round=theirs.round),
        ),
        (
            "objection_same_tenant (nomination_id)",
            lambda: Objection.objects.filter(pk=world.objection.pk).update(
                nomination=theirs.nomination
            ),
        ),
        (
            "reference_same_tenant (district_id)",
            lambda: Reference.objects.filter(pk=world.reference.pk).update(
                district=theirs.districts["d1"]
            ),
        ),
        (
            "officergroup_same_tenant (deputy_id)",
            lambda: OfficerGroup.objects.filter(pk=world.group.pk).update(
                deputy=theirs.officers["city"]
            ),
        ),
        (
            "entry_matched_same_tenant (to_entry_id)",
            lambda: world.entries["event"].matched.add(theirs.entries["achievement"]),
        ),
        (
            "officer_host_unit_same_tenant (unit_id)",
            lambda: world.officers["city"].host_units.add(theirs.units["u1"]),
        ),
        (
            "officergroup_member_same_tenant (officer_id)",
            lambda: world.group.members.add(theirs.officers["d1"]),
        ),
    ]
    for rule, write in cases:
        refused(rule, write)


def test_cross_tenant_share_is_refused(world, other_world):
    entry = make_entry(world, ["d1"], status="verified")
    share = Share.objects.get(entry=entry)
    refused(
        "share_same_tenant (officer_id)",
        lambda: Share.objects.filter(pk=share.pk).update(officer=other_world.officers["d1"]),
    )


def test_rows_never_change_tenant(world, other_world):
    refused(
        "roster_district_tenant_fixed",
        lambda: District.objects.filter(pk=world.districts["d2"].pk).update(
            tenant=other_world.tenant, code="d9", name="九区"
        ),
    )
    refused(
        "ledgers_entry_tenant_fixed",
        lambda: Entry.objects.filter(pk=world.entries["video"].pk).update(
            tenant=other_world.tenant
        ),
    )


@on_postgres
@pytest.mark.postgres
def test_raw_sql_cross_tenant_credit_is_a_check_violation(world, other_world):
    def write():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledgers_credit (tenant_id, entry_id, officer_id) VALUES (%s, %s, %s)",
                [world.tenant.pk, world.entries["case"].pk, other_world.officers["d2"].pk],
            )

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    cause = caught.value.__cause__  # psycopg 3 says sqlstate, psycopg2 pgcode
    assert (getattr(cause, "sqlstate", None) or cause.pgcode) == "23514"  # check_violation
    assert "credit_same_tenant (officer_id)" in str(caught.value)


@on_postgres
@pytest.mark.postgres
def test_postgres_holds_every_trigger(db):
    from liaison.tenant_triggers import TENANT_FIXED, TENANT_LINKS

    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    expected = {f"{link.table}_same_tenant" for link in TENANT_LINKS} | {
        f"{table}_tenant_fixed" for tables in TENANT_FIXED.values() for table in tables
    }
    assert expected <= names
