"""An admin publishes a new policy version from the policy designer: every
rule travels as JSON, is validated against the schema (messages next to
the field, in Chinese), previewed (diff and what-if) and published from the
chosen day; earlier versions stay, the years it rules are re-scored (each
changed entry saying why), finalised years are refused."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import time_machine

from accounts.models import JobRun, Policy
from ledgers.models import EntryEvent
from roster.models import Nomination
from scoring.models import Share
from scoring.selectors import year_result
from scoring.services import ranking_finalize
from scoring.tests.test_rankings_api import admin_membership, entry

pytestmark = pytest.mark.django_db

URL = "/t/alpha/policy/designer/"


def _rules(world) -> dict:
    return copy.deepcopy(Policy.objects.get(tenant=world.tenant, version=1).rules)


def _post(client, world, action="publish", rules=None, text=None, **overrides):
    data = {
        "action": action,
        "effective_from": "2027-01-01",
        "note": "2027年起对接活动计20分，取消市派短视频指标",
        "rules": text or json.dumps(_rules(world) if rules is None else rules, ensure_ascii=False),
    }
    return client.post(URL, {**data, **overrides})


def _edited(world) -> dict:
    """The preset's rules with the city officers' monthly video quota removed
    and 20 points for a matchmaking event."""
    rules = _rules(world)
    assert rules["quotas"][3] == {
        "scope": "officer",
        "category": "city",
        "kind": "video",
        "count": 1,
        "period": "month",
        "basis": "logged",
    }
    del rules["quotas"][3]
    rules["points"]["event"] = 20
    return rules


def test_the_designer_starts_from_the_rules_in_force(client, world):
    client.force_login(world.users["admin"])
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False):
        response = client.get(URL)
    html = response.content.decode()
    assert 'name="effective_from" value="2027-01-01"' in html  # the next 1 January
    assert response.context["rules"] == _rules(world)
    assert json.loads(response.context["rules_text"]) == _rules(world)
    assert '<script id="designer-rules" type="application/json">' in html
    assert "js/policy-designer.js" in html
    assert "高级：JSON" in html
    assert 'id="policy-designer"' in client.get("/t/alpha/policy/").content.decode()
    old = client.get("/t/alpha/policy/new/")
    assert (old.status_code, old["Location"]) == (302, URL)


def test_preview_shows_the_diff_and_publishing_stores_exactly_the_rules(client, world):
    client.force_login(world.users["admin"])
    rules = _edited(world)
    preview = _post(client, world, action="preview", rules=rules)
    assert preview.status_code == 200
    assert preview.context["step"] == "preview"
    assert [(d["label"], d["before"], d["after"]) for d in preview.context["diff"]] == [
        ("积分 · 组织对接活动", "10", "20"),
        (
            "任务指标 · 删除",
            '{"scope": "officer", "category": "city", "kind": "video", "count": 1, '
            '"period": "month", "basis": "logged"}',
            "—",
        ),
    ]
    assert preview.context["whatif"] == {"year": 2027, "changes": []}
    assert Policy.objects.filter(tenant=world.tenant).count() == 1  # a preview writes nothing

    response = _post(client, world, rules=rules)
    assert (response.status_code, response["Location"]) == (302, "/t/alpha/policy/")
    new = Policy.objects.get(tenant=world.tenant, version=2)
    assert new.rules == rules
    assert (new.effective_from, new.note, new.created_by) == (
        dt.date(2027, 1, 1),
        "2027年起对接活动计20分，取消市派短视频指标",
        world.users["admin"],
    )
    assert Policy.objects.get(tenant=world.tenant, version=1).rules == _rules(world)
    page = client.get("/t/alpha/policy/").content.decode()
    assert "新版本已保存" in page
    history = page.split('id="policy-versions"')[1]
    assert "quotas" in history and "2027-01-01" in history  # versions listed with diffs


def test_review_stages_follow_the_selection_chains(client, world):
    client.force_login(world.users["admin"])
    rules = _rules(world)
    rules["selection"]["city"]["stages"].insert(
        0, {"code": "leader_approved", "label": "分管领导审定", "role": "admin"}
    )
    assert _post(client, world, rules=rules).status_code == 302
    stored = Policy.objects.get(tenant=world.tenant, version=2).rules
    assert stored["review_stages"]["city"] == rules["selection"]["city"]["stages"]
    assert [s["code"] for s in stored["review_stages"]["city"]] == [
        "leader_approved",
        "unit_endorsed",
        "centre_verified",
    ]


def test_the_what_if_names_who_changes(client, world):
    city = world.officers["city"]
    entry(world, [city], kind="event")  # 2025-05-06: 10 points
    client.force_login(world.users["admin"])
    rules = _rules(world)
    rules["points"]["event"] = 20
    response = _post(client, world, action="preview", rules=rules, effective_from="2025-06-01")
    assert response.context["whatif"] == {
        "year": 2025,
        "changes": [
            {
                "officer": city.id,
                "full_name": "赵六",
                "before": {"points": "10.00"},
                "after": {"points": "20.00"},
            }
        ],
    }
    assert f'data-officer="{city.id}"' in response.content.decode()


def test_a_version_for_a_scored_year_rescores_it(client, world, django_capture_on_commit_callbacks):
    city = world.officers["city"]
    e = entry(world, [city], kind="event")  # 2025-05-06: 10 points
    client.force_login(world.users["admin"])
    rules = _rules(world)
    rules["points"]["event"] = 20
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, world, rules=rules, effective_from="2025-06-01")
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


@pytest.mark.parametrize("action", ["preview", "publish"])
def test_a_finalised_year_is_not_rewritten(client, world, action):
    ranking_finalize(membership=admin_membership(world), year=2025)
    client.force_login(world.users["admin"])
    response = _post(client, world, action=action, effective_from="2025-06-01")
    assert response.status_code == 200
    assert "2025 年度排名已定稿；新版本只能在该年度之后生效。" in response.content.decode()
    assert response.context["step"] == "edit"
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


@pytest.mark.parametrize("action", ["preview", "publish"])
def test_invalid_rules_come_back_with_the_message_next_to_the_field(client, world, action):
    client.force_login(world.users["admin"])
    rules = _rules(world)
    rules["quotas"][2]["count"] = 0
    response = _post(client, world, action=action, rules=rules)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["errors"] == {"quotas[2].count": ["“quotas[2].count”不能小于1。"]}
    assert (
        '<li data-error-path="quotas[2].count"><strong>任务指标 · 第3行 · 数量</strong>：'
        "“quotas[2].count”不能小于1。</li>"
    ) in html
    assert json.loads(response.context["rules_text"]) == rules  # the edits are kept
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


def test_bad_json_is_refused_with_a_clear_message(client, world):
    client.force_login(world.users["admin"])
    response = _post(client, world, action="preview", text='{"points": ')
    html = response.content.decode()
    assert response.status_code == 200
    assert "规则不是有效的 JSON（第1行第12列）" in html
    assert "{&quot;points&quot;: </textarea>" in html  # the text as typed
    assert _post(client, world, text="[1, 2]").context["general_errors"] == [
        "规则必须是一个 JSON 对象（{…}）。"
    ]
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "", "请在备注中说明规则调整的原因。"),
        ("effective_from", "", "请填写版本生效日期，如 2027-01-01。"),
    ],
)
def test_a_publication_needs_a_date_and_a_note(client, world, field, value, message):
    client.force_login(world.users["admin"])
    response = _post(client, world, **{field: value})
    assert message in response.content.decode()
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


@pytest.mark.parametrize("action", ["preview", "publish"])
def test_two_versions_on_one_day_are_refused(client, world, action):
    client.force_login(world.users["admin"])
    _post(client, world)
    response = _post(client, world, action=action, rules=_edited(world))
    assert response.context["general_errors"] == ["该日期已有一个政策规则版本生效。"]
    assert Policy.objects.filter(tenant=world.tenant).count() == 2


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer", "officer"])
def test_only_admins_design(client, world, who):
    client.force_login(world.users[who])
    assert client.get(URL).status_code == 403
    assert client.get("/t/alpha/policy/new/").status_code == 403
    assert _post(client, world).status_code == 403
    assert Policy.objects.filter(tenant=world.tenant).count() == 1


def test_another_tenants_designer_is_not_found(client, world, other_world):
    client.force_login(world.users["admin"])
    assert client.get("/t/beta/policy/designer/").status_code == 404
    assert client.post("/t/beta/policy/designer/", {"action": "publish"}).status_code == 404
    assert Policy.objects.filter(tenant=other_world.tenant).count() == 1


def test_the_designer_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users["admin"])
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200


def test_the_designer_names_degrees_and_titles_as_the_nominations_do(client, world):
    client.force_login(world.users["admin"])
    labels = client.get(URL).context["labels"]["choices"]
    assert labels["degree"] == {
        "none": "无学位",
        "bachelor": "学士",
        "master": "硕士",
        "doctorate": "博士",
    }
    assert labels["title_level"] == {
        "none": "无职称",
        "junior": "初级",
        "intermediate": "中级",
        "senior": "高级（副高、正高）",
    }
    for field in ("degree", "title_level"):
        choices = Nomination._meta.get_field(field).choices
        assert {k: str(v) for k, v in choices} == labels[field]
