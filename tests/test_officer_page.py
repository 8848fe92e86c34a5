"""Issue 11: the officer page, per role, and its lifecycle buttons."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from accounts.models import Policy
from roster.hosts import host_assign
from roster.models import ChangeRequest, HostAssignment, Officer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 1, 2, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _client(world, who):
    client = Client()
    client.force_login(world.users[who])
    return client


def _page(world, who, officer):
    return _client(world, who).get(f"/t/{world.tenant.slug}/officers/{officer.pk}/")


def _post(world, who, officer, action, data=None):
    return _client(world, who).post(
        f"/t/{world.tenant.slug}/officers/{officer.pk}/{action}/", data or {}
    )


BUTTONS = ("/host/", "/replace/", "/suspend/", "/disqualify/", "/request/")


@pytest.mark.parametrize(
    ("who", "status", "buttons"),
    [
        ("admin", 200, {"/host/", "/replace/", "/suspend/", "/disqualify/", "/request/"}),
        ("auditor", 200, set()),
        ("manager", 200, {"/replace/", "/request/"}),
        ("reviewer", 200, {"/request/"}),
        ("officer", 200, {"/request/"}),
    ],
)
def test_the_page_per_role_shows_only_the_allowed_buttons(world, who, status, buttons):
    officer = world.officers["mine"]
    host_assign(
        tenant=world.tenant,
        officer=officer,
        unit=world.units["u1"],
        start=dt.date(2025, 1, 1),
        by=None,
    )
    response = _page(world, who, officer)
    assert response.status_code == status
    html = response.content.decode()
    shown = {b for b in BUTTONS if f"/officers/{officer.pk}{b}" in html}
    assert shown == buttons
    assert "张三" in html and world.units["u1"].name in html
    assert f"/work/?officer={officer.pk}" in html
    assert ("/statement/2025/" in html) is (who != "reviewer")


def test_out_of_reach_is_404(world, other_world):
    assert _page(world, "manager", world.officers["d2"]).status_code == 404
    assert _page(world, "officer", world.officers["d1"]).status_code == 404
    assert _page(world, "admin", other_world.officers["d1"]).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer", "officer"])
@pytest.mark.parametrize("action", ["disqualify", "suspend", "host"])
def test_admin_actions_are_403_for_others_and_write_nothing(world, who, action):
    officer = world.officers["mine"]
    data = {
        "disqualify": {"reason": "fraud", "effective_on": "2025-06-01"},
        "suspend": {},
        "host": {"unit": world.units["u2"].pk, "start": "2025-06-01"},
    }[action]
    assert _post(world, who, officer, action, data).status_code == 403
    assert Officer.objects.get(pk=officer.pk).status == "active"
    assert not HostAssignment.objects.exists()


def test_admin_lifecycle_from_the_page(world):
    officer = world.officers["d1"]
    assert _post(world, "admin", officer, "suspend").status_code == 302
    assert Officer.objects.get(pk=officer.pk).status == "suspended"
    assert _post(world, "admin", officer, "resume").status_code == 302
    assert Officer.objects.get(pk=officer.pk).status == "active"
    moved = _post(
        world, "admin", officer, "host", {"unit": world.units["u2"].pk, "start": "2025-05-01"}
    )
    assert moved.status_code == 302
    assert list(HostAssignment.objects.values_list("officer_id", "unit_id", "start")) == [
        (officer.pk, world.units["u2"].pk, dt.date(2025, 5, 1))
    ]
    out = _post(
        world, "admin", officer, "disqualify", {"reason": "fraud", "effective_on": "2025-06-01"}
    )
    assert out.status_code == 302
    officer.refresh_from_db()
    assert (officer.status, officer.disqualification_reason) == ("disqualified", "fraud")
    html = _page(world, "admin", officer).content.decode()
    assert "弄虚作假骗取联络员资格" in html
    assert 'id="actions"' not in html  # no actions on an ended appointment


def test_manager_replaces_and_the_filing_shows(world):
    officer = world.officers["d1"]
    response = _post(
        world, "manager", officer, "replace", {"effective_on": "2025-06-01", "full_name": "接任者"}
    )
    assert response.status_code == 302
    successor = Officer.objects.get(replaces=officer)
    assert response.url == f"/t/{world.tenant.slug}/officers/{successor.pk}/"
    assert successor.filed_by == world.users["manager"]
    html = _page(world, "admin", successor).content.decode()
    assert 'id="filed"' in html and "alpha-manager" in html


def test_officer_files_a_request_and_admin_approves_from_the_page(world):
    officer = world.officers["mine"]
    filed = _post(
        world,
        "officer",
        officer,
        "request",
        {
            "kind": "host_change",
            "reason": "换派驻单位",
            "unit": world.units["u2"].pk,
            "proposed_on": "2025-07-01",
        },
    )
    assert filed.status_code == 302
    request = ChangeRequest.objects.get(officer=officer)
    assert (request.filed_by, request.status) == (world.users["officer"], "pending")
    url = f"/t/{world.tenant.slug}/change-requests/{request.pk}/approve/"
    assert _client(world, "officer").post(url, {"comment": "x"}).status_code == 403
    assert _client(world, "admin").post(url, {"comment": "同意"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    assert HostAssignment.objects.get().start == dt.date(2025, 7, 1)
    listing = _client(world, "admin").get(f"/t/{world.tenant.slug}/change-requests/")
    assert [r.pk for r in listing.context["requests"]] == [request.pk, world.change_request.pk]


def test_hosts_required_flags_officers_without_a_host(world):
    policy = Policy.objects.get(tenant=world.tenant)
    policy.rules["hosts_required"] = True
    policy.save()
    host_assign(
        tenant=world.tenant,
        officer=world.officers["d1"],
        unit=world.units["u1"],
        start=dt.date(2025, 1, 1),
        by=None,
    )
    client = _client(world, "admin")
    page = client.get(f"/t/{world.tenant.slug}/officers/?flag=nohost")
    assert {o.full_name for o in page.context["officers"]} == {"张三", "王五", "赵六"}
    assert all(o.needs_host for o in page.context["officers"])
    assert 'id="flag-no-host"' in _page(world, "admin", world.officers["d2"]).content.decode()
    assert 'id="flag-no-host"' not in _page(world, "admin", world.officers["d1"]).content.decode()
