"""Issue 11, roster as the documents run it: host assignments, rotation due
counted from the current host's start, headcount, change requests."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import Membership, Policy
from roster.hosts import host_assign
from roster.models import ChangeRequest, HostAssignment, Officer
from roster.services import officer_create

pytestmark = pytest.mark.django_db

D = dt.date


def _hosts(world, officer, who="admin"):
    return world.api(who).get(world.url(f"officers/{officer.id}/hosts/"))


def _move(world, officer, unit, start, who="admin"):
    return world.api(who).post(
        world.url(f"officers/{officer.id}/hosts/"),
        {"unit": unit.id, "start": start},
        format="json",
    )


# --- hosts -----------------------------------------------------------------------------


def test_post_host_closes_the_current_assignment_the_day_before(world):
    officer, u1, u2 = world.officers["city"], world.units["u1"], world.units["u2"]
    first = _move(world, officer, u1, "2025-01-01")
    assert first.status_code == 201, first.content
    assert first.json() == {
        "id": first.json()["id"],
        "unit": u1.id,
        "unit_name": u1.name,
        "start": "2025-01-01",
        "end": None,
    }
    second = _move(world, officer, u2, "2025-09-01")
    assert second.status_code == 201, second.content
    rows = _hosts(world, officer).json()
    assert [(r["unit"], r["unit_name"], r["start"], r["end"]) for r in rows] == [
        (u2.id, u2.name, "2025-09-01", None),
        (u1.id, u1.name, "2025-01-01", "2025-08-31"),
    ]
    assert list(Officer.objects.get(pk=officer.pk).host_units.all()) == [u2]


@pytest.mark.parametrize(
    ("start", "field"),
    [
        ("2024-12-31", "start"),  # before the term
        ("2027-01-01", "start"),  # after the term
        ("2025-03-01", "start"),  # not after the current assignment's start
    ],
)
def test_post_host_refuses_a_start_outside_the_term_or_before_the_current(world, start, field):
    officer = world.officers["city"]
    host_assign(
        tenant=world.tenant, officer=officer, unit=world.units["u1"], start=D(2025, 3, 1), by=None
    )
    response = _move(world, officer, world.units["u2"], start)
    assert response.status_code == 400 and field in response.json()
    assert HostAssignment.objects.filter(officer=officer).count() == 1


def test_post_host_other_tenant_unit_is_400_and_other_tenant_officer_404(world, other_world):
    officer = world.officers["city"]
    response = _move(world, officer, other_world.units["u1"], "2025-02-01")
    assert response.status_code == 400 and "unit" in response.json()
    theirs = other_world.officers["city"]
    assert _move(world, theirs, world.units["u1"], "2025-02-01").status_code == 404
    assert not HostAssignment.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("auditor", 403), ("manager", 403), ("reviewer", 403), ("officer", 403)]
)
def test_only_admins_post_hosts(world, who, status):
    officer = world.officers["mine"]
    assert _move(world, officer, world.units["u1"], "2025-02-01", who=who).status_code == status
    assert not HostAssignment.objects.exists()
    # reading is open to whoever sees the officer
    assert _hosts(world, officer, who).status_code == 200


def test_manager_reads_hosts_of_their_district_only(world):
    assert _hosts(world, world.officers["d1"], "manager").status_code == 200
    assert _hosts(world, world.officers["d2"], "manager").status_code == 404


# --- rotation due ----------------------------------------------------------------------


def _due(world, on, who="admin"):
    response = world.api(who).get(world.url(f"officers/rotation-due/?on={on}"))
    assert response.status_code == 200, response.content
    return response.json()


def test_rotation_due_counts_from_the_current_host_not_the_term(world):
    """The issue's case: a city officer on a fresh 2-year term who moved host
    2 years before DATE is due, although the term restarted since."""
    tenant, u1, u2 = world.tenant, world.units["u1"], world.units["u2"]
    old_term = officer_create(
        tenant=tenant,
        full_name="钱七",
        category="city",
        district=None,
        term_start=D(2023, 1, 1),
        term_end=D(2024, 12, 31),
    )
    host_assign(tenant=tenant, officer=old_term, unit=u1, start=D(2023, 1, 1), by=None)
    host_assign(tenant=tenant, officer=old_term, unit=u2, start=D(2023, 3, 1), by=None)
    old_term.status = "ended"
    old_term.save()
    renewed = officer_create(
        tenant=tenant,
        full_name="钱七",
        category="city",
        district=None,
        term_start=D(2025, 1, 1),
        term_end=D(2026, 12, 31),
    )
    # the host continues into the new term: the assignment started in 2023
    HostAssignment.objects.create(tenant=tenant, officer=renewed, unit=u2, start=D(2023, 3, 1))
    fresh = world.officers["city"]
    host_assign(tenant=tenant, officer=fresh, unit=u1, start=D(2025, 1, 1), by=None)

    assert _due(world, "2025-02-28") == []
    assert _due(world, "2025-03-01") == [
        {"officer": renewed.id, "full_name": "钱七", "unit": u2.id, "since": "2023-03-01"}
    ]
    assert _due(world, "2027-01-01") == []  # no term runs that day
    # the fresh officer's 2 years at its host end with the term: never due in it
    assert [r["officer"] for r in _due(world, "2026-12-31")] == [renewed.id]


def test_rotation_due_after_a_move_starts_again(world):
    officer, u1, u2 = world.officers["d1"], world.units["u1"], world.units["u2"]
    host_assign(tenant=world.tenant, officer=officer, unit=u1, start=D(2025, 1, 1), by=None)
    assert [r["officer"] for r in _due(world, "2026-12-31")] == []
    Officer.objects.filter(pk=officer.pk).update(term_start=D(2023, 1, 1))
    HostAssignment.objects.filter(officer=officer).update(start=D(2023, 6, 1))
    assert _due(world, "2025-06-01") == [
        {"officer": officer.id, "full_name": "李四", "unit": u1.id, "since": "2023-06-01"}
    ]
    assert _due(world, "2025-05-31") == []  # 2 years are reached on 2025-06-01
    host_assign(tenant=world.tenant, officer=officer, unit=u2, start=D(2025, 7, 1), by=None)
    assert _due(world, "2025-07-01") == []
    # the day before the move, the old host was still the current one
    assert [r["since"] for r in _due(world, "2025-06-30")] == ["2023-06-01"]


def test_rotation_due_is_empty_without_rotation_years_and_scoped_for_managers(world):
    tenant = world.tenant
    for key in ("d1", "d2"):
        officer = world.officers[key]
        HostAssignment.objects.create(
            tenant=tenant, officer=officer, unit=world.units["u1"], start=D(2022, 1, 1)
        )
    assert [r["officer"] for r in _due(world, "2025-06-01", "manager")] == [world.officers["d1"].id]
    assert len(_due(world, "2025-06-01", "auditor")) == 2
    for who in ("reviewer", "officer"):
        assert (
            world.api(who).get(world.url("officers/rotation-due/?on=2025-06-01")).status_code == 403
        )
    assert world.api("admin").get(world.url("officers/rotation-due/?on=1.6")).status_code == 400
    policy = Policy.objects.get(tenant=tenant)
    policy.rules["rotation_years"] = None
    policy.save()
    assert _due(world, "2025-06-01") == []


def test_rotation_flag_on_the_roster_page(world, client):
    officer = world.officers["d1"]
    HostAssignment.objects.create(
        tenant=world.tenant, officer=officer, unit=world.units["u1"], start=D(2022, 1, 1)
    )
    client.force_login(world.users["admin"])
    with time_machine.travel(dt.datetime(2025, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        page = client.get(f"/t/{world.tenant.slug}/officers/?flag=rotation")
    assert page.status_code == 200
    assert [o.pk for o in page.context["officers"]] == [officer.pk]


def test_replacement_is_filed_with_the_centre_and_takes_over_the_host(world):
    officer = world.officers["d1"]
    host_assign(
        tenant=world.tenant, officer=officer, unit=world.units["u1"], start=D(2025, 1, 1), by=None
    )
    with time_machine.travel(dt.datetime(2025, 7, 1, 2, tzinfo=dt.UTC), tick=False):
        response = world.api("manager").post(
            world.url(f"officers/{officer.id}/replace/"),
            {"effective_on": "2025-07-01", "full_name": "接任者"},
            format="json",
        )
    assert response.status_code == 201, response.content
    successor = Officer.objects.get(pk=response.json()["id"])
    assert (successor.filed_by, successor.filed_at.isoformat()) == (
        world.users["manager"],
        "2025-07-01T02:00:00+00:00",
    )
    assert list(
        HostAssignment.objects.order_by("id").values_list("officer_id", "start", "end")
    ) == [(officer.id, D(2025, 1, 1), D(2025, 6, 30)), (successor.id, D(2025, 7, 1), None)]


__all__ = ["ChangeRequest", "Membership"]


# --- headcount -------------------------------------------------------------------------


def test_headcount_against_the_policy_minimum(world):
    url = world.url("officers/headcount/?on=2025-06-01")
    assert world.api("admin").get(url).json() == [
        {"district": "d1", "active": 2, "minimum": None, "short": False},
        {"district": "d2", "active": 1, "minimum": None, "short": False},
    ]
    policy = Policy.objects.get(tenant=world.tenant)
    policy.rules["headcount"] = {"min_per_district": 2}
    policy.save()
    assert world.api("admin").get(url).json() == [
        {"district": "d1", "active": 2, "minimum": 2, "short": False},
        {"district": "d2", "active": 1, "minimum": 2, "short": True},
    ]
    assert world.api("manager").get(url).json() == [
        {"district": "d1", "active": 2, "minimum": 2, "short": False}
    ]
    # after the terms end nobody is active
    assert [r["active"] for r in world.api("admin").get(url.replace("2025", "2027")).json()] == [
        0,
        0,
    ]
    for who in ("reviewer", "officer"):
        assert world.api(who).get(url).status_code == 403
    # the roster page shows where it is short
    from django.test import Client

    client = Client()
    client.force_login(world.users["admin"])
    page = client.get(f"/t/{world.tenant.slug}/officers/")
    assert [(r["district"], r["short"]) for r in page.context["headcount"]] == [
        ("d1", False),
        ("d2", True),
    ]


def test_suzhou_preset_minimum_is_four():
    from accounts.presets import preset_rules

    assert preset_rules("suzhou")["headcount"] == {"min_per_district": 4}
    assert preset_rules("yangquan")["hosts_required"] is True
    assert preset_rules("wuhan")["rotation_years"] == 2


# --- change requests -------------------------------------------------------------------


def _file(world, who, officer, **body):
    payload = {"officer": officer.id, "kind": "host_change", "reason": "派驻单位调整", **body}
    return world.api(who).post(world.url("change-requests/"), payload, format="json")


def test_host_change_request_flow(world):
    officer, u2 = world.officers["mine"], world.units["u2"]
    filed = _file(world, "officer", officer, unit=u2.id, proposed_on="2025-09-01")
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert (body["status"], body["filed_by"], body["filed_as"], body["unit_name"]) == (
        "pending",
        "alpha-officer",
        "officer",
        u2.name,
    )
    rid = body["id"]
    # the officer may not decide
    assert (
        world.api("officer").post(world.url(f"change-requests/{rid}/approve/")).status_code == 403
    )
    approved = world.api("admin").post(
        world.url(f"change-requests/{rid}/approve/"), {"comment": "同意"}, format="json"
    )
    assert approved.status_code == 200, approved.content
    assert (
        approved.json()["status"],
        approved.json()["comment"],
        approved.json()["decided_by"],
    ) == (
        "approved",
        "同意",
        "alpha-admin",
    )
    assert list(
        HostAssignment.objects.filter(officer=officer).values_list("unit_id", "start", "end")
    ) == [(u2.id, D(2025, 9, 1), None)]
    again = world.api("admin").post(world.url(f"change-requests/{rid}/reject/"), {"comment": "x"})
    assert again.status_code == 409


def test_reject_needs_a_comment_and_host_change_needs_unit_and_date(world):
    officer = world.officers["d1"]
    missing = _file(world, "manager", officer)
    assert missing.status_code == 400 and set(missing.json()) >= {"unit", "proposed_on"}
    filed = _file(world, "manager", officer, kind="withdrawal")
    assert filed.status_code == 201
    rid = filed.json()["id"]
    assert world.api("admin").post(world.url(f"change-requests/{rid}/reject/")).status_code == 400
    rejected = world.api("admin").post(
        world.url(f"change-requests/{rid}/reject/"), {"comment": "理由不足"}, format="json"
    )
    assert rejected.json()["status"] == "rejected"
    assert ChangeRequest.objects.get(pk=rid).comment == "理由不足"


def test_change_requests_reach(world, other_world):
    mine, d2 = world.officers["mine"], world.officers["d2"]
    # a manager files for their district only; the auditor files nothing
    assert _file(world, "manager", d2, kind="other").status_code == 400
    assert _file(world, "auditor", mine, kind="other").status_code == 403
    # an officer files about themselves only
    assert _file(world, "officer", world.officers["d1"], kind="other").status_code == 400
    # another tenant's officer is unknown
    assert _file(world, "admin", other_world.officers["d1"], kind="other").status_code == 400
    theirs = _file(world, "admin", d2, kind="other").json()["id"]
    own = _file(world, "officer", mine, kind="other").json()["id"]
    # the reviewer of the host unit files about an officer their unit hosts
    host_assign(
        tenant=world.tenant, officer=d2, unit=world.units["u1"], start=D(2025, 2, 1), by=None
    )
    assert _file(world, "reviewer", d2, kind="other").status_code == 201

    def ids(who):
        return [
            r["id"] for r in world.api(who).get(world.url("change-requests/")).json()["results"]
        ]

    assert theirs not in ids("manager") and own in ids("manager")
    assert ids("officer") == [own]
    assert world.api("manager").get(world.url(f"change-requests/{theirs}/")).status_code == 404
    assert (
        world.api("manager").post(world.url(f"change-requests/{theirs}/approve/")).status_code
        == 404
    )
    assert (
        other_world.api("admin").get(other_world.url(f"change-requests/{own}/")).status_code == 404
    )
    assert (
        world.api("manager").post(world.url(f"change-requests/{own}/approve/")).status_code == 403
    )


def test_migration_turns_host_units_into_assignments_and_adds_the_policy_keys(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("roster.migrations.0009_host_assignments_data")
    officer = world.officers["d2"]
    officer.host_units.set([world.units["u2"]])
    policy = Policy.objects.get(tenant=world.tenant)
    del policy.rules["headcount"], policy.rules["hosts_required"]
    policy.save()
    migration.hosts_forward(apps, None)
    migration.hosts_forward(apps, None)  # idempotent
    migration.headcount_forward(apps, None)
    assert list(HostAssignment.objects.values_list("officer_id", "unit_id", "start", "end")) == [
        (officer.id, world.units["u2"].id, D(2025, 1, 1), None)
    ]
    policy.refresh_from_db()
    assert (policy.rules["headcount"], policy.rules["hosts_required"]) == (
        {"min_per_district": None},
        False,
    )


def test_the_database_refuses_cross_tenant_hosts_and_requests(world, other_world):
    from django.db import IntegrityError, transaction

    theirs = other_world.units["u1"]
    with pytest.raises(IntegrityError, match="hostassignment_same_tenant"), transaction.atomic():
        HostAssignment.objects.create(
            tenant=world.tenant, officer=world.officers["d1"], unit=theirs, start=D(2025, 1, 1)
        )
    with pytest.raises(IntegrityError, match="changerequest_same_tenant"), transaction.atomic():
        ChangeRequest.objects.filter(pk=world.change_request.pk).update(
            officer=other_world.officers["d1"]
        )
    assert not HostAssignment.objects.exists()
