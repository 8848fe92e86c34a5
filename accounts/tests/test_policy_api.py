"""Programme rules as data over the API (API.md): the policy with its ETag,
the schema, versions published with only the keys that change (400 keyed by
JSON path, 409 in a finalised year), and the what-if preview."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import Policy
from accounts.policy_schema import SCHEMA
from scoring.quotas import quota_report_build
from scoring.services import ranking_finalize
from scoring.tests.test_rankings_api import admin_membership, entry

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC)


def test_policy_get_has_every_rule_and_an_etag(world):
    response = world.api("officer").get(world.url("policy/"))
    assert response.status_code == 200
    body = response.json()
    for key in (
        "assessment",
        "selection",
        "rotation_years",
        "dormant_days",
        "eligibility",
        "duties",
        "headcount",
        "mfa_required_roles",
    ):
        assert key in body
    assert body["assessment"]["method"] == "points"  # the wuhan preset (issue 12)
    assert [d["code"] for d in body["duties"]] == [
        "weekly_plan",
        "monthly_plan",
        "training",
        "exchange_meeting",
    ]
    assert body["mfa_required_roles"] == []
    assert response["ETag"] == body["etag"]
    assert body["etag"].startswith(f'"{Policy.objects.get(tenant=world.tenant).pk}-')


def test_the_etag_changes_with_a_new_version(world):
    api = world.api("admin")
    before = api.get(world.url("policy/"))["ETag"]
    with time_machine.travel(NOON, tick=False):
        api.post(
            world.url("policy/versions/"),
            {"effective_from": "2026-06-01", "note": "n", "rules": {"dormant_days": 60}},
            format="json",
        )
        assert api.get(world.url("policy/"))["ETag"] != before


@pytest.mark.parametrize("who", ["admin", "auditor", "manager", "reviewer", "officer"])
def test_every_member_reads_the_schema_and_the_versions(world, who):
    api = world.api(who)
    assert api.get(world.url("policy/schema/")).json() == SCHEMA
    versions = api.get(world.url("policy/versions/")).json()
    assert [v["version"] for v in versions] == [1]
    assert set(versions[0]) == {"version", "effective_from", "note", "created_by", "created_at"}


def test_a_partial_version_copies_the_rest(world, django_capture_on_commit_callbacks):
    quotas = [
        q for q in Policy.objects.get(tenant=world.tenant).rules["quotas"] if q["kind"] != "video"
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = world.api("admin").post(
            world.url("policy/versions/"),
            {
                "effective_from": "2027-01-01",
                "note": "取消短视频任务",
                "rules": {"quotas": quotas, "excellence": None, "points": {}},
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 2
    assert response.json()["created_by"] == "alpha-admin"
    first, second = Policy.objects.filter(tenant=world.tenant).order_by("version")
    assert second.effective_from == dt.date(2027, 1, 1)
    assert second.note == "取消短视频任务"
    assert second.rules["quotas"] == quotas
    assert second.rules["excellence"] is None
    assert second.rules["points"] == {}
    assert {
        k: v for k, v in second.rules.items() if k not in ("quotas", "excellence", "points")
    } == {k: v for k, v in first.rules.items() if k not in ("quotas", "excellence", "points")}
    assert len(callbacks) == 1  # the re-scoring of the years it rules


def test_invalid_rules_are_refused_keyed_by_path(world):
    quotas = Policy.objects.get(tenant=world.tenant).rules["quotas"]
    quotas[2]["count"] = -1
    response = world.api("admin").post(
        world.url("policy/versions/"),
        {
            "effective_from": "2027-01-01",
            "note": "",
            "rules": {"quotas": quotas, "bonus": {"threshold": 5}, "colour": "red"},
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {
        "quotas[2].count",
        "bonus.amount",
        "bonus.requires_conversion",
        "colour",
    }
    assert body["quotas[2].count"] == ["“quotas[2].count”不能小于1。"]
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


def test_a_finalised_year_is_refused_with_409(world):
    ranking_finalize(membership=admin_membership(world), year=2025)
    response = world.api("admin").post(
        world.url("policy/versions/"),
        {"effective_from": "2025-07-01", "note": "", "rules": {"notice_days": 7}},
        format="json",
    )
    assert response.status_code == 409
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer", "officer"])
def test_only_admins_publish_and_preview(world, who):
    api = world.api(who)
    body = {"effective_from": "2027-01-01", "note": "", "rules": {"notice_days": 7}}
    assert api.post(world.url("policy/versions/"), body, format="json").status_code == 403
    assert api.post(world.url("policy/preview/"), body, format="json").status_code == 403
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


def test_another_tenants_policy_is_out_of_reach(world, other_world):
    api = world.api("admin")
    for path in ("policy/schema/", "policy/versions/"):
        assert api.get(other_world.url(path)).status_code == 404
    body = {"effective_from": "2027-01-01", "note": "", "rules": {"notice_days": 7}}
    assert api.post(other_world.url("policy/versions/"), body, format="json").status_code == 404
    assert api.post(other_world.url("policy/preview/"), body, format="json").status_code == 404
    assert Policy.objects.filter(tenant=other_world.tenant).count() == 1


def _scored_2025(world):
    o = world.officers
    entry(world, [o["d1"], o["d2"]], kind="event")  # district group: 10 / 2 each
    entry(world, [o["city"]], kind="conversion")  # 100


def test_preview_lists_exactly_what_would_change_and_saves_nothing(world):
    _scored_2025(world)
    points = {**Policy.objects.get(tenant=world.tenant).rules["points"], "event": 20}
    response = world.api("admin").post(
        world.url("policy/preview/"),
        {"effective_from": "2025-01-01", "rules": {"points": points}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "year": 2025,
        "changes": [
            {
                "officer": world.officers["d1"].id,
                "full_name": "李四",
                "before": {"points": "5.00"},
                "after": {"points": "10.00"},
            },
            {
                "officer": world.officers["d2"].id,
                "full_name": "王五",
                "before": {"points": "5.00"},
                "after": {"points": "10.00"},
            },
        ],
    }
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


def test_preview_of_excellence_and_of_no_points(world):
    _scored_2025(world)
    api = world.api("admin")
    response = api.post(
        world.url("policy/preview/"),
        {
            "effective_from": "2025-03-01",
            "rules": {"excellence": {"ratio": "1", "rounding": "floor", "tie": "include"}},
        },
        format="json",
    )
    o = world.officers
    # the points method grades by the ranking's excellence (issue 12)
    was, now = {"excellent": False, "grade": "qualified"}, {"excellent": True, "grade": "excellent"}
    assert [(c["officer"], c["before"], c["after"]) for c in response.json()["changes"]] == [
        (o["d1"].id, was, now),
        (o["d2"].id, was, now),
        (o["city"].id, was, now),
    ]
    response = api.post(
        world.url("policy/preview/"),
        {"effective_from": "2025-03-01", "rules": {"points": {}, "bonus": None}},
        format="json",
    )
    assert [(c["officer"], c["before"], c["after"]) for c in response.json()["changes"]] == [
        (o["d1"].id, {"points": "5.00"}, {"points": "0.00"}),
        (o["d2"].id, {"points": "5.00"}, {"points": "0.00"}),
        (o["city"].id, {"points": "100.00"}, {"points": "0.00"}),
    ]


def test_preview_refuses_invalid_rules(world):
    response = world.api("admin").post(
        world.url("policy/preview/"),
        {"effective_from": "2025-03-01", "rules": {"term_years": 0}},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"term_years"}


def test_removing_a_quota_stops_the_monthly_report_asking_for_it(world):
    quotas = [
        q for q in Policy.objects.get(tenant=world.tenant).rules["quotas"] if q["kind"] != "video"
    ]
    with time_machine.travel(NOON, tick=False):
        before = quota_report_build(tenant=world.tenant, month="2026-05")
        assert "video" in _kinds(before)
        response = world.api("admin").post(
            world.url("policy/versions/"),
            {"effective_from": "2026-06-01", "note": "取消短视频", "rules": {"quotas": quotas}},
            format="json",
        )
        assert response.status_code == 201
        after = quota_report_build(tenant=world.tenant, month="2026-06")
    assert after.policy_version == 2
    assert _kinds(after) == {"achievement", "demand", "event", "case"}


def _kinds(report) -> set[str]:
    return {row["quota"].split("/")[0] for row in report.rows}
