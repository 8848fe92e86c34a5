"""Idempotency-Key on the tenant API's POSTs (API.md "Idempotency"): a repeat
by the same user with the same key within 24 hours answers the first response
and creates nothing more; see ``liaison.api.idempotency`` for the rules."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from accounts.models import IdempotencyKey
from ledgers.models import Entry
from ledgers.tests.conftest import make_entry
from tests.concurrency import race

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def body(world, title: str = "幂等成果") -> dict:
    return {"title": title, "occurred_on": "2025-05-06", "officers": [world.officers["d1"].pk]}


def post(client, url: str, data: dict, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data, **headers)


def test_repeat_with_the_same_key_returns_the_first_response(world):
    admin, url = world.api("admin"), world.url("achievements/")
    first = post(admin, url, body(world), "key-1")
    again = post(admin, url, body(world), "key-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Entry.objects.filter(tenant=world.tenant, title="幂等成果").count() == 1


def test_without_a_key_each_post_creates(world):
    admin, url = world.api("admin"), world.url("achievements/")
    assert post(admin, url, body(world), None).status_code == 201
    assert post(admin, url, body(world), None).status_code == 201
    assert Entry.objects.filter(tenant=world.tenant, title="幂等成果").count() == 2


def test_another_user_with_the_same_key_is_independent(world):
    url = world.url("achievements/")
    first = post(world.api("admin"), url, body(world), "shared")
    second = post(world.api("manager"), url, body(world), "shared")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert Entry.objects.filter(tenant=world.tenant, title="幂等成果").count() == 2


def test_same_key_on_another_path_is_422(world):
    admin = world.api("admin")
    assert post(admin, world.url("achievements/"), body(world), "k").status_code == 201
    response = post(admin, world.url("demands/"), body(world), "k")
    assert response.status_code == 422
    assert set(response.json()) == {"detail"}
    assert not Entry.objects.filter(kind="demand", title="幂等成果").exists()


def test_a_failed_first_attempt_may_be_retried(world):
    admin, url = world.api("admin"), world.url("achievements/")
    bad = post(admin, url, {**body(world), "occurred_on": "not a date"}, "retry")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.filter(key="retry").exists()
    good = post(admin, url, body(world), "retry")
    assert good.status_code == 201
    assert IdempotencyKey.objects.get(key="retry").status_code == 201


def test_a_request_still_running_answers_409(world):
    user = world.users["admin"]
    url = world.url("achievements/")
    IdempotencyKey.objects.create(
        user=user, key="busy", method="POST", path=url, created_at=timezone.now()
    )
    response = post(world.api("admin"), url, body(world), "busy")
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert not Entry.objects.filter(title="幂等成果").exists()


def test_keys_expire_after_24_hours(world):
    admin, url = world.api("admin"), world.url("achievements/")
    with time_machine.travel(NOW, tick=False) as traveller:
        first = post(admin, url, body(world), "daily")
        traveller.shift(dt.timedelta(hours=23, minutes=59))
        assert post(admin, url, body(world), "daily").json()["id"] == first.json()["id"]
        traveller.shift(dt.timedelta(minutes=2))
        later = post(admin, url, body(world), "daily")
    assert later.status_code == 201
    assert later.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.filter(key="daily").count() == 1


def test_a_repeated_action_replays_instead_of_conflicting(world):
    entry = make_entry(world, ["d1"])
    admin = world.api("admin")
    url = world.url(f"achievements/{entry.pk}/submit/")
    first = post(admin, url, {}, "submit-1")
    again = post(admin, url, {}, "submit-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert entry.history.filter(action="submitted").count() == 1
    assert post(admin, url, {}, None).status_code == 409  # a plain repeat still conflicts


def test_every_tenant_scoped_post_honours_the_key(world):
    admin, url = world.api("admin"), world.url("districts/")
    first = post(admin, url, {"code": "d3", "name": "三区"}, "district-d3")
    again = post(admin, url, {"code": "d3", "name": "三区"}, "district-d3")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    plain = post(admin, url, {"code": "d3", "name": "三区"}, None)
    assert plain.status_code == 400  # without the key, the duplicate is refused as before


def test_a_key_on_another_tenants_path_is_404_and_stores_nothing(world, other_world):
    response = post(world.api("admin"), other_world.url("achievements/"), body(world), "k")
    assert response.status_code == 404
    assert not IdempotencyKey.objects.exists()


def test_a_role_without_the_right_gets_403_and_may_retry(world):
    response = post(world.api("auditor"), world.url("achievements/"), body(world), "k")
    assert response.status_code == 403
    assert not IdempotencyKey.objects.exists()


# --- concurrent duplicates -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_identical_posts_create_once(world):
    url = world.url("achievements/")
    clients = [world.api("admin") for _ in range(10)]

    def call(i):
        return lambda: post(clients[i], url, body(world), "same-key")

    responses = race([call(i) for i in range(10)])

    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1
    ids = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(ids) == 1  # replays carry the first id
    assert Entry.objects.filter(tenant=world.tenant, title="幂等成果").count() == 1
