"""Rating links over the API (API.md "Annual assessment": rating-requests,
public ratings/{token}/)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import Membership, Policy
from accounts.presets import preset_rules
from assessment.models import Rating, RatingRequest
from assessment.ratings import rating_request_create, token_digest

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)
SCORES = {"duties": 5, "service": 4, "conversion": 3, "satisfaction": 5}


def graded(w) -> None:
    """Give the world's tenant Yangquan's graded assessment (host criteria,
    a district opinion with levels)."""
    rules = Policy.objects.filter(tenant=w.tenant).get().rules
    rules["assessment"] = preset_rules("yangquan")["assessment"]
    Policy.objects.filter(tenant=w.tenant).update(rules=rules)


def make_request(w, officer="d1", kind="host", today=TODAY):
    admin = Membership.objects.get(user=w.users["admin"])
    return rating_request_create(
        membership=admin,
        officer=w.officers[officer],
        year=2026,
        rater_kind=kind,
        rater_name="派驻单位甲",
        today=today,
    )


@pytest.fixture
def gw(world):
    graded(world)
    return world


def post_request(w, who, officer="d1", **extra):
    body = {"officer": w.officers[officer].id, "year": 2026, "rater_kind": "host"}
    body.update(rater_name="派驻单位甲", **extra)
    return w.api(who).post(w.url("rating-requests/"), body, format="json")


@time_machine.travel("2026-11-30 10:00:00+08:00", tick=False)
def test_admin_creates_a_request_and_sees_the_token_once(gw):
    response = post_request(gw, "admin")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "token", "url", "expires_on"}
    assert body["expires_on"] == "2026-12-30"
    assert body["url"] == f"http://testserver/public/alpha/ratings/{body['token']}/"
    made = RatingRequest.objects.get(pk=body["id"])
    assert made.token_digest == token_digest(body["token"])
    assert body["token"] not in str(list(RatingRequest.objects.values_list()))
    listed = gw.api("admin").get(gw.url("rating-requests/")).json()["results"]
    assert listed == [
        {
            "id": made.id,
            "officer": gw.officers["d1"].id,
            "full_name": "李四",
            "year": 2026,
            "rater_kind": "host",
            "rater_name": "派驻单位甲",
            "expires_on": "2026-12-30",
            "answered": False,
            "answered_at": None,
        }
    ]


@pytest.mark.parametrize(
    ("who", "officer", "status"),
    [
        ("admin", "d2", 201),
        ("manager", "d1", 201),
        ("manager", "d2", 400),
        ("auditor", "d1", 403),
        ("reviewer", "d1", 403),
        ("officer", "d1", 403),
    ],
)
def test_who_may_send_a_request(gw, who, officer, status):
    assert post_request(gw, who, officer).status_code == status
    assert RatingRequest.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("who", "status", "seen"),
    [
        ("admin", 200, {"d1", "d2"}),
        ("auditor", 200, {"d1", "d2"}),
        ("manager", 200, {"d1"}),
        ("reviewer", 403, None),
        ("officer", 403, None),
    ],
)
def test_who_reads_the_requests(gw, who, status, seen):
    ids = {make_request(gw, o)[0].id: o for o in ("d1", "d2")}
    response = gw.api(who).get(gw.url("rating-requests/"))
    assert response.status_code == status
    if seen is not None:
        assert {ids[r["id"]] for r in response.json()["results"]} == seen
        assert all("token" not in r for r in response.json()["results"])


def test_officer_of_another_tenant_is_refused(gw, other_world):
    body = {"officer": other_world.officers["d1"].id, "year": 2026, "rater_kind": "host"}
    response = gw.api("admin").post(
        gw.url("rating-requests/"), {**body, "rater_name": "甲"}, format="json"
    )
    assert response.status_code == 400
    assert "officer" in response.json()
    assert RatingRequest.objects.count() == 0


def test_other_tenants_slug_answers_404(gw, other_world):
    url = f"/api/v1/tenants/{other_world.tenant.slug}/rating-requests/"
    assert gw.api("admin").get(url).status_code == 404
    assert gw.api("admin").post(url, {}, format="json").status_code == 404


def test_a_rater_kind_without_criteria_is_refused(gw):
    response = post_request(gw, "admin", rater_kind="enterprise")
    assert response.status_code == 400
    assert response.json()["rater_kind"] == ["项目政策没有为这类评价方规定评价项目。"]
    assert RatingRequest.objects.count() == 0


def test_wuhan_points_policy_has_no_criteria(world):
    response = post_request(world, "admin")
    assert response.status_code == 400
    assert "rater_kind" in response.json()


def test_list_query_count_is_capped(gw, django_assert_max_num_queries):
    for officer in ("d1", "d2", "d1", "d2", "city", "mine"):
        make_request(gw, officer)
    api = gw.api("admin")
    with django_assert_max_num_queries(12):
        assert len(api.get(gw.url("rating-requests/")).json()["results"]) == 6
    with django_assert_max_num_queries(14):
        assert len(api.get(gw.url("rating-requests/?year=2026")).json()["results"]) == 6


# --- public ---------------------------------------------------------------------------


def public(w, token):
    return f"/api/v1/public/{w.tenant.slug}/ratings/{token}/"


@time_machine.travel("2026-12-01 10:00+08:00", tick=False)
def test_rater_reads_and_answers_once(gw, client):
    _made, token = make_request(gw)
    shown = client.get(public(gw, token))
    assert shown.status_code == 200
    assert shown.json() == {
        "officer_name": "李四",
        "year": 2026,
        "criteria": [
            {"code": "duties", "label": "履职尽责情况"},
            {"code": "service", "label": "技术服务成效"},
            {"code": "conversion", "label": "创新成果转化"},
            {"code": "satisfaction", "label": "服务对象满意度"},
        ],
    }
    answer = {"scores": SCORES, "comment": "认真负责"}
    first = client.post(public(gw, token), answer, content_type="application/json")
    assert first.status_code == 201
    rating = Rating.objects.get()
    assert (rating.scores, rating.comment) == (SCORES, "认真负责")
    again = client.post(public(gw, token), answer, content_type="application/json")
    assert again.status_code == 409
    assert Rating.objects.count() == 1
    listed = gw.api("admin").get(gw.url("rating-requests/")).json()["results"][0]
    assert listed["answered"] is True
    assert listed["answered_at"].startswith("2026-12-01")


def test_unknown_token_and_other_tenant_answer_404(gw, other_world, client):
    _made, token = make_request(gw)
    assert client.get(public(gw, "no-such-token")).status_code == 404
    assert client.get(public(other_world, token)).status_code == 404
    body = {"scores": SCORES}
    assert client.post(public(other_world, token), body, "application/json").status_code == 404
    assert Rating.objects.count() == 0


def test_expired_link_answers_410(gw, client):
    _made, token = make_request(gw, today=dt.date(2026, 10, 1))  # valid until 2026-10-31
    with time_machine.travel("2026-11-01 10:00+08:00", tick=False):
        assert client.get(public(gw, token)).status_code == 410
        body = {"scores": SCORES}
        assert client.post(public(gw, token), body, "application/json").status_code == 410
    with time_machine.travel("2026-10-31 10:00+08:00", tick=False):
        assert client.get(public(gw, token)).status_code == 200
    assert Rating.objects.count() == 0


@time_machine.travel("2026-12-01 10:00+08:00", tick=False)
@pytest.mark.parametrize(
    ("scores", "messages"),
    [
        ({**SCORES, "duties": 6}, ["请为“履职尽责情况”打 1 至 5 分。"]),
        ({**SCORES, "duties": 0}, ["请为“履职尽责情况”打 1 至 5 分。"]),
        ({**SCORES, "duties": 2.5}, ["请为“履职尽责情况”打 1 至 5 分。"]),
        ({**SCORES, "duties": True}, ["请为“履职尽责情况”打 1 至 5 分。"]),
        ({"duties": 5, "service": 4, "conversion": 3}, ["请为“服务对象满意度”打 1 至 5 分。"]),
        ({**SCORES, "speed": 3}, ["未知的评价项目：speed。"]),
        ("五分", ["请为每个评价项目打 1 至 5 分。"]),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_written(gw, client, scores, messages):
    _made, token = make_request(gw)
    response = client.post(public(gw, token), {"scores": scores}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"scores": messages}
    assert Rating.objects.count() == 0
