"""The public notice board (SPEC.md §4.1 public notice, API.md "Public, no
login"): anyone reads the notices (names, units, categories — never phone or
e-mail) and files an objection while a notice runs.

``tests.world`` publishes alpha's notice for 2026-03-02 .. 2026-03-06; "today"
is fixed with time_machine.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Membership
from roster import workflow
from roster.api.selection import PublicNoticeListView, PublicObjectionView
from roster.models import Nomination, Notice, Objection
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)  # Wednesday, inside alpha's notice

CONTACT_DETAILS = ("13900000001", "jia@example.com")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alpha(clock, db) -> World:
    return build_world("alpha")


@pytest.fixture
def beta(alpha) -> World:
    return build_world("beta")


def member(w: World, who: str) -> Membership:
    return Membership.objects.get(tenant=w.tenant, user=w.users[who])


def notices_url(slug: str = "alpha") -> str:
    return f"/api/v1/public/{slug}/notices/"


def objection_url(notice_id: int, slug: str = "alpha") -> str:
    return f"/api/v1/public/{slug}/notices/{notice_id}/objections/"


def second_notice(w: World, start: dt.date, end: dt.date) -> tuple[Notice, Nomination]:
    """Another round of ``w`` with one nomination (with every contact field)
    put on a notice from ``start`` to ``end``."""
    admin, reviewer, manager = member(w, "admin"), member(w, "reviewer"), member(w, "manager")
    selection = workflow.round_create(membership=admin, year=2026, category="district", seats=2)
    nomination = workflow.nomination_create(
        membership=reviewer,
        round=selection,
        data={
            "full_name": "候选人乙",
            "unit": w.units["u1"],
            "mobile": "13900000002",
            "office_phone": "027-87654321",
            "email": "yi@example.com",
            "position": "科技处副处长",
        },
    )
    for step_by in (reviewer, reviewer, manager, admin):
        # the centre's step records the deputy director's approval (its reference)
        comment = "分管领导审定：武科转〔2026〕2号" if step_by is admin else ""
        workflow.nomination_advance(membership=step_by, nomination=nomination, comment=comment)
    notice = workflow.notice_publish(membership=admin, round=selection, start=start, end=end)
    nomination.refresh_from_db()
    return notice, nomination


# --- reading ----------------------------------------------------------------------------------


def test_public_list_needs_no_login_and_shows_no_contact_details(alpha, beta):
    notice = alpha.nomination.notice
    response = APIClient().get(notices_url())
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": notice.id,
            "title": notice.title,
            "start": "2026-03-02",
            "end": "2026-03-06",
            "status": "open",
            "nominees": [
                {
                    "id": alpha.nomination.id,
                    "full_name": "候选人甲",
                    "unit": "alpha大学",
                    "category": "district",
                }
            ],
        }
    ]
    body = response.content.decode()
    for secret in (*CONTACT_DETAILS, "13800000000"):  # nor the objector's contact
        assert secret not in body


def test_public_list_never_shows_phone_or_email_of_any_nominee(alpha):
    second_notice(alpha, dt.date(2026, 3, 3), dt.date(2026, 3, 9))
    response = APIClient().get(notices_url())
    assert response.status_code == 200
    assert [n["nominees"][0]["full_name"] for n in response.json()] == ["候选人乙", "候选人甲"]
    assert set(response.json()[0]["nominees"][0]) == {"id", "full_name", "unit", "category"}
    body = response.content.decode()
    for secret in (*CONTACT_DETAILS, "13900000002", "027-87654321", "yi@example.com"):
        assert secret not in body
    # the public page shows no contact details either
    page = Client().get("/public/alpha/notices/")
    assert page.status_code == 200
    assert "候选人乙" in page.content.decode()
    for secret in (*CONTACT_DETAILS, "13900000002", "027-87654321", "yi@example.com"):
        assert secret not in page.content.decode()


def test_public_list_shows_past_notices_as_closed(alpha, clock):
    clock.move_to(dt.datetime(2026, 3, 7, 0, 0, tzinfo=SHANGHAI))
    response = APIClient().get(notices_url())
    assert response.status_code == 200
    assert [(n["id"], n["status"]) for n in response.json()] == [
        (alpha.nomination.notice_id, "closed")
    ]


def test_public_list_of_a_tenant_without_notices_is_empty(clock, db):
    build_world("yq", preset="yangquan")
    response = APIClient().get(notices_url("yq"))
    assert (response.status_code, response.json()) == (200, [])


def test_unknown_slug_is_404(alpha):
    client = APIClient()
    assert client.get(notices_url("nosuch")).status_code == 404
    notice_id = alpha.nomination.notice_id
    response = client.post(
        objection_url(notice_id, "nosuch"),
        {"nominee": alpha.nomination.id, "contact": "x", "reason": "y"},
        format="json",
    )
    assert response.status_code == 404
    assert Objection.objects.count() == 1


# --- filing an objection ------------------------------------------------------------------------


def test_objection_by_anyone_is_filed(alpha):
    notice_id = alpha.nomination.notice_id
    before = set(Objection.objects.values_list("id", flat=True))
    response = APIClient().post(
        objection_url(notice_id),
        {
            "nominee": alpha.nomination.id,
            "contact": "13700000000",
            "reason": "该同志学历信息不实",
            "name": "王某",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    (new,) = Objection.objects.exclude(id__in=before)
    assert response.json() == {"id": new.id, "status": "open"}
    assert (
        new.tenant,
        new.notice_id,
        new.nomination,
        new.name,
        new.contact,
        new.reason,
        new.status,
        new.decided_by,
    ) == (
        alpha.tenant,
        notice_id,
        alpha.nomination,
        "王某",
        "13700000000",
        "该同志学历信息不实",
        "open",
        None,
    )
    # the nomination is not moved by an objection
    assert Nomination.objects.get(pk=alpha.nomination.pk).stage == "on_notice"


def test_objection_name_is_optional(alpha):
    response = APIClient().post(
        objection_url(alpha.nomination.notice_id),
        {"nominee": alpha.nomination.id, "contact": "a@example.com", "reason": "理由"},
        format="json",
    )
    assert response.status_code == 201
    assert Objection.objects.get(pk=response.json()["id"]).name == ""


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"reason": "理由"}, {"contact"}),
        ({"contact": "", "reason": "理由"}, {"contact"}),
        ({"contact": "   ", "reason": "理由"}, {"contact"}),
        ({"contact": "13700000000"}, {"reason"}),
        ({"contact": "13700000000", "reason": ""}, {"reason"}),
        ({"contact": "13700000000", "reason": " \n "}, {"reason"}),
        ({}, {"contact", "reason"}),
    ],
)
def test_objection_needs_contact_and_reason(alpha, body, fields):
    count = Objection.objects.count()
    response = APIClient().post(
        objection_url(alpha.nomination.notice_id),
        {"nominee": alpha.nomination.id, "name": "王某", **body},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert Objection.objects.count() == count


def test_objection_against_someone_not_on_this_notice_is_404(alpha, beta):
    notice_id = alpha.nomination.notice_id
    # a nomination of alpha that is still in draft
    draft = workflow.nomination_create(
        membership=member(alpha, "reviewer"),
        round=alpha.round,
        data={"full_name": "候选人丙", "unit": alpha.units["u1"], "mobile": "13900000003"},
    )
    # a nominee of alpha's other notice
    other_notice, other_nominee = second_notice(alpha, dt.date(2026, 3, 3), dt.date(2026, 3, 9))
    count = Objection.objects.count()
    client = APIClient()
    for nominee in (draft.id, other_nominee.id, beta.nomination.id, 999999):
        response = client.post(
            objection_url(notice_id),
            {"nominee": nominee, "contact": "13700000000", "reason": "理由"},
            format="json",
        )
        assert response.status_code == 404, nominee
    # the other tenant's notice, through alpha's board
    response = client.post(
        objection_url(beta.nomination.notice_id),
        {"nominee": beta.nomination.id, "contact": "13700000000", "reason": "理由"},
        format="json",
    )
    assert response.status_code == 404
    # a notice id that does not exist
    response = client.post(
        objection_url(other_notice.id + 1000),
        {"nominee": other_nominee.id, "contact": "13700000000", "reason": "理由"},
        format="json",
    )
    assert response.status_code == 404
    assert Objection.objects.count() == count


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 3, 7, 0, 0, tzinfo=SHANGHAI),  # the first minute after the end
        dt.datetime(2026, 4, 1, 12, 0, tzinfo=SHANGHAI),
    ],
)
def test_objection_after_the_end_is_409(alpha, clock, moment):
    clock.move_to(moment)
    count = Objection.objects.count()
    response = APIClient().post(
        objection_url(alpha.nomination.notice_id),
        {"nominee": alpha.nomination.id, "contact": "13700000000", "reason": "理由"},
        format="json",
    )
    assert response.status_code == 409
    assert Objection.objects.count() == count


def test_objection_on_the_first_and_last_day_is_taken(alpha, clock):
    client = APIClient()
    for moment in (
        dt.datetime(2026, 3, 2, 0, 0, tzinfo=SHANGHAI),
        dt.datetime(2026, 3, 6, 23, 59, tzinfo=SHANGHAI),
    ):
        clock.move_to(moment)
        response = client.post(
            objection_url(alpha.nomination.notice_id),
            {"nominee": alpha.nomination.id, "contact": "13700000000", "reason": "理由"},
            format="json",
        )
        assert response.status_code == 201, moment


def test_a_notice_is_not_public_before_its_start(alpha, clock):
    notice, nominee = second_notice(alpha, dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    count = Objection.objects.count()
    body = {"nominee": nominee.id, "contact": "13700000000", "reason": "理由"}
    response = APIClient().post(objection_url(notice.id), body, format="json")
    assert response.status_code == 404
    assert Objection.objects.count() == count
    clock.move_to(dt.datetime(2026, 3, 9, 8, 0, tzinfo=SHANGHAI))
    response = APIClient().post(objection_url(notice.id), body, format="json")
    assert response.status_code == 201


# --- no credentials, throttling ------------------------------------------------------------------


def test_public_endpoints_ignore_credentials(alpha, beta):
    body = {"nominee": alpha.nomination.id, "contact": "13700000000", "reason": "理由"}
    bogus = APIClient()
    bogus.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bogus.get(notices_url()).status_code == 200
    assert (
        bogus.post(objection_url(alpha.nomination.notice_id), body, format="json").status_code
        == 201
    )
    # a login of another tenant is no one special here either
    stranger = beta.api("admin")
    assert stranger.get(notices_url()).status_code == 200
    response = stranger.post(objection_url(alpha.nomination.notice_id), body, format="json")
    assert response.status_code == 201
    assert PublicNoticeListView.authentication_classes == []
    assert PublicObjectionView.authentication_classes == []


def test_objections_are_throttled_in_the_public_scope(alpha, monkeypatch):
    assert PublicObjectionView.throttle_scope == "public"
    assert ScopedRateThrottle in PublicObjectionView.throttle_classes
    assert "public" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"public": "2/min"})
    cache.clear()
    try:
        body = {"nominee": alpha.nomination.id, "contact": "13700000000", "reason": "理由"}
        client = APIClient()
        url = objection_url(alpha.nomination.notice_id)
        codes = [client.post(url, body, format="json").status_code for _ in range(3)]
        assert codes == [201, 201, 429]
        assert Objection.objects.filter(contact="13700000000").count() == 2
    finally:
        cache.clear()
