"""Issue 15 item 2: officers see and act on matches. The matches page (reach,
reasons, search), "not relevant", "arrange a matchmaking event" (the
ledger's event form pre-filled), the funnel (page and API) and the weekly
digest."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone

from accounts.models import JobRun, Notification
from ledgers.tests.conftest import make_entry
from matching.funnel import funnel, officer_rates
from matching.models import Match, MatchFeedback
from matching.selectors import match_feed
from matching.services import rematch_tenant
from matching.tasks import send_weekly_match_digests

from .test_services import DEMAND, LITHIUM

pytestmark = pytest.mark.django_db

OTHER_DEMAND = {
    "kind": "demand",
    "title": "养殖场粪污处理",
    "summary": "畜禽养殖",
    "field": "农业",
}


@pytest.fixture
def built(world):
    return build_pairs(world)


def build_pairs(world):
    """Two verified 2025 demands: ``lithium_demand`` (crediting the officer
    ``mine`` in d1, from the world's enterprise) matched to the lithium
    achievement (crediting d2), named by a verified event and converted (a
    verified conversion names it among the demands it meets); ``farm`` (crediting d2) with no
    stored match."""
    lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
    demand = make_entry(world, ["mine"], status="verified", enterprise=world.reference, **DEMAND)
    farm = make_entry(world, ["d2"], status="verified", **OTHER_DEMAND)
    rematch_tenant(tenant=world.tenant)
    Match.objects.filter(demand=farm).delete()
    event = make_entry(
        world,
        ["mine"],
        kind="event",
        status="verified",
        title="锂电池对接会",
        event_type="roadshow",
        venue="一区",
        matched=[demand, lithium],
    )
    conversion = make_entry(
        world,
        ["mine"],
        kind="conversion",
        status="verified",
        title="锂电池技术转让",
        achievement=lithium,
        enterprise=world.reference,
        occurred_on=dt.date(2025, 6, 1),
        matched=[demand],
    )
    return {
        "lithium": lithium,
        "demand": demand,
        "farm": farm,
        "event": event,
        "conversion": conversion,
    }


def pair_of(built) -> Match:
    return Match.objects.get(source="demand", demand=built["demand"], achievement=built["lithium"])


def _row(rate, demands, matched, events, converted):
    return {
        "demands": demands,
        "matched": matched,
        "events": events,
        "converted": converted,
        "rate": rate,
    }


# --- the funnel --------------------------------------------------------------------------


def test_funnel_counts_a_conversion_by_its_link_only_and_narrows(world):
    """A verified conversion to a demand's enterprise that does not name the
    demand converts nothing; one that names a demand without a stored match
    or event counts it matched, with an event and converted (each stage
    holds the later ones)."""
    from decimal import Decimal

    demand = make_entry(world, ["mine"], status="verified", enterprise=world.reference, **DEMAND)
    farm = make_entry(world, ["d2"], status="verified", **OTHER_DEMAND)
    make_entry(
        world,
        ["mine"],
        kind="conversion",
        status="verified",
        title="同一企业的另一项转化",
        enterprise=world.reference,
        occurred_on=dt.date(2025, 6, 1),
    )
    admin = world.users["admin"].memberships.get()
    assert funnel(membership=admin, year=2025)["programme"] == _row(Decimal("0.0000"), 2, 0, 0, 0)
    make_entry(
        world,
        ["d2"],
        kind="conversion",
        status="verified",
        title="农业技术许可",
        occurred_on=dt.date(2025, 7, 1),
        matched=[farm],
    )
    assert funnel(membership=admin, year=2025)["programme"] == _row(Decimal("0.5000"), 2, 1, 1, 1)
    assert Match.objects.filter(demand__in=[demand, farm]).count() == 0


def test_conversion_names_demands_only(world, built):
    api = world.api("admin")
    body = {
        "title": "转化",
        "occurred_on": "2025-06-02",
        "officers": [world.officers["mine"].id],
        "matched": [built["lithium"].id],
    }
    response = api.post(world.url("conversions/"), body, format="json")
    assert response.status_code == 400
    assert response.json()["matched"] == ["转化成果只能关联其满足的企业需求。"]
    body["matched"] = [built["demand"].id]
    response = api.post(world.url("conversions/"), body, format="json")
    assert response.status_code == 201
    assert response.json()["matched"] == [built["demand"].id]


def test_funnel_of_the_built_world_for_the_admin(world, built):
    from decimal import Decimal

    rows = funnel(membership=world.users["admin"].memberships.get(), year=2025)
    assert rows["programme"] == _row(Decimal("0.5000"), 2, 1, 1, 1)
    assert rows["districts"] == [
        {"code": "d1", "name": "一区", **_row(Decimal("1.0000"), 1, 1, 1, 1)},
        {"code": "d2", "name": "二区", **_row(Decimal("0.0000"), 1, 0, 0, 0)},
    ]
    assert [(o["name"], o["demands"], o["converted"], o["rate"]) for o in rows["officers"]] == [
        ("张三", 1, 1, Decimal("1.0000")),
        ("王五", 1, 0, Decimal("0.0000")),
    ]
    assert funnel(membership=world.users["admin"].memberships.get(), year=2024)[
        "programme"
    ] == _row(None, 0, 0, 0, 0)
    ids = [world.officers["mine"].id, world.officers["d2"].id, world.officers["city"].id]
    assert officer_rates(tenant=world.tenant, year=2025, officer_ids=ids) == {
        world.officers["mine"].id: Decimal("1.0000"),
        world.officers["d2"].id: Decimal("0.0000"),
    }


def test_officer_rates_agree_with_the_funnel(world, built):
    """The ranking's rates (two grouped queries over the officers' credits)
    are the funnel's own, officer by officer: a demand credited to two
    officers, one converted by two conversions (counted once), a demand
    named by a conversion that is only submitted, a demand of 2026 named by
    a 2025 conversion."""
    from decimal import Decimal

    shared = make_entry(world, ["mine", "d2"], status="verified", **{**DEMAND, "title": "共享需求"})
    named_twice = make_entry(world, ["d2"], status="verified", **{**OTHER_DEMAND, "title": "二次"})
    pending = make_entry(world, ["mine"], status="verified", **{**OTHER_DEMAND, "title": "待审"})
    later = make_entry(
        world,
        ["mine"],
        status="verified",
        **{**OTHER_DEMAND, "title": "来年", "occurred_on": dt.date(2026, 3, 1)},
    )
    for title, status, matched in (
        ("转化一", "verified", [shared, named_twice]),
        ("转化二", "verified", [named_twice, later]),
        ("转化三", "submitted", [pending]),
    ):
        make_entry(
            world,
            ["city"],
            kind="conversion",
            status=status,
            title=title,
            occurred_on=dt.date(2025, 8, 1),
            matched=matched,
        )
    admin = world.users["admin"].memberships.get()
    ids = [o.id for o in world.officers.values()]
    for year in (2025, 2026):
        expected = {o["id"]: o["rate"] for o in funnel(membership=admin, year=year)["officers"]}
        assert officer_rates(tenant=world.tenant, year=year, officer_ids=ids) == expected
    assert officer_rates(tenant=world.tenant, year=2025, officer_ids=ids) == {
        world.officers["mine"].id: Decimal("0.6667"),  # demand, shared converted; pending not
        world.officers["d2"].id: Decimal("0.6667"),  # shared, named twice; farm not
    }
    assert officer_rates(tenant=world.tenant, year=2026, officer_ids=ids) == {
        world.officers["mine"].id: Decimal("1.0000")
    }
    assert officer_rates(tenant=world.tenant, year=2025, officer_ids=[]) == {}


def test_funnel_api_reach(world, other_world, built):
    url = world.url("matches/funnel/?year=2025")
    body = world.api("admin").get(url).json()
    assert body["year"] == 2025
    assert body["programme"] == _row(0.5, 2, 1, 1, 1)
    assert [d["code"] for d in body["districts"]] == ["d1", "d2"]
    # the manager holds d1: its district and officers only
    body = world.api("manager").get(url).json()
    assert body["programme"] == _row(1.0, 1, 1, 1, 1)
    assert [d["code"] for d in body["districts"]] == ["d1"]
    assert [o["name"] for o in body["officers"]] == ["张三"]
    # the officer sees their own row, no districts
    body = world.api("officer").get(url).json()
    assert body == {
        "year": 2025,
        "programme": _row(1.0, 1, 1, 1, 1),
        "districts": [],
        "officers": [
            {
                "id": world.officers["mine"].id,
                "name": "张三",
                "district": "d1",
                **_row(1.0, 1, 1, 1, 1),
            }
        ],
    }
    assert world.api("reviewer").get(url).status_code == 403
    assert world.api("admin").get(world.url("matches/funnel/")).status_code == 400
    assert world.api("admin").get(world.url("matches/funnel/?year=２０２５")).status_code == 400
    assert other_world.api("admin").get(url).status_code == 404


def test_funnel_page(client, world, built):
    client.force_login(world.users["admin"])
    html = client.get("/t/alpha/matches/funnel/?year=2025").content.decode()
    assert '<div class="fs-4 fw-semibold" id="programme-rate">50%</div>' in html
    client.force_login(world.users["officer"])
    html = client.get("/t/alpha/matches/funnel/?year=2025").content.decode()
    assert '<div class="fs-4 fw-semibold" id="programme-rate">100%</div>' in html
    assert "王五" not in html
    client.force_login(world.users["reviewer"])
    assert client.get("/t/alpha/matches/funnel/").status_code == 403


def test_a_verified_event_opens_the_conversion_form_with_its_demand(client, world, built):
    """The event's page offers "record the conversion": the conversion form
    opens titled after the event's one achievement, with the event's demand
    among the demands met, the achievement and the demand's enterprise; an
    auditor (who logs nothing) has no such link."""
    event, demand, lithium = built["event"], built["demand"], built["lithium"]
    client.force_login(world.users["officer"])
    html = client.get(f"/t/alpha/entries/{event.id}/").content.decode()
    query = urlencode(
        [
            ("title", "转化：一种高稳定性锂电池正极材料"),
            ("matched", demand.id),
            ("achievement", lithium.id),
            ("enterprise", world.reference.id),
        ]
    )
    href = f"/t/alpha/work/new/conversion/?{query}".replace("&", "&amp;")
    assert f'id="record-conversion" href="{href}">登记转化成果</a>' in html
    form = client.get(href.replace("&amp;", "&")).content.decode()
    assert 'value="转化：一种高稳定性锂电池正极材料"' in form
    assert f'<option value="{demand.id}" selected>' in form
    assert f'<option value="{world.reference.id}" selected>' in form
    # the achievement credits another district's officer: out of the officer's
    # reach, yet the other side of a pair in their area, so it may be linked
    # (chosen, by title only); the admin's form has it chosen too
    assert f'<option value="{lithium.id}" selected>一种高稳定性锂电池正极材料</option>' in form
    assert client.get(f"/t/alpha/entries/{lithium.id}/").status_code == 404
    client.force_login(world.users["admin"])
    form = client.get(href.replace("&amp;", "&")).content.decode()
    assert f'<option value="{lithium.id}" selected>' in form
    client.force_login(world.users["auditor"])
    assert "record-conversion" not in client.get(f"/t/alpha/entries/{event.id}/").content.decode()
    # the conversion's page names its links as its form does; the event's as matched
    html = client.get(f"/t/alpha/entries/{built['conversion'].id}/").content.decode()
    assert '<dt class="col-sm-4">满足的需求</dt>' in html
    html = client.get(f"/t/alpha/entries/{event.id}/").content.decode()
    assert '<dt class="col-sm-4">对接的科技成果和企业技术需求</dt>' in html


# --- the matches page --------------------------------------------------------------------


def test_matches_page_reach_and_reasons(client, world, other_world, built):
    client.force_login(world.users["officer"])
    html = client.get("/t/alpha/matches/").content.decode()
    match = pair_of(built)
    assert html.count('class="card shadow-sm mb-2 match-card"') == 1
    assert f'data-match="{match.id}"' in html
    assert f'href="/t/alpha/entries/{built["demand"].id}/">锂电池隔膜涂覆工艺升级</a>' in html
    # the achievement credits a d2 officer: out of this officer's reach, so
    # named (with its institution) but not linked (its page would answer 404)
    assert f'href="/t/alpha/entries/{built["lithium"].id}/"' not in html
    assert '<span class="badge text-bg-light">成果</span> 一种高稳定性锂电池正极材料' in html
    assert "<li>共同关键词：锂电池</li>" in html
    assert '<span class="fw-semibold match-score" title="匹配度">0.72</span>' in html
    # search
    assert "match-card" not in client.get("/t/alpha/matches/?q=中药").content.decode()
    assert "match-card" in client.get("/t/alpha/matches/?q=隔膜").content.decode()
    # the manager holds d1 (the demand's officer): sees it; English reasons
    client.force_login(world.users["manager"])
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/t/alpha/matches/").content.decode()
    assert html.count("match-card") == 1
    assert "<li>Shared terms: 锂电池</li>" in html and ">Arrange a matchmaking event</a>" in html
    # an officer of another tenant: 404; the auditor reads but does not act
    client.force_login(other_world.users["officer"])
    assert client.get("/t/alpha/matches/").status_code == 404
    client.force_login(world.users["auditor"])
    html = client.get("/t/alpha/matches/").content.decode()
    assert html.count("match-card") == 1 and "not-relevant" not in html


def test_a_manager_sees_only_their_districts(client, world, built):
    # a pair in d2 only (both sides credit d2): the d1 manager does not see it
    Match.objects.filter(demand=built["demand"]).update(demand=built["farm"])
    client.force_login(world.users["manager"])
    assert "match-card" not in client.get("/t/alpha/matches/").content.decode()
    client.force_login(world.users["admin"])
    assert client.get("/t/alpha/matches/").content.decode().count("match-card") == 1
    shown = match_feed(membership=world.users["admin"].memberships.get()).get()
    client.force_login(world.users["manager"])
    assert client.post(f"/t/alpha/matches/{shown.id}/not-relevant/").status_code == 404
    assert client.get(f"/t/alpha/matches/{shown.id}/arrange/").status_code == 404
    assert not MatchFeedback.objects.exists()


def test_not_relevant_removes_the_pair(client, world, built, django_capture_on_commit_callbacks):
    match = pair_of(built)
    client.force_login(world.users["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/t/alpha/matches/{match.id}/not-relevant/")
    assert response.status_code == 302 and response["Location"] == "/t/alpha/matches/"
    feedback = MatchFeedback.objects.get()
    assert (feedback.demand_id, feedback.achievement_id, feedback.verdict, feedback.by) == (
        built["demand"].id,
        built["lithium"].id,
        "not_relevant",
        world.users["officer"],
    )
    html = client.get("/t/alpha/matches/").content.decode()
    assert "match-card" not in html
    assert not Match.objects.filter(demand=built["demand"], achievement=built["lithium"]).exists()
    client.force_login(world.users["auditor"])
    assert client.post(f"/t/alpha/matches/{match.id}/not-relevant/").status_code == 403


def test_arrange_an_event_prefills_the_ledger_form(client, world, built):
    match = pair_of(built)
    client.force_login(world.users["officer"])
    response = client.get(f"/t/alpha/matches/{match.id}/arrange/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == "/t/alpha/work/new/event/"
    assert parse_qs(url.query) == {
        "title": ["对接：锂电池隔膜涂覆工艺升级 × 一种高稳定性锂电池正极材料"],
        "matched": [str(built["demand"].id), str(built["lithium"].id)],
    }
    page = client.get(response["Location"])
    form = page.context["form"]
    assert form.initial["title"] == "对接：锂电池隔膜涂覆工艺升级 × 一种高稳定性锂电池正极材料"
    assert form.initial["matched"] == [built["demand"].id, built["lithium"].id]
    # the officer is credited by the form itself
    assert form.own == [world.officers["mine"]]
    html = page.content.decode()
    assert f'<option value="{built["demand"].id}" selected>' in html
    client.force_login(world.users["auditor"])
    assert client.get(f"/t/alpha/matches/{match.id}/arrange/").status_code == 403


# --- the weekly digest -------------------------------------------------------------------


def test_the_weekly_digest_is_sent_once_a_week(world, built):
    now = timezone.now()
    assert send_weekly_match_digests(now=now.isoformat())["alpha"] == 1
    note = Notification.objects.get(user=world.users["officer"])
    week = timezone.localtime(now).date().isocalendar()
    assert note.key == f"matches-week:{world.officers['mine'].id}:{week[0]}-W{week[1]:02d}"
    assert note.title == "本周您的区域有 1 条新的匹配"
    assert note.link == "/t/alpha/matches/"
    # again the same week: nothing; a week on, matches not new any more: nothing
    assert send_weekly_match_digests(now=now.isoformat())["alpha"] == 0
    later = (now + dt.timedelta(days=8)).isoformat()
    assert send_weekly_match_digests(now=later)["alpha"] == 0
    assert Notification.objects.filter(key__startswith="matches-week:").count() == 1
    assert JobRun.objects.filter(name="match-digests", tenant=world.tenant).count() == 3


# --- the ranking and the assessment show each officer's conversion rate ------------------


def test_ranking_and_assessment_show_the_conversion_rate(client, world, built):
    client.force_login(world.users["admin"])
    figure = '<small class="text-body-secondary conversion-rate" title="转化率">转化率 {}</small>'
    # the ranking page shows one pool at a time (issue 16): d1's 张三, d2's 王五
    for pool, rate in (("district:d1", "100%"), ("district:d2", "0%")):
        html = client.get("/t/alpha/rankings/2025/", {"pool": pool}).content.decode()
        assert html.count("conversion-rate") == 1
        assert figure.format(rate) in html
    html = client.get("/t/alpha/assessment/2025/").content.decode()
    assert html.count("conversion-rate") == 2
    assert figure.format("100%") in html and figure.format("0%") in html


def test_the_page_is_paginated_by_twenty(client, world, built):
    match = pair_of(built)
    for i in range(21):
        achievement = make_entry(
            world,
            ["d2"],
            status="verified",
            title=f"成果{i}",
            **{k: v for k, v in LITHIUM.items() if k != "title"},
        )
        Match.objects.create(
            tenant=world.tenant,
            source="demand",
            demand=built["demand"],
            achievement=achievement,
            score="0.5",
            computed_at=match.computed_at,
        )
    client.force_login(world.users["officer"])
    html = client.get("/t/alpha/matches/?q=成果").content.decode()
    assert html.count("match-card") == 20 and "共 21 条" in html
    assert 'href="?q=%E6%88%90%E6%9E%9C&amp;page=2"' in html
    assert client.get("/t/alpha/matches/?q=成果&page=2").content.decode().count("match-card") == 1


def test_an_officer_links_both_sides_of_a_pair_in_their_area_only(world, built):
    """The API takes the other side of a pair in the officer's area (out of
    their reach) as ``matched``, and refuses an entry that is neither in
    their reach nor in a pair of their area, as if it did not exist."""
    api = world.api("officer")
    body = {
        "title": "锂电池对接会（二）",
        "occurred_on": "2025-07-01",
        "officers": [world.officers["mine"].id],
        "event_type": "roadshow",
        "matched": [built["demand"].id, built["lithium"].id],
    }
    response = api.post(world.url("events/"), body, format="json")
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["matched"]) == sorted([built["demand"].id, built["lithium"].id])
    body["matched"] = [built["farm"].id]  # a d2 demand with no pair in the officer's area
    response = api.post(world.url("events/"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["matched"]
