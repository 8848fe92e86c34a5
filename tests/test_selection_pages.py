"""Selection pages: the nomination form and queue, each role's step, the
centre's notice and appointment, the public board and its objection form."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from roster.models import Nomination, Objection, Officer

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": "alpha", **kwargs})


def _act(client, nomination, action, **data):
    return client.post(_url("nomination-action", pk=nomination.pk, action=action), data)


def test_round_from_nomination_to_appointment_in_the_browser_pages(client, world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(world.users["reviewer"])
        response = client.post(
            _url("nomination-create"),
            {
                "round": world.round.pk,
                "full_name": "候选人乙",
                "unit": world.units["u1"].pk,
                "mobile": "13911112222",
                "email": "yi@example.com",
                "gender": "female",
            },
        )
        nomination = Nomination.objects.get(full_name="候选人乙")
        assert response["Location"] == _url("nomination-detail", pk=nomination.pk)
        _act(client, nomination, "advance")  # submit
        _act(client, nomination, "advance", comment="同意推荐")  # unit endorses
        client.force_login(world.users["manager"])
        queue = client.get(_url("nomination-list")).content.decode()
        assert f'data-nomination="{nomination.pk}"' in queue
        _act(client, nomination, "advance")
        client.force_login(world.users["admin"])
        _act(client, nomination, "advance", comment="分管领导审定：武科转〔2026〕4号")
        nomination.refresh_from_db()
        assert nomination.stage == "centre_verified"
        client.post(
            _url("round-action", pk=world.round.pk, action="publish-notice"),
            {"start": "2026-03-02", "end": "2026-03-06"},
        )
        nomination.refresh_from_db()
        assert nomination.stage == "on_notice"
        board = client.get("/public/alpha/notices/").content.decode()
        assert "候选人乙" in board and "13911112222" not in board and "yi@" not in board
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        client.logout()
        notice = nomination.notice
        client.post(
            f"/public/alpha/notices/{notice.pk}/object/",
            {"nominee": nomination.pk, "contact": "", "reason": "x"},
        )
        assert Objection.objects.filter(nomination=nomination).count() == 0
        client.post(
            f"/public/alpha/notices/{notice.pk}/object/",
            {"nominee": nomination.pk, "contact": "13911110000", "reason": "不属实"},
        )
        objection = Objection.objects.get(nomination=nomination)
        client.force_login(world.users["admin"])
        client.post(_url("objection-list"), {"objection": objection.pk, "decision": "dismissed"})
        client.post(_url("objection-list"), {"objection": world.objection.pk, "decision": "upheld"})
        client.post(_url("round-action", pk=world.round.pk, action="appoint"))
        nomination.refresh_from_db()
        assert nomination.stage == "on_notice"  # the notice still runs
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(world.users["admin"])
        client.post(_url("round-action", pk=world.round.pk, action="appoint"))
        nomination.refresh_from_db()
        world.nomination.refresh_from_db()
        assert (nomination.stage, world.nomination.stage) == ("appointed", "objection_upheld")
        officer = Officer.objects.get(pk=nomination.officer_id)
        assert (
            officer.category,
            officer.district,
            str(officer.term_start),
            str(officer.term_end),
        ) == ("district", world.districts["d1"], "2026-03-20", "2028-03-19")
        page = client.get(_url("round-detail", pk=world.round.pk)).content.decode()
        assert "/accounts/invite/" in page


def test_selection_pages_by_role(client, world):
    for role, url, status in [
        ("officer", _url("nomination-list"), 403),
        ("auditor", _url("nomination-list"), 200),
        ("auditor", _url("nomination-create"), 403),
        ("reviewer", _url("round-create"), 403),
        ("manager", _url("objection-list"), 403),
        ("admin", _url("objection-list"), 200),
    ]:
        client.force_login(world.users[role])
        assert client.get(url).status_code == status, (role, url)


def test_public_board_unknown_tenant_is_404(client):
    assert client.get("/public/nowhere/notices/").status_code == 404


def test_public_objection_form_is_rate_limited(client, world):
    from django.core.cache import cache

    cache.clear()
    notice = world.nomination.notice
    url = f"/public/alpha/notices/{notice.pk}/object/"
    statuses = [
        client.post(url, {"nominee": world.nomination.pk, "contact": "", "reason": ""}).status_code
        for _ in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_public_board_shows_open_and_past_notices_not_future_ones(client, world):
    with time_machine.travel(dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/v1/public/alpha/notices/").json() == []
        assert "候选人甲" not in client.get("/public/alpha/notices/").content.decode()
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC), tick=False):
        [notice] = client.get("/api/v1/public/alpha/notices/").json()
        assert (notice["status"], [n["full_name"] for n in notice["nominees"]]) == (
            "open",
            ["候选人甲"],
        )
    with time_machine.travel(dt.datetime(2026, 4, 1, 2, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/v1/public/alpha/notices/").json()[0]["status"] == "closed"


@pytest.mark.parametrize("extra", [2, 12])
def test_nomination_queue_costs_no_query_per_row(
    client, world, extra, django_assert_max_num_queries
):
    from roster import workflow

    reviewer = world.users["reviewer"].memberships.get()
    for i in range(extra):
        nomination = workflow.nomination_create(
            membership=reviewer,
            round=world.round,
            data={"full_name": f"候选{i}", "unit": world.units["u1"], "mobile": f"1390000{i:04d}"},
        )
        workflow.nomination_advance(membership=reviewer, nomination=nomination)
    client.force_login(world.users["reviewer"])
    # 12, plus the filter's districts in reach and rounds (issue 14 "Lists")
    with django_assert_max_num_queries(14):
        html = client.get(_url("nomination-list")).content.decode()
    assert html.count("your turn") + html.count("待您处理") == extra


def test_stages_are_named_as_the_programmes_own_chain(client, db):
    """A Yangquan nomination verified by the bureau is shown by Yangquan's
    stage name, not the generic one worded for Wuhan's centre."""
    from accounts.models import Membership
    from roster import workflow
    from tests.world import build_world

    w = build_world("yq", preset="yangquan")
    admin = Membership.objects.get(user=w.users["admin"])
    reviewer = Membership.objects.get(user=w.users["reviewer"])
    selection = workflow.round_create(membership=admin, year=2027, category="commissioner", seats=1)
    nomination = workflow.nomination_create(
        membership=reviewer,
        round=selection,
        data={
            "full_name": "候选人丙",
            "unit": w.units["u1"],
            "mobile": "13911113333",
            "degree": "master",
        },
    )
    workflow.nomination_advance(membership=reviewer, nomination=nomination)
    workflow.nomination_advance(membership=reviewer, nomination=nomination)
    client.force_login(w.users["admin"])
    detail = reverse("nomination-detail", kwargs={"tenant_slug": "yq", "pk": nomination.pk})
    response = client.post(
        reverse(
            "nomination-action",
            kwargs={"tenant_slug": "yq", "pk": nomination.pk, "action": "advance"},
        ),
        follow=True,
    )
    own, generic = "市科学技术局审核并确定选派名单", "转化中心审核通过"
    assert response.redirect_chain == [(detail, 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"当前环节：{own}。"]
    pages = [
        response.content.decode(),
        client.get(reverse("round-detail", kwargs={"tenant_slug": "yq", "pk": selection.pk})),
        client.get(reverse("nomination-list", kwargs={"tenant_slug": "yq"})),
    ]
    for i, page in enumerate(pages):
        html = page if isinstance(page, str) else page.content.decode()
        assert f'data-stage="centre_verified">{own}</span>' in html
        if i < 2:  # the queue's filter tabs span every round: generic names
            assert generic not in html


def test_a_self_application_is_the_unit_reviewers_turn_in_the_queue(client, db):
    """A self-application draft (自荐) is marked in the queue, and is the turn
    of its unit's reviewer (who takes it up), not of the district manager."""
    from accounts.models import Membership
    from roster import workflow
    from tests.world import build_world

    w = build_world("yqq", preset="yangquan")
    admin = Membership.objects.get(user=w.users["admin"])
    selection = workflow.round_create(membership=admin, year=2027, category="commissioner", seats=1)
    nomination = workflow.application_create(
        tenant=w.tenant,
        round=selection,
        data={"full_name": "自荐人丁", "unit": w.units["u1"], "mobile": "13911114444"},
    )
    for who, turn in (("reviewer", True), ("manager", False), ("admin", True)):
        client.force_login(w.users[who])
        html = client.get(reverse("nomination-list", kwargs={"tenant_slug": "yqq"})).content
        html = html.decode()
        assert html.count("<span data-self-applied>自荐申请</span>") == 1, who
        assert html.count("待您处理") == int(turn), who
        assert (
            f'list-group-item-warning" href="/t/yqq/nominations/{nomination.pk}/' in html
        ) is turn
