"""``audit/`` in the API: who reads it, what it lists, its filters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.services import audit_record
from roster.models import District
from tests.world import ROLES

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
READ = {"admin": 200, "auditor": 200, "manager": 403, "reviewer": 403, "officer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_and_auditors_read_the_log(world, role):
    response = world.api(role).get(world.url("audit/"))
    assert response.status_code == READ[role]
    event = AuditEvent.objects.filter(tenant=world.tenant).first()
    assert world.api(role).get(world.url(f"audit/{event.pk}/")).status_code == READ[role]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_writes_to_the_log_through_the_api(world, method):
    event = AuditEvent.objects.filter(tenant=world.tenant).first()
    client = world.api("admin")
    assert getattr(client, method)(world.url("audit/"), {}, format="json").status_code == 405
    detail = world.url(f"audit/{event.pk}/")
    assert getattr(client, method)(detail, {}, format="json").status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_another_tenants_log_is_404_and_never_listed(world, other_world):
    theirs = AuditEvent.objects.filter(tenant=other_world.tenant).first()
    client = world.api("admin")
    assert client.get(other_world.url("audit/")).status_code == 404
    assert client.get(world.url(f"audit/{theirs.pk}/")).status_code == 404
    listed = client.get(world.url("audit/?page_size=500")).json()
    ids = {row["id"] for row in listed["results"]}
    own = set(AuditEvent.objects.filter(tenant=world.tenant).values_list("pk", flat=True))
    assert listed["count"] == len(own)
    assert ids <= own
    assert not ids & set(
        AuditEvent.objects.filter(tenant=other_world.tenant).values_list("pk", flat=True)
    )


def test_a_row_has_the_contract_fields_newest_first(world):
    district = world.districts["d2"]
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 30, tzinfo=SHANGHAI), tick=False):
        response = world.api("admin").post(
            world.url("districts/"), {"code": "d9", "name": "九区"}, format="json"
        )
    assert response.status_code == 201
    created = District.objects.get(tenant=world.tenant, code="d9")
    body = world.api("auditor").get(world.url("audit/")).json()
    assert set(body) == {"count", "next", "previous", "results"}
    ats = [row["at"] for row in body["results"]]
    assert ats == sorted(ats, reverse=True)
    query = f"audit/?object_type=district&object_id={created.pk}"
    (first,) = world.api("auditor").get(world.url(query)).json()["results"]
    assert set(first) == {
        "id",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "changes",
        "request_id",
    }
    assert (first["actor"], first["action"], first["object_type"], first["object_id"]) == (
        "alpha-admin",
        "create",
        "district",
        str(created.pk),
    )
    assert first["changes"]["code"] == [None, "d9"]
    assert first["changes"]["name"] == [None, "九区"]
    assert first["at"] == "2026-03-03T09:30:00+08:00"
    assert len(first["request_id"]) == 32
    assert district.pk != created.pk


def test_filters(world):
    officer = world.officers["d2"]
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        response = world.api("admin").post(
            world.url(f"officers/{officer.pk}/disqualify/"),
            {"reason": "fraud", "effective_on": "2025-06-30"},
            format="json",
        )
    assert response.status_code == 200
    with time_machine.travel(dt.datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI), tick=False):
        audit_record(tenant_ids=[world.tenant.pk], action="export", object_type="request")
    client = world.api("auditor")

    def rows(query):
        response = client.get(world.url(f"audit/?page_size=500&{query}"))
        assert response.status_code == 200, response.content
        return [(r["action"], r["object_type"], r["object_id"]) for r in response.json()["results"]]

    key = ("update", "officer", str(officer.pk))
    created = ("create", "officer", str(officer.pk))
    # (the world was built at the wall clock's time: order aside)
    assert sorted(rows(f"object_type=officer&object_id={officer.pk}")) == [created, key]
    assert rows(f"object_type=roster.officer&object_id={officer.pk}&action=update") == [key]
    assert rows(f"actor=alpha-admin&object_id={officer.pk}") == [key]
    assert rows(f"actor=alpha-manager&object_id={officer.pk}&object_type=officer") == []
    assert rows("action=export") == [("export", "request", "")]
    assert rows("at__gte=2026-03-05&at__lte=2026-03-05") == [key]
    assert rows("at__gte=2026-03-05T09:59:00%2B08:00&at__lte=2026-03-05T10:01:00%2B08:00") == [key]
    assert rows("at__gte=2026-03-06&at__lte=2026-03-07") == [("export", "request", "")]
    bad = client.get(world.url("audit/?at__gte=yesterday"))
    assert bad.status_code == 400
    assert "at__gte" in bad.json()


def test_list_query_count_is_capped(world):
    for _ in range(25):
        District.objects.filter(pk=world.districts["d1"].pk).update(name="改名")
        District.objects.filter(pk=world.districts["d1"].pk).update(name="一区")
    client = world.api("admin")
    client.get(world.url("audit/"))  # warm the token and the content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(world.url("audit/?page_size=100"))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100
    # token + user, membership with tenant, count, page
    assert len(queries) <= 5, [q["sql"] for q in queries]
