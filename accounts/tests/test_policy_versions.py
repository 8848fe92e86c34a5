"""An admin publishes a new policy version from the policy page: the numbers
change from the chosen day, earlier versions stay, the years it rules are
re-scored (each changed entry saying why), finalised years are refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import JobRun, Policy
from ledgers.models import EntryEvent
from scoring.models import Share
from scoring.selectors import year_result
from scoring.services import ranking_finalize
from scoring.tests.test_rankings_api import admin_membership, entry

pytestmark = pytest.mark.django_db

URL = "/t/alpha/policy/new/"


def _form(**overrides) -> dict:
    data = {
        "effective_from": "2027-01-01",
        "points_achievement": 5,
        "points_demand": 5,
        "points_event": 20,
        "points_conversion": 100,
        "points_case": 0,
        "points_video": 0,
        "bonus_threshold": 1000,
        "bonus_amount": 100,
        "bonus_requires_conversion": "on",
        "excellence_percent": "25",
        "rounding": "round",
        "tie": "exclude",
        "notice_days": 7,
        "dormant_days": 60,
        "note": "2027年起对接活动计20分",
    }
    return {**data, **overrides}


def test_the_form_starts_from_the_rules_in_force(client, world):
    client.force_login(world.users["admin"])
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False):
        html = client.get(URL).content.decode()
    assert 'name="points_event" value="10"' in html
    assert 'name="excellence_percent" value="30"' in html
    assert 'name="effective_from" value="2027-01-01"' in html  # the next 1 January
    assert 'id="policy-new"' in client.get("/t/alpha/policy/").content.decode()
    assert "奖励加分须至少有一项成功转化</label>" in html


def test_publishing_a_version_changes_only_what_the_form_sets(client, world):
    client.force_login(world.users["admin"])
    before = Policy.objects.get(tenant=world.tenant)
    response = client.post(URL, _form())
    assert response.status_code == 302
    assert response["Location"] == "/t/alpha/policy/"

    new = Policy.objects.get(tenant=world.tenant, version=2)
    assert (new.effective_from, new.note, new.created_by) == (
        dt.date(2027, 1, 1),
        "2027年起对接活动计20分",
        world.users["admin"],
    )
    assert new.rules["points"]["event"] == 20
    assert new.rules["excellence"] | {"label": ""} == {
        "ratio": "0.25",
        "rounding": "round",
        "tie": "exclude",
        "label": "",
    }
    assert (new.rules["notice_days"], new.rules["dormant_days"]) == (7, 60)
    assert new.rules["quotas"] == before.rules["quotas"]
    assert new.rules["categories"] == before.rules["categories"]
    assert Policy.objects.get(pk=before.pk).rules == before.rules  # earlier versions stay


def test_a_version_for_a_scored_year_rescores_it(client, world, django_capture_on_commit_callbacks):
    city = world.officers["city"]
    e = entry(world, [city], kind="event")  # 2025-05-06: 10 points
    client.force_login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(effective_from="2025-06-01"))
    assert list(
        Share.objects.filter(entry=e, superseded_at=None).values_list("points", flat=True)
    ) == [20]
    assert year_result(tenant=world.tenant, year=2025).scores[city.id].total == 20
    assert (
        EntryEvent.objects.get(entry=e, action="rescored").reason
        == "政策规则第2版自2025-06-01起生效。"
    )
    run = JobRun.objects.get(tenant=world.tenant, name="rescore")
    assert (run.outcome, run.detail) == ("ok", {"from_year": 2025, "changed": 1})


def test_a_finalised_year_is_not_rewritten(client, world):
    ranking_finalize(membership=admin_membership(world), year=2025)
    client.force_login(world.users["admin"])
    response = client.post(URL, _form(effective_from="2025-06-01"))
    assert response.status_code == 200
    assert "2025 年度排名已定稿；新版本只能在该年度之后生效。" in response.content.decode()
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("excellence_percent", "150"), ("points_event", "-1"), ("note", ""), ("effective_from", "")],
)
def test_bad_input_is_refused_and_writes_nothing(client, world, field, value):
    client.force_login(world.users["admin"])
    response = client.post(URL, _form(**{field: value}))
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


def test_two_versions_on_one_day_are_refused(client, world):
    client.force_login(world.users["admin"])
    client.post(URL, _form())
    response = client.post(URL, _form(points_event=30))
    assert "该日期已有一个政策规则版本生效。" in response.content.decode()
    assert Policy.objects.filter(tenant=world.tenant).count() == 2


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer", "officer"])
def test_only_admins_publish(client, world, who):
    client.force_login(world.users[who])
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form()).status_code == 403
    assert Policy.objects.filter(tenant=world.tenant).count() == 1
