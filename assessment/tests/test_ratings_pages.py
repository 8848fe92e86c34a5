"""Pages of rating links: the year's page (send, reissue, who answered,
opinions, marks) and the public rater page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from assessment.models import AssessmentMark, DistrictOpinion, Rating, RatingRequest
from assessment.ratings import token_digest

from .test_ratings_api import SCORES, graded, make_request

pytestmark = pytest.mark.django_db

PAGE = "/t/alpha/assessment/2026/ratings/"


@pytest.fixture
def gw(world):
    graded(world)
    return world


def login(client, w, who):
    client.force_login(w.users[who])
    return client


def test_admin_sends_a_request_and_sees_the_link_once(gw, client):
    login(client, gw, "admin")
    posted = client.post(
        PAGE, {"officer": gw.officers["d1"].id, "rater_kind": "host", "rater_name": "甲公司"}
    )
    # Post/Redirect/Get: a reload of the page never makes a second request
    assert (posted.status_code, posted["Location"]) == (302, PAGE)
    response = client.get(PAGE)
    html = response.content.decode()
    assert "评价邀请已生成。" in html
    url = re.search(r'id="rating-link" readonly value="([^"]+)"', html).group(1)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert url == f"http://testserver/public/alpha/ratings/{token}/"
    made = RatingRequest.objects.get()
    assert (made.token_digest, made.year, made.rater_name) == (token_digest(token), 2026, "甲公司")
    assert "<svg" in html
    again = client.get(PAGE).content.decode()
    assert token not in again and 'id="new-link"' not in again
    assert "甲公司" in again and "等待" in again
    assert RatingRequest.objects.count() == 1


def test_page_roles(gw, client, other_world):
    make_request(gw, "d1")
    make_request(gw, "d2")
    for who, status in (("admin", 200), ("auditor", 200), ("manager", 200), ("reviewer", 403)):
        assert login(client, gw, who).get(PAGE).status_code == status, who
    assert login(client, gw, "officer").get(PAGE).status_code == 403
    # the auditor reads only: no forms, and a POST is refused
    html = login(client, gw, "auditor").get(PAGE).content.decode()
    assert 'id="request-form"' not in html and 'id="mark-form"' not in html
    assert client.post(PAGE, {"officer": gw.officers["d1"].id}).status_code == 403
    # the manager sees the d1 officer's request only
    html = login(client, gw, "manager").get(PAGE).content.decode()
    assert html.count("data-request=") == 1 and "李四" in html and "王五" not in html
    # another tenant's page: 404
    assert client.get("/t/beta/assessment/2026/ratings/").status_code == 404


def test_page_query_count_is_capped(gw, client, django_assert_max_num_queries):
    for officer in ("d1", "d2", "city", "mine", "d1", "d2"):
        make_request(gw, officer)
    login(client, gw, "admin")
    with django_assert_max_num_queries(30):
        assert client.get(PAGE).content.decode().count("data-request=") == 6


def test_reissue_makes_a_new_link_and_the_old_one_stops(gw, client):
    made, old = make_request(gw, "d1")
    login(client, gw, "admin")
    posted = client.post(f"{PAGE}{made.id}/reissue/")
    assert (posted.status_code, posted["Location"]) == (302, PAGE)
    response = client.get(PAGE)
    assert "已生成新链接，原链接不再有效。" in response.content.decode()
    new = re.search(
        r'id="rating-link" readonly value="[^"]+/ratings/([^/"]+)/"', response.content.decode()
    ).group(1)
    assert new != old
    assert client.get(f"/public/alpha/ratings/{old}/").status_code == 404
    assert client.get(f"/public/alpha/ratings/{new}/").status_code == 200
    # answered: no new link
    client.post(f"/public/alpha/ratings/{new}/", {f"score_{k}": v for k, v in SCORES.items()})
    digest = RatingRequest.objects.get().token_digest
    assert client.post(f"{PAGE}{made.id}/reissue/").status_code == 302
    assert RatingRequest.objects.get().token_digest == digest
    # the manager cannot reach a d2 officer's request
    other, _t = make_request(gw, "d2")
    assert login(client, gw, "manager").post(f"{PAGE}{other.id}/reissue/").status_code == 404


def test_district_opinion_by_manager_in_reach_and_marks_by_admin(gw, client):
    login(client, gw, "manager")
    d1, d2 = gw.officers["d1"].id, gw.officers["d2"].id
    url = "/t/alpha/assessment/2026/opinions/"
    assert client.post(url, {"officer": d1, "level": "excellent"}).status_code == 302
    assert client.post(url, {"officer": d2, "level": "excellent"}).status_code == 400
    assert client.post(url, {"officer": d1, "level": "bogus"}).status_code == 400
    assert (
        client.post(url, {"officer": d1, "level": "qualified", "comment": "一般"}).status_code
        == 302
    )
    fields = ("officer_id", "year", "level", "comment")
    assert list(DistrictOpinion.objects.values_list(*fields)) == [(d1, 2026, "qualified", "一般")]
    assert "合格" in client.get(PAGE).content.decode()
    marks = "/t/alpha/assessment/2026/marks/"
    body = {"officer": d1, "kind": "integrity_record", "note": "科研失信"}
    assert client.post(marks, body).status_code == 403
    assert (
        login(client, gw, "auditor").post(url, {"officer": d1, "level": "excellent"}).status_code
        == 403
    )
    assert login(client, gw, "admin").post(marks, body).status_code == 302
    assert client.post(marks, {**body, "note": ""}).status_code == 400
    fields = ("officer_id", "year", "kind", "note")
    assert list(AssessmentMark.objects.values_list(*fields)) == [
        (d1, 2026, "integrity_record", "科研失信")
    ]


# --- the public rater page ---------------------------------------------------------


def test_rater_answers_on_the_public_page_once(gw, client):
    _made, token = make_request(gw, "d1")
    url = f"/public/alpha/ratings/{token}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "李四" in html and "履职尽责情况" in html and "csrfmiddlewaretoken" in html
    assert html.count('type="radio"') == 20
    bad = client.post(url, {"score_duties": "5", "comment": "好"})
    assert bad.status_code == 400
    assert "请为“技术服务成效”打 1 至 5 分。" in bad.content.decode()
    assert Rating.objects.count() == 0
    form = {f"score_{k}": str(v) for k, v in SCORES.items()}
    done = client.post(url, {**form, "comment": "认真负责"})
    assert done.status_code == 302 and done["Location"] == url + "?done=1"
    thanks = client.get(done["Location"])
    assert thanks.status_code == 200 and "您的评价已收到" in thanks.content.decode()
    rating = Rating.objects.get()
    assert (rating.scores, rating.comment) == (SCORES, "认真负责")
    again = client.post(url, form)
    assert again.status_code == 409 and "每个链接只能使用一次" in again.content.decode()
    assert client.get(url).status_code == 409
    assert Rating.objects.count() == 1


def test_public_page_unknown_and_expired(gw, client):
    _made, token = make_request(gw, "d1", today=dt.date(2026, 10, 1))
    assert client.get("/public/alpha/ratings/nope/").status_code == 404
    assert client.get(f"/public/beta/ratings/{token}/").status_code == 404
    with time_machine.travel("2026-11-01 09:00+08:00", tick=False):
        expired = client.get(f"/public/alpha/ratings/{token}/")
        assert expired.status_code == 410 and "该链接已过期" in expired.content.decode()
        form = {f"score_{k}": str(v) for k, v in SCORES.items()}
        assert client.post(f"/public/alpha/ratings/{token}/", form).status_code == 410
    assert Rating.objects.count() == 0


def test_menu_entry_opens_this_years_page(gw, client):
    login(client, gw, "manager")
    with time_machine.travel("2026-06-01 09:00+08:00", tick=False):
        response = client.get("/t/alpha/assessment/ratings/")
        assert response.status_code == 302 and response["Location"] == PAGE
        assert 'href="/t/alpha/assessment/ratings/"' in client.get(PAGE).content.decode()
    assert login(client, gw, "reviewer").get("/t/alpha/assessment/ratings/").status_code == 403


def test_page_refuses_another_tenants_or_districts_officer(gw, client, other_world):
    login(client, gw, "admin")
    body = {"officer": other_world.officers["d1"].id, "rater_kind": "host", "rater_name": "甲"}
    response = client.post(PAGE, body)
    assert response.status_code == 400 and "officer" in response.context["request_form"].errors
    body["officer"] = gw.officers["d2"].id
    assert login(client, gw, "manager").post(PAGE, body).status_code == 400
    assert RatingRequest.objects.count() == 0


def test_requests_are_searchable_by_officer_or_rater_and_paged(gw, client, monkeypatch):
    from assessment import rating_views

    make_request(gw, "d1")
    make_request(gw, "d2")
    login(client, gw, "admin")

    def rows(**query) -> list[str]:
        html = client.get(PAGE, query).content.decode()
        return re.findall(r'<tr data-request="(\d+)">', html)

    d1 = RatingRequest.objects.get(officer=gw.officers["d1"]).id
    assert rows(q=gw.officers["d1"].full_name) == [str(d1)]
    assert len(rows(q="派驻单位甲")) == 2
    assert rows(q="无此人") == []
    assert "没有符合条件的评价请求。" in client.get(PAGE, {"q": "无此人"}).content.decode()
    monkeypatch.setattr(rating_views, "REQUESTS_PER_PAGE", 1)
    first, second = rows(), rows(page=2)
    assert len(first) == len(second) == 1 and first != second
    assert 'data-page="2"' in client.get(PAGE).content.decode()
