"""Roster lifecycle: replacement, disqualification revoking the login, the
public quarterly list of changes, and the rotation / term-end / dormant flags."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import Membership
from ledgers import services as ledger
from roster.hosts import host_assign
from roster.models import Officer
from roster.selectors import dormant, quarter_bounds, rotation_due, terms_ending
from roster.services import officer_create

pytestmark = pytest.mark.django_db


def test_manager_replaces_an_officer_of_their_district(world):
    response = world.api("manager").post(
        world.url(f"officers/{world.officers['d1'].id}/replace/"),
        {"effective_on": "2025-07-01", "full_name": "接任者", "mobile": "13700000000"},
        format="json",
    )
    assert response.status_code == 201, response.content
    old = Officer.objects.get(pk=world.officers["d1"].pk)
    new = Officer.objects.get(pk=response.json()["id"])
    assert (old.status, str(old.term_end)) == ("ended", "2025-06-30")
    assert (
        new.category,
        new.district,
        str(new.term_start),
        str(new.term_end),
        new.replaces_id,
    ) == ("district", world.districts["d1"], "2025-07-01", "2026-12-31", old.pk)


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        ("manager", "d2", 404),
        ("officer", "mine", 403),
        ("auditor", "d1", 403),
        ("admin", "d2", 201),
    ],
)
def test_replace_roles(world, role, target, status):
    response = world.api(role).post(
        world.url(f"officers/{world.officers[target].id}/replace/"),
        {"effective_on": "2025-07-01", "full_name": "接任者"},
        format="json",
    )
    assert response.status_code == status
    assert Officer.objects.filter(full_name="接任者").count() == (status == 201)


def test_replace_outside_the_term_or_twice_is_refused(world):
    url = world.url(f"officers/{world.officers['d1'].id}/replace/")
    bad = world.api("admin").post(
        url, {"effective_on": "2030-01-01", "full_name": "甲"}, format="json"
    )
    assert bad.status_code == 400 and "effective_on" in bad.json()
    ok = world.api("admin").post(
        url, {"effective_on": "2025-07-01", "full_name": "甲"}, format="json"
    )
    assert ok.status_code == 201
    again = world.api("admin").post(
        url, {"effective_on": "2025-08-01", "full_name": "乙"}, format="json"
    )
    assert again.status_code == 409


def test_disqualification_revokes_the_officer_login(world):
    officer = world.officers["mine"]
    assert world.api("officer").get(world.url("officers/")).status_code == 200
    world.api("admin").post(
        world.url(f"officers/{officer.id}/disqualify/"),
        {"reason": "fraud", "effective_on": "2025-09-01"},
        format="json",
    )
    membership = Membership.objects.get(user=officer.user)
    assert membership.is_active is False
    assert world.api("officer").get(world.url("officers/")).status_code == 404


def test_public_roster_changes_by_quarter(world):
    world.api("admin").post(
        world.url(f"officers/{world.officers['d2'].id}/disqualify/"),
        {"reason": "fraud", "effective_on": "2025-08-15"},
        format="json",
    )
    world.api("manager").post(
        world.url(f"officers/{world.officers['d1'].id}/replace/"),
        {"effective_on": "2025-07-01", "full_name": "接任者"},
        format="json",
    )
    body = APIClient().get("/api/v1/public/alpha/roster-changes/?quarter=2025Q3").json()
    assert body["quarter"] == "2025Q3"
    assert [(c["change"], c["date"], c["full_name"], c["replaces"]) for c in body["changes"]] == [
        ("replaced", "2025-07-01", "接任者", "李四"),
        ("disqualified", "2025-08-15", "王五", ""),
    ]
    assert "mobile" not in str(body) and "13" not in str(body["changes"])
    q1 = APIClient().get("/api/v1/public/alpha/roster-changes/?quarter=2025Q1").json()
    assert {c["full_name"] for c in q1["changes"]} == {"张三", "李四", "王五", "赵六"}
    assert APIClient().get("/api/v1/public/alpha/roster-changes/?quarter=2025Q9").status_code == 400
    page = APIClient().get("/public/alpha/roster-changes/?quarter=2025Q3").content.decode()
    assert "接任者" in page and "王五" in page


def test_quarter_bounds():
    assert quarter_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        quarter_bounds("2026Q0")


def test_rotation_term_end_and_dormant_flags(world):
    tenant = world.tenant
    veteran = officer_create(
        tenant=tenant,
        full_name="老将",
        category="city",
        district=None,
        term_start=dt.date(2023, 1, 1),
        term_end=dt.date(2026, 12, 31),
    )
    # issue 11: rotation is counted from the current host assignment's start
    host_assign(
        tenant=tenant, officer=veteran, unit=world.units["u1"], start=dt.date(2023, 1, 1), by=None
    )
    officers = Officer.objects.for_tenant(tenant)
    assert list(rotation_due(officers=officers, rotation_years=2, on=dt.date(2025, 6, 1))) == [
        veteran
    ]
    assert set(terms_ending(officers=officers, on=dt.date(2026, 12, 10))) == set(
        officers.filter(status="active")
    )
    assert list(terms_ending(officers=officers, on=dt.date(2026, 11, 1))) == []
    admin = world.users["admin"].memberships.get()
    with time_machine.travel(dt.datetime(2025, 5, 1, 2, tzinfo=dt.UTC), tick=False):
        entry = ledger.entry_create(
            tenant=tenant,
            membership=admin,
            kind="event",
            data={"title": "走访", "occurred_on": "2025-04-30"},
            officers=[world.officers["d1"]],
        )
        ledger.entry_submit(tenant=tenant, membership=admin, entry=entry)
    asleep = set(dormant(officers=officers, on=dt.date(2025, 6, 1), days=90))
    assert world.officers["d1"] not in asleep
    assert {world.officers["mine"], world.officers["d2"], world.officers["city"]} <= asleep
    assert veteran in asleep
    later = set(dormant(officers=officers, on=dt.date(2025, 9, 1), days=90))
    assert world.officers["d1"] in later


def test_a_report_handed_in_is_activity_for_the_dormant_check(world):
    """Issue 13: a plan or report handed in counts like an entry (the duties
    register it through ``roster.selectors.ACTIVITY_SOURCES``)."""
    from duties import services as duties

    admin = world.users["admin"].memberships.get()
    with time_machine.travel(dt.datetime(2025, 5, 1, 2, tzinfo=dt.UTC), tick=False):
        report = duties.report_create(
            tenant=world.tenant,
            membership=admin,
            officer=world.officers["mine"],
            kind="monthly_plan",
            period="2025-05",
            body="五月计划",
        )
        duties.report_submit(tenant=world.tenant, membership=admin, report=report)
    # a draft is not activity
    with time_machine.travel(dt.datetime(2025, 5, 2, 2, tzinfo=dt.UTC), tick=False):
        duties.report_create(
            tenant=world.tenant,
            membership=admin,
            officer=world.officers["d2"],
            kind="monthly_plan",
            period="2025-05",
            body="草稿",
        )
    officers = Officer.objects.for_tenant(world.tenant)
    asleep = set(dormant(officers=officers, on=dt.date(2025, 6, 1), days=90))
    assert world.officers["mine"] not in asleep
    assert {world.officers["d1"], world.officers["d2"], world.officers["city"]} <= asleep
    # 90 days after the report: dormant again
    assert world.officers["mine"] in set(
        dormant(officers=officers, on=dt.date(2025, 8, 1), days=90)
    )


def test_officer_page_flags(client, world):
    with time_machine.travel(dt.datetime(2026, 12, 10, 2, tzinfo=dt.UTC), tick=False):
        client.force_login(world.users["admin"])
        ending = client.get("/t/alpha/officers/?flag=ending").content.decode()
        rotation = client.get("/t/alpha/officers/?flag=rotation").content.decode()
    assert "张三" in ending and "赵六" in ending  # every term ends 2026-12-31
    assert "赵六" not in rotation  # the city officer started 2025-01-01: not yet two years
    with time_machine.travel(dt.datetime(2027, 1, 5, 2, tzinfo=dt.UTC), tick=False):
        client.force_login(world.users["admin"])
        assert "赵六" not in client.get("/t/alpha/officers/?flag=rotation").content.decode()
