"""Security events: failed, locked and successful logins, refused actions
and exports, each in the right tenant's log."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.test import Client
from openpyxl import load_workbook

from accounts.models import Membership
from audit.models import AuditEvent
from audit.services import audit_login_locked
from tests.world import PASSWORD

from .conftest import recording

pytestmark = pytest.mark.django_db


def _web_login(username, password):
    return Client().post("/accounts/login/", {"username": username, "password": password})


def _token_login(username, password):
    return Client().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
    )


@pytest.mark.parametrize("login", [_web_login, _token_login], ids=["web", "token"])
def test_failed_login_is_recorded_in_each_tenant_of_the_username(world, other_world, login):
    user = world.users["manager"]
    Membership.objects.create(tenant=other_world.tenant, user=user, role="auditor")
    with recording() as rows:
        response = login("alpha-manager", "wrong-password")
    assert response.status_code in (200, 400)
    assert sorted((e.tenant_id, e.action, e.object_type, e.object_id) for e in rows) == sorted(
        [
            (world.tenant.pk, "login_failed", "login", "alpha-manager"),
            (other_world.tenant.pk, "login_failed", "login", "alpha-manager"),
        ]
    )
    event = rows[0]
    assert (event.actor_id, event.extra["username"], event.extra["method"]) == (
        None,
        "alpha-manager",
        "POST",
    )
    assert len(event.request_id) == 32


def test_failed_login_of_an_unknown_name_reaches_no_tenant(world):
    with recording() as rows:
        _token_login("nobody-here", "wrong-password")
    assert [(e.tenant_id, e.action, e.object_id) for e in rows] == [
        (None, "login_failed", "nobody-here")
    ]
    listed = world.api("admin").get(world.url("audit/?action=login_failed")).json()
    assert listed["count"] == 0


def test_successful_web_login_is_recorded(world):
    with recording(world.tenant) as rows:
        response = _web_login("alpha-auditor", PASSWORD)
    assert response.status_code == 302
    event = rows.one(action="login")
    assert (event.actor_username, event.object_type, event.object_id) == (
        "alpha-auditor",
        "user",
        str(world.users["auditor"].pk),
    )


def test_locked_login_is_recorded(world):
    events = audit_login_locked(username="alpha-officer")
    assert [(e.tenant_id, e.action, e.object_id) for e in events] == [
        (world.tenant.pk, "login_locked", "alpha-officer")
    ]


@pytest.mark.skipif(not apps.is_installed("axes"), reason="django-axes not installed here")
def test_axes_lockout_signal_is_recorded(world, rf):
    from axes.signals import user_locked_out

    request = rf.post("/accounts/login/")
    with recording(world.tenant) as rows:
        user_locked_out.send(
            "axes", request=request, username="alpha-officer", ip_address="1.2.3.4"
        )
    assert rows.keys() == [("login_locked", "login", "alpha-officer")]


def test_refused_api_request_is_recorded_once(world):
    with recording() as rows:
        response = world.api("auditor").post(
            world.url("districts/"), {"code": "d9", "name": "九区"}, format="json"
        )
    assert response.status_code == 403
    event = rows.one(action="denied")
    assert len(rows) == 1
    assert (event.tenant_id, event.actor_username, event.object_type) == (
        world.tenant.pk,
        "alpha-auditor",
        "request",
    )
    assert (event.extra["path"], event.extra["method"], event.extra["view"]) == (
        "/api/v1/tenants/alpha/districts/",
        "POST",
        "api:district-list",
    )


def test_refused_api_request_on_an_object_names_it(world):
    entry = world.entries["event"]
    with recording() as rows:
        response = world.api("auditor").post(world.url(f"events/{entry.pk}/submit/"))
    assert response.status_code == 403
    event = rows.one(action="denied")
    assert (event.object_id, event.actor_username) == (str(entry.pk), "alpha-auditor")


def test_refused_page_is_recorded(world, client):
    client.force_login(world.users["officer"])
    with recording() as rows:
        response = client.get("/t/alpha/audit/")
    assert response.status_code == 403
    event = rows.one(action="denied")
    assert (event.tenant_id, event.actor_username, event.extra["path"]) == (
        world.tenant.pk,
        "alpha-officer",
        "/t/alpha/audit/",
    )


def test_a_suspended_tenants_members_are_refused_without_a_denied_row_each_time(world, client):
    """The refusal is the platform admin's suspension, audited once; a client
    retrying against it must not flood the log (with rows of no tenant)."""
    from django.utils import timezone

    from accounts.models import Tenant

    Tenant.objects.filter(pk=world.tenant.pk).update(
        status="suspended", suspended_at=timezone.now()
    )
    client.force_login(world.users["manager"])
    api = world.api("officer")
    with recording() as rows:
        for _ in range(3):
            assert api.get(world.url("officers/")).status_code == 403
            assert api.post(world.url("events/"), {"title": "x"}, format="json").status_code == 403
            assert client.get("/t/alpha/officers/").status_code == 403
    assert rows.keys() == []
    # any other refusal is still recorded, in its tenant's log
    Tenant.objects.filter(pk=world.tenant.pk).update(status="active", suspended_at=None)
    with recording() as rows:
        answer = world.api("auditor").post(world.url("districts/"), {}, format="json")
    assert answer.status_code == 403
    assert [(e.tenant_id, e.action) for e in rows] == [(world.tenant.pk, "denied")]


def test_another_tenants_page_is_a_404_and_writes_nothing_there(world, other_world, client):
    client.force_login(world.users["admin"])
    with recording(other_world.tenant) as rows:
        assert client.get("/t/beta/audit/").status_code == 404
    assert rows == []


def test_an_export_is_recorded_with_its_query(world, client):
    client.force_login(world.users["auditor"])
    with recording(world.tenant) as rows:
        response = client.get("/t/alpha/officers/export/?district=d1")
    assert response.status_code == 200
    event = rows.one(action="export")
    assert (event.actor_username, event.extra["path"], event.extra["filename"]) == (
        "alpha-auditor",
        "/t/alpha/officers/export/?district=d1",
        "roster-alpha.xlsx",
    )
    assert event.extra["view"] == "officer-export"


def test_an_api_export_is_recorded(world):
    with recording(world.tenant) as rows:
        response = world.api("auditor").get(world.url("rankings/2025/export/"))
    assert response.status_code == 200
    event = rows.one(action="export")
    assert (event.actor_username, event.extra["path"], event.extra["view"]) == (
        "alpha-auditor",
        "/api/v1/tenants/alpha/rankings/2025/export/",
        "api:ranking-export",
    )


def test_no_export_event_for_a_refused_or_plain_page(world, client):
    client.force_login(world.users["admin"])
    with recording(world.tenant) as rows:
        client.get("/t/alpha/officers/")
    assert [e for e in rows if e.action == "export"] == []


def test_audit_page_export_reads_back_and_is_itself_recorded(world, client):
    client.force_login(world.users["admin"])
    officer = world.officers["d2"]
    world.api("admin").post(
        world.url(f"officers/{officer.pk}/disqualify/"),
        {"reason": "fraud", "effective_on": "2025-06-30"},
        format="json",
    )
    with recording(world.tenant) as rows:
        response = client.get(
            f"/t/alpha/audit/export/?object_type=officer&object_id={officer.pk}&action=update"
        )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == ["时间", "操作人", "操作", "对象类型", "对象编号", "变更", "请求编号"]
    assert len(values) == 3
    row = values[2]
    assert row[1:5] == ["alpha-admin", "修改", "联络员", str(officer.pk)]
    assert "状态: 在任 → 已取消资格" in row[5]
    assert "取消资格操作人: — → alpha-admin（#" in row[5]  # a user by name, not an id
    assert (
        row[6]
        == AuditEvent.objects.get(
            tenant=world.tenant, action="update", object_type="officer", object_id=str(officer.pk)
        ).request_id
    )
    assert rows.one(action="export").extra["view"] == "audit-export"
