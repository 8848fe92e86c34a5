"""Selection as the documents run it (issue 11, SPEC.md §4.1, API.md "Programme
rules as data"): each preset's own chain to appointment, seats and reserves,
no notice where the programme has none, leader approvals, structured
nomination fields, deadlines and self-nomination. Through the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from accounts.selectors import policy_in_force
from roster.models import Nomination, NominationTransition, Officer
from tests.world import World, build_world

NOW = dt.datetime(2026, 3, 6, 10, 0, tzinfo=dt.UTC)  # a Friday
LEADER = "党组会议纪要〔2026〕3号"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _round(w: World, category: str, seats: int = 3, **extra) -> dict:
    response = w.api("admin").post(
        w.url("selection-rounds/"),
        {"year": 2026, "category": category, "seats": seats, **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def _nominate(w: World, round_id: int, n: int = 1, who: str = "reviewer", **fields) -> int:
    body = {
        "round": round_id,
        "full_name": f"候选人{n}",
        "unit": w.units["u1"].id,
        "mobile": f"1390000{n:04d}",
        "gender": "female",
        "birth_date": "1985-05-01",
        "degree": "master",
        "title_level": "intermediate",
        "employer_since": "2015-07-01",
        "park_years": 5,
        "certificates": "技术经理人",
        **fields,
    }
    response = w.api(who).post(w.url("nominations/"), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _advance(w: World, who: str, nomination_id: int, comment: str = ""):
    return w.api(who).post(
        w.url(f"nominations/{nomination_id}/advance/"), {"comment": comment}, format="json"
    )


def _stage(nomination_id: int) -> str:
    return Nomination.objects.get(pk=nomination_id).stage


#: Who takes each review step in the test world (reviewer: u1; manager: d1).
BY_ROLE = {"unit_reviewer": "reviewer", "district_manager": "manager", "admin": "admin"}


def _walk_chain(w: World, selection: dict, nomination_id: int) -> list[str]:
    """Submit, then every review step of the round's own chain by its role
    (the leader approvals with their reference). Returns the stages passed."""
    assert _advance(w, "reviewer", nomination_id).status_code == 200
    passed = ["submitted"]
    for step in selection["stages"]:
        leader = "领导审定" in step["label"] or "党组审定" in step["label"]
        response = _advance(w, BY_ROLE[step["role"]], nomination_id, LEADER if leader else "同意")
        assert response.status_code == 200, (step, response.content)
        assert response.json()["stage"] == step["code"]
        passed.append(step["code"])
    return passed


def _publish(w: World, round_id: int, **body):
    return w.api("admin").post(
        w.url(f"selection-rounds/{round_id}/publish-notice/"), body, format="json"
    )


def _appoint(w: World, round_id: int, body: dict | None = None, who: str = "admin"):
    return w.api(who).post(
        w.url(f"selection-rounds/{round_id}/appoint/"), body or {}, format="json"
    )


def _history(nomination_id: int) -> list[str]:
    return list(
        NominationTransition.objects.filter(nomination_id=nomination_id)
        .order_by("id")
        .values_list("to_stage", flat=True)
    )


# --- each preset's own chain, draft to appointment ------------------------------------------

#: preset, category, the chain's stage codes, notice, self-nomination, term end.
JOURNEYS = [
    ("wuhan", "city", ["unit_endorsed", "centre_verified"], False, False, dt.date(2028, 3, 5)),
    (
        "wuhan",
        "district",
        ["unit_endorsed", "district_recommended", "centre_verified"],
        True,
        False,
        dt.date(2028, 3, 12),
    ),
    ("yangquan", "commissioner", ["unit_endorsed", "centre_verified"], True, True, None),
    (
        "puyang",
        "B",
        ["unit_endorsed", "district_recommended", "centre_verified"],
        True,
        True,
        dt.date(2028, 3, 12),
    ),
    (
        "suzhou",
        "specialist",
        ["unit_endorsed", "district_recommended", "centre_verified"],
        False,
        False,
        dt.date(2028, 3, 5),
    ),
    ("hubei", "B", ["district_recommended", "centre_verified"], True, False, dt.date(2028, 3, 12)),
]


@pytest.mark.parametrize(
    ("preset", "category", "codes", "notice", "self_nomination", "term_end"),
    JOURNEYS,
    ids=[f"{j[0]}-{j[1]}" for j in JOURNEYS],
)
def test_preset_journey_to_appointment(
    clock, db, preset, category, codes, notice, self_nomination, term_end
):
    w = build_world(f"j{preset[:3]}", preset=preset)
    selection = _round(w, category, seats=1)
    assert [s["code"] for s in selection["stages"]] == codes
    assert (selection["notice"], selection["self_nomination"]) == (notice, self_nomination)
    nomination_id = _nominate(w, selection["id"])

    assert _walk_chain(w, selection, nomination_id) == ["submitted", *codes]

    if notice:
        assert _publish(w, selection["id"], start="2026-03-06").status_code == 201
        assert _appoint(w, selection["id"]).status_code == 409  # the notice runs
        clock.move_to(dt.datetime(2026, 3, 13, 9, 0, tzinfo=dt.UTC))  # after 5 working days
    else:
        response = _publish(w, selection["id"])
        assert response.status_code == 409, response.content
        label = policy_in_force(tenant=w.tenant).category_labels[category]
        # the category by its label, not its code
        assert response.json() == {"detail": f"本项目认定 {label} 不经公示。"}
    response = _appoint(w, selection["id"])
    assert response.status_code == 200, response.content
    assert [a["nomination"] for a in response.json()["appointed"]] == [nomination_id]
    assert response.json()["reserves"] == []
    officer = Officer.objects.get(nominations=nomination_id)
    start = dt.date(2026, 3, 13) if notice else dt.date(2026, 3, 6)
    years = {"yangquan": 1}.get(preset, 2)
    assert (officer.category, officer.term_start) == (category, start)
    assert officer.term_end == (term_end or dt.date(start.year + years, 3, start.day - 1))
    expected = ["draft", "submitted", *codes, *(["on_notice"] if notice else []), "appointed"]
    assert _history(nomination_id) == expected


def test_every_preset_category_has_a_chain_ending_centre_verified():
    from accounts.presets import PRESETS

    for name, rules in PRESETS.items():
        assert set(rules["selection"]) == {c["code"] for c in rules["categories"]}, name
        for code, chain in rules["selection"].items():
            assert chain["stages"][-1]["code"] == "centre_verified", (name, code)
            assert rules["review_stages"][code] == chain["stages"]
    no_notice = {
        (n, c) for n, r in PRESETS.items() for c, ch in r["selection"].items() if not ch["notice"]
    }
    own = {
        (n, c)
        for n, r in PRESETS.items()
        for c, ch in r["selection"].items()
        if ch["self_nomination"]
    }
    assert no_notice == {("wuhan", "city"), ("suzhou", "specialist")}
    assert own == {("yangquan", "commissioner"), ("puyang", "A"), ("puyang", "B")}


# --- leader approvals -------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   "])
def test_leader_approval_needs_the_decisions_reference(clock, db, comment):
    w = build_world("lead")
    selection = _round(w, "city")
    nomination_id = _nominate(w, selection["id"])
    assert _advance(w, "reviewer", nomination_id).status_code == 200
    assert _advance(w, "reviewer", nomination_id).status_code == 200  # 局属单位落实
    before = _history(nomination_id)

    response = _advance(w, "admin", nomination_id, comment)

    assert response.status_code == 400
    assert list(response.json()) == ["comment"]
    assert (_stage(nomination_id), _history(nomination_id)) == ("unit_endorsed", before)
    assert _advance(w, "manager", nomination_id, LEADER).status_code == 403  # not their step
    response = _advance(w, "admin", nomination_id, LEADER)
    assert response.status_code == 200
    assert response.json()["history"][-1]["comment"] == LEADER
    assert response.json()["stage"] == "centre_verified"


# --- seats and reserves -----------------------------------------------------------------------


def _verified_city_round(w: World, seats: int, count: int) -> tuple[dict, list[int]]:
    """A wuhan city round (no notice) with ``count`` centre-verified nominations."""
    selection = _round(w, "city", seats=seats)
    ids = []
    for n in range(1, count + 1):
        nomination_id = _nominate(w, selection["id"], n)
        _walk_chain(w, selection, nomination_id)
        ids.append(nomination_id)
    return selection, ids


def test_more_verified_than_seats_and_no_choice_is_409(clock, db):
    w = build_world("seat")
    selection, ids = _verified_city_round(w, seats=1, count=3)
    response = _appoint(w, selection["id"])
    assert response.status_code == 409
    assert all(_stage(i) == "centre_verified" for i in ids)
    assert not Officer.objects.filter(nominations__in=ids).exists()


@pytest.mark.parametrize(
    ("choose", "field"),
    [
        (lambda ids: ids[:2], "nominations"),  # longer than the 1 seat
        (lambda ids: [999999], "nominations"),  # not of this round
        (lambda ids: [], "nominations"),
    ],
)
def test_bad_choice_is_400_and_changes_nothing(clock, db, choose, field):
    w = build_world("seat")
    selection, ids = _verified_city_round(w, seats=1, count=3)
    response = _appoint(w, selection["id"], {"nominations": choose(ids)})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert all(_stage(i) == "centre_verified" for i in ids)


def test_choice_appoints_up_to_the_seats_and_the_rest_are_reserves(clock, db):
    w = build_world("seat")
    selection, ids = _verified_city_round(w, seats=1, count=3)
    other_round = _round(w, "city")
    stranger = _nominate(w, other_round["id"], 9)
    response = _appoint(w, selection["id"], {"nominations": [stranger]})
    assert response.status_code == 400  # another round's nomination is not appointable here

    response = _appoint(w, selection["id"], {"nominations": [ids[1]]})

    assert response.status_code == 200, response.content
    assert [a["nomination"] for a in response.json()["appointed"]] == [ids[1]]
    reserves = [r["id"] for r in response.json()["reserves"]]
    assert reserves == [ids[0], ids[2]]
    assert [_stage(i) for i in ids] == ["centre_verified", "appointed", "centre_verified"]
    detail = w.api("admin").get(w.url(f"selection-rounds/{selection['id']}/")).json()
    assert ([r["id"] for r in detail["reserves"]], detail["seats_left"]) == (reserves, 0)
    # every seat taken: a further appointment is refused
    assert _appoint(w, selection["id"], {"nominations": [ids[0]]}).status_code == 400
    assert _appoint(w, selection["id"]).status_code == 409
    # the round page lists the reserves
    client = Client()
    client.force_login(w.users["admin"])
    page = client.get(f"/t/{w.tenant.slug}/selection/{selection['id']}/").content.decode()
    assert 'id="reserves"' in page
    assert f'data-reserve="{ids[0]}"' in page and f'data-reserve="{ids[2]}"' in page


def test_round_page_ticks_whom_to_appoint(clock, db):
    w = build_world("tick")
    selection, ids = _verified_city_round(w, seats=2, count=3)
    client = Client()
    client.force_login(w.users["admin"])
    url = f"/t/{w.tenant.slug}/selection/{selection['id']}/"
    page = client.get(url).content.decode()
    assert all(f'name="nominations" value="{i}"' in page for i in ids)
    client.post(url + "appoint/", {"nominations": [ids[0], ids[2]]})
    assert [_stage(i) for i in ids] == ["appointed", "centre_verified", "appointed"]


def test_with_notice_only_the_noticed_are_appointable(clock, db):
    w = build_world("ntc")
    selection = _round(w, "district", seats=1)
    first, second = _nominate(w, selection["id"], 1), _nominate(w, selection["id"], 2)
    _walk_chain(w, selection, first)
    _walk_chain(w, selection, second)
    assert _publish(w, selection["id"], start="2026-02-23", end="2026-02-27").status_code == 201
    assert _appoint(w, selection["id"]).status_code == 409  # 2 on notice, 1 seat
    response = _appoint(w, selection["id"], {"nominations": [second]})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["reserves"]] == [first]
    assert (_stage(first), _stage(second)) == ("on_notice", "appointed")


def test_appoint_with_a_choice_is_admin_only(clock, db):
    w = build_world("adm")
    selection, ids = _verified_city_round(w, seats=1, count=1)
    for who in ("auditor", "manager", "reviewer"):
        assert _appoint(w, selection["id"], {"nominations": ids}, who=who).status_code == 403
    other = build_world("adm2")
    assert _appoint(other, selection["id"], {"nominations": ids}).status_code == 404


# --- structured nomination fields ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"gender": "男"}, ["gender"]),
        ({"degree": "硕士"}, ["degree"]),
        ({"title_level": "高级"}, ["title_level"]),
        ({"employer_since": "2026-03-07"}, ["employer_since"]),
        ({"birth_date": "2090-01-01"}, ["birth_date"]),
        ({"park_years": 40, "birth_date": "1990-01-01"}, ["park_years"]),
    ],
)
def test_structured_fields_are_validated(clock, db, fields, errors):
    w = build_world("fld")
    selection = _round(w, "district")
    body = {
        "round": selection["id"],
        "full_name": "候选人",
        "unit": w.units["u1"].id,
        "mobile": "13900000001",
        **fields,
    }
    response = w.api("reviewer").post(w.url("nominations/"), body, format="json")
    assert response.status_code == 400
    assert sorted(response.json()) == errors
    assert not Nomination.objects.filter(full_name="候选人").exists()


def test_structured_fields_are_stored_and_shown(clock, db):
    w = build_world("fld")
    selection = _round(w, "district")
    renewed = w.officers["d1"]
    nomination_id = _nominate(w, selection["id"], officer=renewed.id, office_phone="027-1234567")
    data = w.api("manager").get(w.url(f"nominations/{nomination_id}/")).json()
    assert {k: data[k] for k in ("gender", "degree", "title_level", "employer_since")} == {
        "gender": "female",
        "degree": "master",
        "title_level": "intermediate",
        "employer_since": "2015-07-01",
    }
    assert (data["birth_date"], data["integrity_record"], data["officer"]) == (
        "1985-05-01",
        False,
        renewed.id,
    )
    client = Client()
    client.force_login(w.users["manager"])
    page = client.get(f"/t/{w.tenant.slug}/nominations/{nomination_id}/").content.decode()
    for shown in ("1985-05-01", "2015-07-01", "027-1234567"):
        assert shown in page


def test_officer_of_another_tenant_is_refused(clock, db):
    w, other = build_world("own"), build_world("oth")
    selection = _round(w, "district")
    body = {
        "round": selection["id"],
        "full_name": "候选人",
        "unit": w.units["u1"].id,
        "mobile": "13900000001",
        "officer": other.officers["d1"].id,
    }
    response = w.api("reviewer").post(w.url("nominations/"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["officer"]


def test_printable_form_shows_each_reviewers_opinion_name_and_date(clock, db):
    w = build_world("prt")
    selection = _round(w, "district")
    nomination_id = _nominate(w, selection["id"])
    _walk_chain(w, selection, nomination_id)
    client = Client()
    client.force_login(w.users["auditor"])
    page = client.get(f"/t/{w.tenant.slug}/nominations/{nomination_id}/form/").content.decode()
    opinions = page.split('id="opinions"')[1]
    for label in ("单位申报", "区科技管理部门审核推荐", "转化中心信息审核"):
        assert label in opinions
    assert opinions.count("2026-03-06") == 3
    assert "<th>审核环节</th>" in page.split('id="opinions"')[1]
    assert "prt-manager" in opinions and opinions.count("同意") == 3


def test_printable_form_has_a_signature_and_stamp_box_per_review_step(clock, db):
    """issue 14 item 7: the 推荐表 prints the nominee's category and, for each
    step of the round's chain, a blank box for the opinion, the signature of
    the person in charge with the stamp, and the date; the portal's record
    fills the box once the step is taken. Scoped like the nomination page."""
    w, other = build_world("sig"), build_world("sgo")
    selection = _round(w, "district")
    nomination_id = _nominate(w, selection["id"])
    url = f"/t/{w.tenant.slug}/nominations/{nomination_id}/form/"
    client = Client()
    client.force_login(w.users["manager"])
    page = client.get(url).content.decode()
    assert '<td colspan="3" data-field="category">区派联络员</td>' in page
    assert "data-print>打印</button>" in page
    opinions = page.split('id="opinions"')[1]
    assert [part.split('"')[0] for part in opinions.split('data-step="')[1:]] == [
        s["code"] for s in selection["stages"]
    ]
    assert opinions.count('<div class="sign-box">') == len(selection["stages"]) == 3
    assert opinions.count("负责人签字（盖章）：") == 3
    assert opinions.count("日期：") == 3
    assert "系统记录" not in opinions
    _walk_chain(w, selection, nomination_id)
    opinions = client.get(url).content.decode().split('id="opinions"')[1]
    assert opinions.count("系统记录：") == 3
    assert opinions.count("负责人签字（盖章）：") == 3
    # another tenant's member, an officer: as on the nomination page
    stranger = Client()
    stranger.force_login(other.users["admin"])
    assert stranger.get(url).status_code == 404
    officer = Client()
    officer.force_login(w.users["officer"])
    detail = officer.get(f"/t/{w.tenant.slug}/nominations/{nomination_id}/").status_code
    assert officer.get(url).status_code == detail == 403


# --- deadlines --------------------------------------------------------------------------------


def test_submission_after_the_deadline_is_409_with_the_date(clock, db):
    w = build_world("ddl")
    selection = _round(w, "district", deadline="2026-03-05")
    nomination_id = _nominate(w, selection["id"])
    response = _advance(w, "reviewer", nomination_id)
    assert response.status_code == 409
    assert "2026-03-05" in str(response.json())
    assert _stage(nomination_id) == "draft"
    on_time = _round(w, "district", deadline="2026-03-06")
    assert _advance(w, "reviewer", _nominate(w, on_time["id"], 2)).status_code == 200
    client = Client()
    client.force_login(w.users["admin"])
    page = client.get(f"/t/{w.tenant.slug}/selection/{selection['id']}/").content.decode()
    assert 'id="round-deadline"' in page and "2026-03-05" in page


# --- self-nomination --------------------------------------------------------------------------


def _apply(slug: str, round_id: int, **fields):
    from rest_framework.test import APIClient

    body = {
        "full_name": "自荐人",
        "mobile": "13700000001",
        "gender": "male",
        "degree": "master",
        **fields,
    }
    return APIClient().post(
        f"/api/v1/public/{slug}/rounds/{round_id}/applications/", body, format="json"
    )


def test_public_application_lands_as_a_draft_the_unit_takes_up(clock, db):
    cache.clear()
    w = build_world("own", preset="yangquan")
    selection = _round(w, "commissioner")
    response = _apply("own", selection["id"], unit=w.units["u1"].id)
    assert response.status_code == 201, response.content
    nomination = Nomination.objects.get(pk=response.json()["id"])
    assert (nomination.stage, nomination.nominated_by, nomination.district) == (
        "draft",
        None,
        w.districts["d1"],
    )
    # the unit's reviewer takes it up (submits); a manager may not
    assert _advance(w, "manager", nomination.id).status_code == 403
    assert _advance(w, "reviewer", nomination.id).status_code == 200
    assert _stage(nomination.id) == "submitted"


def test_the_centre_takes_up_a_self_application_too(clock, db):
    cache.clear()
    w = build_world("own", preset="puyang")
    selection = _round(w, "A")
    nomination_id = _apply("own", selection["id"], unit=w.units["u2"].id).json()["id"]
    assert _advance(w, "reviewer", nomination_id).status_code == 404  # u2: not their unit
    assert _advance(w, "admin", nomination_id).status_code == 200


def test_public_application_refusals(clock, db):
    cache.clear()
    w = build_world("own", preset="yangquan")
    wuhan = build_world("wh")
    closed = _round(w, "commissioner", deadline="2026-03-05")
    # a round without self-nomination: 404; another tenant's slug: 404
    no_self = _round(wuhan, "district")
    assert _apply("wh", no_self["id"], unit=wuhan.units["u1"].id).status_code == 404
    assert _apply("wh", closed["id"], unit=w.units["u1"].id).status_code == 404
    # after the deadline: 409
    response = _apply("own", closed["id"], unit=w.units["u1"].id)
    assert response.status_code == 409
    assert "2026-03-05" in str(response.json())
    # another tenant's unit, bad fields: 400
    open_round = _round(w, "commissioner")
    assert _apply("own", open_round["id"], unit=wuhan.units["u1"].id).status_code == 400
    assert _apply("own", open_round["id"], unit=w.units["u1"].id, mobile="123").status_code == 400
    assert not Nomination.objects.filter(full_name="自荐人").exists()
    # the page: 200 open, 409 closed, 404 without self-nomination
    assert Client().get(f"/public/own/rounds/{open_round['id']}/apply/").status_code == 200
    assert Client().get(f"/public/own/rounds/{closed['id']}/apply/").status_code == 409
    assert Client().get(f"/public/wh/rounds/{no_self['id']}/apply/").status_code == 404


def test_public_application_page_files_a_draft(clock, db):
    cache.clear()
    w = build_world("own", preset="yangquan")
    selection = _round(w, "commissioner")
    url = f"/public/own/rounds/{selection['id']}/apply/"
    response = Client().post(
        url,
        {"full_name": "页面自荐", "unit": w.units["u1"].id, "mobile": "13700000002"},
    )
    assert response.status_code == 302
    assert Nomination.objects.get(full_name="页面自荐").nominated_by is None


def test_public_application_is_rate_limited(clock, db):
    from rest_framework.throttling import ScopedRateThrottle

    from roster.api.selection import PublicApplicationView

    assert PublicApplicationView.authentication_classes == []
    assert PublicApplicationView.throttle_scope == "public"
    assert ScopedRateThrottle in PublicApplicationView.throttle_classes
    cache.clear()
    w = build_world("own", preset="yangquan")
    selection = _round(w, "commissioner")
    url = f"/public/own/rounds/{selection['id']}/apply/"
    codes = [Client().post(url, {"full_name": ""}).status_code for _ in range(11)]
    assert codes == [400] * 10 + [429]
