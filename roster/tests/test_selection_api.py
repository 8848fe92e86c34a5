"""Selection workflow API (SPEC.md §4.1, API.md "Selection workflow"): the
stage × role × action matrix of the wuhan district chain, the transition
history, eligibility blocks at submission, other presets' chains, public
notice, appointment with the invitation link, and tenant / role isolation.

"Today" is fixed with time_machine; a refused request is shown to change
nothing (stage and the number of transition rows stay as they were).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils.translation import gettext
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import Membership, User
from roster import services as roster
from roster import workflow
from roster.models import Nomination, NominationTransition, Notice, Objection, Officer
from tests.world import PASSWORD, World, build_world

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


#: "Today" of every test unless it moves the clock: Friday 2026-03-06, 10:00 in Shanghai.
NOW = at(2026, 3, 6)
TODAY = NOW.date()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alpha(clock, db) -> World:
    """tests.world's tenant, built on Friday 2026-03-06: its notice runs
    2026-03-02 .. 2026-03-06 (today is its last day) and one objection is open."""
    return build_world("alpha")


@pytest.fixture
def beta(alpha) -> World:
    return build_world("beta")


def member(w: World, who: str) -> Membership:
    return Membership.objects.get(tenant=w.tenant, user=w.users[who])


def transitions(nomination: Nomination) -> int:
    return NominationTransition.objects.filter(nomination=nomination).count()


def last_transition(nomination: Nomination) -> NominationTransition:
    return NominationTransition.objects.filter(nomination=nomination).latest("id")


def snapshot(nomination: Nomination) -> tuple:
    """What a refused request must leave unchanged."""
    nomination = Nomination.objects.get(pk=nomination.pk)
    return (
        nomination.stage,
        nomination.notice_id,
        nomination.officer_id,
        nomination.warnings,
        transitions(nomination),
    )


def nominate(w: World, who: str, selection, unit: str = "u1", **data) -> Nomination:
    """A draft nomination in ``selection`` from ``unit``, made by ``who`` through the services."""
    return workflow.nomination_create(
        membership=member(w, who), round=selection, data={"unit": w.units[unit], **data}
    )


LEADER_REFERENCE = "分管领导审定：武科转〔2026〕1号"


def advance_by(w: World, nomination: Nomination, *steps: str) -> None:
    """Advance ``nomination`` once for each login named, in turn, through the services."""
    for who in steps:
        # the centre's step of the wuhan district chain records the deputy
        # director's approval: its reference is the comment
        comment = LEADER_REFERENCE if who == "admin" else ""
        workflow.nomination_advance(
            membership=member(w, who), nomination=nomination, comment=comment
        )


def act(w: World, who: str, nomination_id: int, action: str, body: dict | None = None):
    """``who`` POSTs ``action`` (advance, reject or withdraw) on a nomination."""
    return w.api(who).post(
        w.url(f"nominations/{nomination_id}/{action}/"), body or {}, format="json"
    )


def nomination_body(w: World, round_id: int, **fields) -> dict:
    """A POST /nominations/ body: a nomination from u1, ``fields`` overriding."""
    return {
        "round": round_id,
        "full_name": "候选人",
        "unit": w.units["u1"].id,
        "mobile": "13900000009",
        **fields,
    }


# --- tests.world's wuhan tenant, with a login for each column of the matrix -----------------------

#: Columns of the matrix. ``nominator`` is the unit reviewer of u1 who created
#: the nomination; ``reviewer`` another unit reviewer of u1 (not the
#: nominator); ``other_reviewer`` reviews u2 only; ``other_manager`` manages d2
#: only; the nomination is from u1 in d1.
ACTORS = (
    "admin",
    "auditor",
    "manager",
    "other_manager",
    "nominator",
    "reviewer",
    "other_reviewer",
    "officer",
)

WUHAN_DISTRICT_CHAIN = (
    "draft",
    "submitted",
    "unit_endorsed",
    "district_recommended",
    "centre_verified",
    "on_notice",
    "appointed",
)

#: Who takes each step when a nomination is built to a stage.
STEP_BY = {
    "submitted": "nominator",
    "unit_endorsed": "reviewer",
    "district_recommended": "manager",
    "centre_verified": "admin",
}

#: The matrix's logins that tests.world does not make (its ``manager`` holds
#: d1 and its ``reviewer`` u1): who -> (role, reach, district or unit).
EXTRA_LOGINS = {
    "nominator": (Role.UNIT_REVIEWER, "units", "u1"),
    "other_manager": (Role.DISTRICT_MANAGER, "districts", "d2"),
    "other_reviewer": (Role.UNIT_REVIEWER, "units", "u2"),
}


def add_login(w: World, who: str) -> Membership:
    """Give ``w`` the extra login ``who`` of EXTRA_LOGINS."""
    role, reach, code = EXTRA_LOGINS[who]
    places = w.units if reach == "units" else w.districts
    membership = roster.member_create(
        tenant=w.tenant,
        username=f"{w.tenant.slug}-{who}",
        password=PASSWORD,
        role=role,
        **{reach: [places[code]]},
    )
    w.users[who] = membership.user
    return membership


def matrix_world(slug: str = "mx") -> World:
    """tests.world's wuhan tenant with a login for each column of the matrix
    (also used by test_selection_race.py)."""
    w = build_world(slug)
    for who in EXTRA_LOGINS:
        add_login(w, who)
    return w


@pytest.fixture(scope="module")
def mx(django_db_setup, django_db_blocker) -> World:
    """``matrix_world()`` built on NOW, once for the module, inside a
    transaction rolled back at its end. Each test still runs in its own
    savepoint and builds its own nominations, and none changes this World
    object."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            w = matrix_world()
        yield w
        transaction.set_rollback(True)


def nomination_at(w: World, stage: str, n: int = 1) -> Nomination:
    """A fresh nomination (its own round, from u1 in d1, by the nominator)
    walked to ``stage`` of the wuhan district chain through the services."""
    admin = member(w, "admin")
    selection = workflow.round_create(membership=admin, year=2026, category="district", seats=1)
    nomination = nominate(
        w,
        "nominator",
        selection,
        full_name=f"候选人{n}",
        mobile=f"1390000{n:04d}",
        email=f"n{n}@example.com",
    )
    for target in WUHAN_DISTRICT_CHAIN[1 : WUHAN_DISTRICT_CHAIN.index(stage) + 1]:
        if target == "on_notice":
            # A notice that ended last week, so that "appointed" can follow today.
            workflow.notice_publish(
                membership=admin,
                round=selection,
                start=dt.date(2026, 2, 23),
                end=dt.date(2026, 2, 27),
            )
        elif target == "appointed":
            workflow.round_appoint(membership=admin, round=selection)
        else:
            advance_by(w, nomination, STEP_BY[target])
    nomination.refresh_from_db()
    assert nomination.stage == stage
    return nomination


# --- the matrix -------------------------------------------------------------------------------

# fmt: off
#: Rows shared by the matrix below, one code per column of ACTORS:
#                       admin auditor manager o_mgr nominator reviewer o_rev officer
NOMINATOR_ONLY =       (403,  403,    403,    404,  200,      403,     404,  404)
PAST_THE_CHAIN =       (409,  403,    409,    404,  409,      409,     404,  404)
TOO_LATE_TO_WITHDRAW = (403,  403,    403,    404,  409,      403,     404,  404)

#: advance and reject share every row but draft's.
REVIEW_ROWS = {
    #                       admin auditor manager o_mgr nominator reviewer o_rev officer
    "submitted":            (403, 403,    403,    404,  200,      200,     404,  404),
    "unit_endorsed":        (403, 403,    200,    404,  403,      403,     404,  404),
    "district_recommended": (200, 403,    403,    404,  403,      403,     404,  404),
    "centre_verified":      PAST_THE_CHAIN,
    "on_notice":            PAST_THE_CHAIN,
    "appointed":            PAST_THE_CHAIN,
}

#: Expected status of each (action, stage, actor). 200 = the documented cell;
#: 403 visible but not yours; 404 out of reach; 409 not from this stage.
MATRIX = {
    "advance": {"draft": NOMINATOR_ONLY, **REVIEW_ROWS},
    "reject": {"draft": PAST_THE_CHAIN, **REVIEW_ROWS},
    "withdraw": {
        "draft":                NOMINATOR_ONLY,
        "submitted":            NOMINATOR_ONLY,
        "unit_endorsed":        TOO_LATE_TO_WITHDRAW,
        "district_recommended": TOO_LATE_TO_WITHDRAW,
        "centre_verified":      TOO_LATE_TO_WITHDRAW,
        "on_notice":            TOO_LATE_TO_WITHDRAW,
        "appointed":            TOO_LATE_TO_WITHDRAW,
    },
}
# fmt: on


def _cells():
    for action, rows in MATRIX.items():
        for stage, codes in rows.items():
            for actor, code in zip(ACTORS, codes, strict=True):
                yield pytest.param(action, stage, actor, code, id=f"{action}-{stage}-{actor}")


def _target(action: str, stage: str) -> str:
    if action == "advance":
        return WUHAN_DISTRICT_CHAIN[WUHAN_DISTRICT_CHAIN.index(stage) + 1]
    return {"reject": "rejected", "withdraw": "withdrawn"}[action]


def test_matrix_has_every_cell():
    assert set(MATRIX) == {"advance", "reject", "withdraw"}
    for rows in MATRIX.values():
        assert tuple(rows) == WUHAN_DISTRICT_CHAIN
        assert all(len(codes) == len(ACTORS) for codes in rows.values())


@pytest.mark.parametrize(("action", "stage", "actor", "expected"), list(_cells()))
def test_stage_role_action_matrix(mx, clock, action, stage, actor, expected):
    w = mx
    nomination = nomination_at(w, stage)
    before = snapshot(nomination)
    comment = "理由：材料不全" if action == "reject" else "意见：同意"
    body = {"reason": comment} if action == "reject" else {"comment": comment}

    response = act(w, actor, nomination.id, action, body)

    assert response.status_code == expected, response.content
    if expected != 200:
        assert snapshot(nomination) == before
        return
    target = _target(action, stage)
    assert response.json()["stage"] == target
    nomination.refresh_from_db()
    assert nomination.stage == target
    assert transitions(nomination) == before[-1] + 1
    last = last_transition(nomination)
    assert (last.actor, last.from_stage, last.to_stage, last.comment, last.at) == (
        w.users[actor],
        stage,
        target,
        comment,
        NOW,
    )


# --- history, reason, withdraw --------------------------------------------------------------


def test_every_transition_is_recorded_and_shown_as_history(mx, clock):
    w = mx
    selection = workflow.round_create(
        membership=member(w, "admin"), year=2026, category="district", seats=2
    )
    response = w.api("nominator").post(
        w.url("nominations/"),
        nomination_body(
            w,
            selection.id,
            full_name="候选人甲",
            mobile="13900000001",
            email="jia@example.com",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["stage"], created["district"], created["category"]) == (
        "draft",
        "d1",
        "district",
    )
    nomination = Nomination.objects.get(pk=created["id"])
    steps = [
        (at(2026, 3, 6, 11), "nominator", "请审核"),
        (at(2026, 3, 9, 9, 30), "reviewer", "单位同意推荐"),
        (at(2026, 3, 10, 15), "manager", "区科技局推荐"),
        (at(2026, 3, 11, 16, 45), "admin", "信息审核通过"),
    ]
    for moment, who, comment in steps:
        clock.move_to(moment)
        response = act(w, who, nomination.id, "advance", {"comment": comment})
        assert response.status_code == 200, response.content

    response = w.api("auditor").get(w.url(f"nominations/{nomination.id}/"))
    assert response.status_code == 200
    history = [
        (
            dt.datetime.fromisoformat(h["at"]),
            h["actor"],
            h["from_stage"],
            h["to_stage"],
            h["comment"],
        )
        for h in response.json()["history"]
    ]
    assert history == [
        (NOW, "mx-nominator", "", "draft", gettext("Nomination created.")),
        (at(2026, 3, 6, 11), "mx-nominator", "draft", "submitted", "请审核"),
        (at(2026, 3, 9, 9, 30), "mx-reviewer", "submitted", "unit_endorsed", "单位同意推荐"),
        (
            at(2026, 3, 10, 15),
            "mx-manager",
            "unit_endorsed",
            "district_recommended",
            "区科技局推荐",
        ),
        (
            at(2026, 3, 11, 16, 45),
            "mx-admin",
            "district_recommended",
            "centre_verified",
            "信息审核通过",
        ),
    ]
    rows = list(
        NominationTransition.objects.filter(nomination=nomination)
        .order_by("id")
        .values_list("actor__username", "from_stage", "to_stage")
    )
    assert rows == [(h[1], h[2], h[3]) for h in history]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_reject_needs_a_reason(mx, clock, body):
    w = mx
    nomination = nomination_at(w, "submitted")
    before = snapshot(nomination)
    response = act(w, "reviewer", nomination.id, "reject", body)
    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot(nomination) == before

    response = act(w, "reviewer", nomination.id, "reject", {"reason": "不符合条件"})
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert nomination.stage == "rejected"
    last = last_transition(nomination)
    assert (last.from_stage, last.to_stage, last.comment, last.actor) == (
        "submitted",
        "rejected",
        "不符合条件",
        w.users["reviewer"],
    )


@pytest.mark.parametrize("stage", ["draft", "submitted"])
def test_withdrawn_nomination_is_closed(mx, clock, stage):
    w = mx
    nomination = nomination_at(w, stage)
    response = act(w, "nominator", nomination.id, "withdraw", {"comment": "本人放弃"})
    assert response.status_code == 200
    assert response.json()["stage"] == "withdrawn"
    before = snapshot(nomination)
    for who, action in (
        ("nominator", "advance"),
        ("reviewer", "advance"),
        ("nominator", "withdraw"),
        ("reviewer", "reject"),
        ("admin", "reject"),
    ):
        response = act(w, who, nomination.id, action, {"reason": "x"})
        assert response.status_code == 409, (who, action)
        assert snapshot(nomination) == before


# --- eligibility at submission ----------------------------------------------------------------

YQ_DEGREE = "具有硕士学位或中级（含）以上职称"
YQ_INTEGRITY = "近三年内无科研失信行为、无违法违纪记录、无不良信用记录"
WH_RETIREMENT = "距离退休年龄不足2年的不作为选派对象"
WH_NEW_STAFF = "新入职人员工作期满3个月的优先选派"


def _nominate(w: World, who: str, round_id: int, **fields) -> Nomination:
    response = w.api(who).post(
        w.url("nominations/"), nomination_body(w, round_id, **fields), format="json"
    )
    assert response.status_code == 201, response.content
    return Nomination.objects.get(pk=response.json()["id"])


def _submit(w: World, who: str, nomination: Nomination):
    return act(w, who, nomination.id, "advance")


@pytest.fixture
def yq(clock, db) -> World:
    w = build_world("yq", preset="yangquan")
    response = w.api("admin").post(
        w.url("selection-rounds/"),
        {"year": 2026, "category": "commissioner", "seats": 3},
        format="json",
    )
    assert response.status_code == 201, response.content
    w.round = workflow.round_list(tenant=w.tenant).get(pk=response.json()["id"])
    return w


@pytest.mark.parametrize(
    ("fields", "blocks"),
    [
        ({"degree": "bachelor", "title_level": "junior"}, [YQ_DEGREE]),
        ({}, [YQ_DEGREE]),
        (
            {"degree": "bachelor", "title_level": "intermediate", "integrity_record": True},
            [YQ_INTEGRITY],
        ),
        ({"degree": "master", "integrity_record": True}, [YQ_INTEGRITY]),
        ({"degree": "none", "integrity_record": True}, [YQ_DEGREE, YQ_INTEGRITY]),
    ],
)
def test_yangquan_eligibility_blocks_submission(yq, fields, blocks):
    nomination = _nominate(yq, "reviewer", yq.round.id, **fields)
    codes = {YQ_DEGREE: "degree_or_title", YQ_INTEGRITY: "integrity_record"}
    expected = [{"code": codes[b], "level": "block", "message": b} for b in blocks]
    assert nomination.warnings == expected  # shown from the start
    before = snapshot(nomination)

    response = _submit(yq, "reviewer", nomination)

    assert response.status_code == 400
    assert response.json() == {"eligibility": blocks}
    assert snapshot(nomination) == before
    assert before[0] == "draft"


@pytest.mark.parametrize(
    "fields",
    [
        {"degree": "master"},
        {"degree": "doctorate", "title_level": ""},
        {"degree": "bachelor", "title_level": "intermediate"},
        {"title_level": "senior"},
        {"degree": "master", "integrity_record": False},
    ],
)
def test_yangquan_eligibility_met_submits(yq, fields):
    nomination = _nominate(yq, "reviewer", yq.round.id, **fields)
    response = _submit(yq, "reviewer", nomination)
    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == []
    nomination.refresh_from_db()
    assert (nomination.stage, nomination.warnings, transitions(nomination)) == ("submitted", [], 2)


@pytest.fixture
def city_round(mx, clock) -> World:
    """``mx`` with a city round of its own as ``round`` (a copy: ``mx`` is shared)."""
    return dataclasses.replace(
        mx,
        round=workflow.round_create(
            membership=member(mx, "admin"), year=2026, category="city", seats=5
        ),
    )


def _finding(code: str, level: str, message: str) -> dict:
    return {"code": code, "level": level, "message": message}


@pytest.mark.parametrize(
    ("gender", "birth_date", "blocked"),
    [
        # today 2026-03-06; men retire at 60, women at 55; blocked when < 2 years away
        ("male", "1968-03-06", False),  # retires 2028-03-06: exactly 2 years
        ("male", "1968-03-05", True),
        ("male", "1967-06-01", True),
        ("male", "1973-03-05", False),
        ("female", "1973-03-06", False),  # retires 2028-03-06
        ("female", "1973-03-05", True),
        ("female", "1972-01-01", True),
    ],
)
def test_wuhan_city_retirement_margin(city_round, gender, birth_date, blocked):
    w = city_round
    nomination = _nominate(
        w,
        "nominator",
        w.round.id,
        gender=gender,
        birth_date=birth_date,
        employer_since="2000-01-01",
    )
    before = snapshot(nomination)
    response = _submit(w, "nominator", nomination)
    if blocked:
        assert response.status_code == 400
        assert response.json() == {"eligibility": [WH_RETIREMENT]}
        assert snapshot(nomination) == before
        assert nomination.warnings == [_finding("retirement_margin", "block", WH_RETIREMENT)]
    else:
        assert response.status_code == 200, response.content
        nomination.refresh_from_db()
        assert (nomination.stage, nomination.warnings) == ("submitted", [])


def test_wuhan_city_missing_birth_date_warns_not_blocks(city_round):
    w = city_round
    # 3 months with the employer today: new staff preferred, no finding
    nomination = _nominate(w, "nominator", w.round.id, gender="male", employer_since="2025-12-06")
    response = _submit(w, "nominator", nomination)
    assert response.status_code == 200, response.content
    expected = [
        _finding("retirement_margin", "warn", WH_RETIREMENT + "（缺少出生日期或性别，无法核对）"),
    ]
    assert response.json()["warnings"] == expected
    nomination.refresh_from_db()
    assert (nomination.stage, nomination.warnings) == ("submitted", expected)


def test_wuhan_district_category_has_no_checks(mx, clock):
    w = mx
    nomination = nomination_at(w, "draft")
    nomination.birth_date, nomination.gender = dt.date(1960, 1, 1), "male"
    nomination.save()
    assert _submit(w, "nominator", nomination).status_code == 200
    nomination.refresh_from_db()
    assert (nomination.stage, nomination.warnings) == ("submitted", [])


def test_wuhan_city_birth_on_29_february(city_round):
    w = city_round
    client = w.api("nominator")
    client.raise_request_exception = False
    body = nomination_body(
        w, w.round.id, gender="female", birth_date="1972-02-29", employer_since="2025-12-07"
    )
    response = client.post(w.url("nominations/"), body, format="json")
    assert response.status_code == 201
    assert response.json()["warnings"] == [
        _finding("retirement_margin", "block", WH_RETIREMENT),
        _finding("new_staff_preferred", "warn", WH_NEW_STAFF),
    ]


# --- other presets' chains, end to end --------------------------------------------------------


def _walk(w: World, nomination_id: int, steps: list[tuple[str, int, str]]) -> None:
    for who, code, stage in steps:
        response = act(w, who, nomination_id, "advance", {"comment": who})
        assert response.status_code == code, (who, stage, response.content)
        assert Nomination.objects.get(pk=nomination_id).stage == stage


def _publish_and_appoint(w: World, clock, round_id: int, nomination_id: int, end: dt.date):
    response = _publish(w, round_id)
    assert response.status_code == 201, response.content
    assert (response.json()["start"], response.json()["end"]) == ("2026-03-06", end.isoformat())
    assert Nomination.objects.get(pk=nomination_id).stage == "on_notice"
    clock.move_to(at(end.year, end.month, end.day, 18))
    response = _appoint(w, round_id=round_id)
    assert response.status_code == 409
    clock.move_to(at(end.year, end.month, end.day + 1, 9))
    response = _appoint(w, round_id=round_id)
    assert response.status_code == 200, response.content
    nomination = Nomination.objects.get(pk=nomination_id)
    assert nomination.stage == "appointed"
    return nomination


def _check_officer(w: World, nomination: Nomination, category: str, term: tuple) -> None:
    """The appointed nominee's officer: in d1 and u1, of ``category``, for ``term``."""
    officer = nomination.officer
    assert (officer.category, officer.district, officer.unit) == (
        category,
        w.districts["d1"],
        w.units["u1"],
    )
    assert (officer.term_start, officer.term_end) == term


def test_yangquan_chain_end_to_end(yq, clock):
    w = yq
    assert [s["code"] for s in w.round.stages] == ["unit_endorsed", "centre_verified"]
    nomination = _nominate(w, "reviewer", w.round.id, degree="master", full_name="候选人乙")
    _walk(
        w,
        nomination.id,
        [
            ("manager", 403, "draft"),
            ("admin", 403, "draft"),
            ("reviewer", 200, "submitted"),
            ("manager", 403, "submitted"),
            ("admin", 403, "submitted"),
            ("reviewer", 200, "unit_endorsed"),
            ("manager", 403, "unit_endorsed"),  # no district step in yangquan
            ("reviewer", 403, "unit_endorsed"),
            ("admin", 200, "centre_verified"),
            ("admin", 409, "centre_verified"),
        ],
    )
    nomination = _publish_and_appoint(w, clock, w.round.id, nomination.id, dt.date(2026, 3, 12))
    stages = list(
        NominationTransition.objects.filter(nomination=nomination)
        .order_by("id")
        .values_list("to_stage", flat=True)
    )
    assert stages == [
        "draft",
        "submitted",
        "unit_endorsed",
        "centre_verified",
        "on_notice",
        "appointed",
    ]
    # yangquan: a 1-year agreement
    _check_officer(w, nomination, "commissioner", (dt.date(2026, 3, 13), dt.date(2027, 3, 12)))


def test_puyang_b_chain_end_to_end(clock, db):
    w = build_world("py", preset="puyang")
    response = w.api("admin").post(
        w.url("selection-rounds/"), {"year": 2026, "category": "B", "seats": 2}, format="json"
    )
    assert response.status_code == 201, response.content
    round_id = response.json()["id"]
    assert [s["code"] for s in response.json()["stages"]] == [
        "unit_endorsed",
        "district_recommended",
        "centre_verified",
    ]
    park_label = "具备3年以上高新园区、产业园、科技园、孵化器管理工作经验"
    cert_label = "有专利代理人资格证或技术经理人证书者优先"

    too_new = _nominate(w, "reviewer", round_id, park_years=2, mobile="13900000031")
    response = _submit(w, "reviewer", too_new)
    assert response.status_code == 400
    assert response.json() == {"eligibility": [park_label]}
    assert Nomination.objects.get(pk=too_new.pk).stage == "draft"

    nomination = _nominate(
        w, "reviewer", round_id, park_years=4, certificates="技术经理人", mobile="13900000032"
    )
    _walk(
        w,
        nomination.id,
        [
            ("reviewer", 200, "submitted"),
            ("manager", 403, "submitted"),
            ("reviewer", 200, "unit_endorsed"),
            ("admin", 403, "unit_endorsed"),
            ("manager", 200, "district_recommended"),
            ("manager", 403, "district_recommended"),
            ("admin", 200, "centre_verified"),
        ],
    )
    nomination.refresh_from_db()
    assert nomination.warnings == []
    assert too_new.warnings == [
        _finding("park_experience", "block", park_label),
        _finding("certificate_preferred", "warn", cert_label),
    ]
    nomination = _publish_and_appoint(w, clock, round_id, nomination.id, dt.date(2026, 3, 12))
    _check_officer(w, nomination, "B", (dt.date(2026, 3, 13), dt.date(2028, 3, 12)))
    assert Nomination.objects.get(pk=too_new.pk).stage == "draft"


# --- publish-notice ---------------------------------------------------------------------------


def _publish(w: World, round_id: int, body: dict | None = None, who: str = "admin"):
    return w.api(who).post(
        w.url(f"selection-rounds/{round_id}/publish-notice/"), body, format="json"
    )


def verified_round(w: World, count: int = 1, notice_days: int | None = None):
    """A new district round of ``w`` with ``count`` nominations from u1 at centre_verified."""
    selection = workflow.round_create(
        membership=member(w, "admin"),
        year=2026,
        category="district",
        seats=5,
        notice_days=notice_days,
    )
    nominations = []
    for i in range(count):
        nomination = nominate(
            w,
            "reviewer",
            selection,
            full_name=f"候选人{'乙丙丁'[i]}",
            mobile=f"1390000010{i}",
            email=f"c{i}@example.com",
        )
        advance_by(w, nomination, "reviewer", "reviewer", "manager", "admin")
        nomination.refresh_from_db()
        assert nomination.stage == "centre_verified"
        nominations.append(nomination)
    return selection, nominations


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer", "officer"])
def test_publish_notice_is_for_the_admin_only(alpha, who):
    selection, (nomination,) = verified_round(alpha)
    notices, before = Notice.objects.count(), snapshot(nomination)
    response = _publish(alpha, selection.id, who=who)
    assert response.status_code == 403
    assert Notice.objects.count() == notices
    assert snapshot(nomination) == before


def test_publish_notice_by_the_admin(alpha):
    selection, nominations = verified_round(alpha, count=2)
    response = _publish(alpha, selection.id, {})
    assert response.status_code == 201, response.content
    body = response.json()
    notice = Notice.objects.get(pk=body["id"])
    assert (notice.round, notice.start, notice.end, notice.published_by) == (
        selection,
        TODAY,
        dt.date(2026, 3, 12),
        alpha.users["admin"],
    )
    assert body["start"] == "2026-03-06"
    assert body["end"] == "2026-03-12"
    assert body["status"] == "open"
    assert body["nominees"] == [
        {"id": n.id, "full_name": n.full_name, "unit": "alpha大学", "category": "district"}
        for n in nominations
    ]
    for nomination in nominations:
        nomination.refresh_from_db()
        assert (nomination.stage, nomination.notice) == ("on_notice", notice)
        last = last_transition(nomination)
        assert (last.from_stage, last.to_stage, last.actor) == (
            "centre_verified",
            "on_notice",
            alpha.users["admin"],
        )


def test_publish_notice_409_when_nothing_is_verified(alpha):
    notices = Notice.objects.count()
    # the world's round: its only nomination is on notice already
    before = snapshot(alpha.nomination)
    response = _publish(alpha, alpha.round.id)
    assert response.status_code == 409
    assert snapshot(alpha.nomination) == before
    # a round whose nomination waits for the district
    selection = workflow.round_create(
        membership=member(alpha, "admin"), year=2026, category="district", seats=1
    )
    nomination = nominate(alpha, "reviewer", selection, full_name="候选人戊", mobile="13900000201")
    advance_by(alpha, nomination, "reviewer", "reviewer")
    before = snapshot(nomination)
    response = _publish(alpha, selection.id)
    assert response.status_code == 409
    assert snapshot(nomination) == before
    # an empty round
    empty = workflow.round_create(
        membership=member(alpha, "admin"), year=2026, category="city", seats=1
    )
    response = _publish(alpha, empty.id)
    assert response.status_code == 409
    assert Notice.objects.count() == notices


@pytest.mark.parametrize(
    ("start", "notice_days", "end"),
    [
        ("2026-03-06", None, "2026-03-12"),  # Friday + 5 working days (policy) → Thursday
        ("2026-03-09", None, "2026-03-13"),  # Monday → Friday
        ("2026-03-07", None, "2026-03-13"),  # Saturday: Monday .. Friday
        ("2026-03-06", 3, "2026-03-10"),
        ("2026-03-06", 1, "2026-03-06"),
        ("2026-03-06", 10, "2026-03-19"),
    ],
)
def test_publish_notice_default_end_in_working_days(alpha, start, notice_days, end):
    selection, _ = verified_round(alpha, notice_days=notice_days)
    assert selection.notice_days == (notice_days or 5)
    response = _publish(alpha, selection.id, {"start": start})
    assert response.status_code == 201, response.content
    assert (response.json()["start"], response.json()["end"]) == (start, end)
    notice = Notice.objects.get(pk=response.json()["id"])
    assert (notice.start.isoformat(), notice.end.isoformat()) == (start, end)


def test_round_notice_days_default_to_the_policy(alpha):
    response = alpha.api("admin").post(
        alpha.url("selection-rounds/"),
        {"year": 2026, "category": "city", "seats": 4},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["notice_days"] == 5
    assert [s["code"] for s in response.json()["stages"]] == ["unit_endorsed", "centre_verified"]


def test_publish_notice_dates_may_lie_in_the_past(alpha):
    selection, (nomination,) = verified_round(alpha)
    response = _publish(alpha, selection.id, {"start": "2025-12-01", "end": "2025-12-05"})
    assert response.status_code == 201, response.content
    assert (response.json()["start"], response.json()["end"], response.json()["status"]) == (
        "2025-12-01",
        "2025-12-05",
        "closed",
    )
    nomination.refresh_from_db()
    assert nomination.stage == "on_notice"


def test_publish_notice_end_before_start_is_refused(alpha):
    selection, (nomination,) = verified_round(alpha)
    notices, before = Notice.objects.count(), snapshot(nomination)
    response = _publish(alpha, selection.id, {"start": "2026-03-10", "end": "2026-03-09"})
    assert response.status_code == 400
    assert "end" in response.json()
    assert Notice.objects.count() == notices
    assert snapshot(nomination) == before


# --- appoint ------------------------------------------------------------------------------------


def _appoint(w: World, who: str = "admin", round_id: int | None = None):
    """``who`` POSTs appoint on a round (the world's own unless ``round_id`` says)."""
    return w.api(who).post(w.url(f"selection-rounds/{round_id or w.round.id}/appoint/"))


def _resolve(w: World, objection: Objection, decision: str, comment: str = "", who="admin"):
    return w.api(who).post(
        w.url(f"objections/{objection.id}/resolve/"),
        {"decision": decision, "comment": comment},
        format="json",
    )


def _counts() -> tuple:
    return (Officer.objects.count(), User.objects.count(), Membership.objects.count())


def _check_appoint_refused(w: World, code: int, who: str = "admin") -> None:
    """Appointing the world's round is refused with ``code`` and changes nothing."""
    before, counts = snapshot(w.nomination), _counts()
    assert _appoint(w, who).status_code == code
    assert snapshot(w.nomination) == before
    assert _counts() == counts


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer", "officer"])
def test_appoint_is_for_the_admin_only(alpha, clock, who):
    assert _resolve(alpha, alpha.objection, "dismissed").status_code == 200
    clock.move_to(at(2026, 3, 13))
    _check_appoint_refused(alpha, 403, who)


@pytest.mark.parametrize("moment", [at(2026, 3, 2, 9), NOW, at(2026, 3, 6, 23, 59)])
def test_appoint_409_while_the_notice_runs(alpha, clock, moment):
    assert _resolve(alpha, alpha.objection, "dismissed").status_code == 200
    clock.move_to(moment)
    _check_appoint_refused(alpha, 409)


def test_appoint_409_while_an_objection_is_open(alpha, clock):
    clock.move_to(at(2026, 3, 20))
    _check_appoint_refused(alpha, 409)
    assert Objection.objects.get(pk=alpha.objection.pk).status == "open"


def test_appoint_after_the_notice_creates_officer_login_and_invitation(alpha, clock):
    response = _resolve(alpha, alpha.objection, "dismissed", "经核实，材料属实")
    assert response.status_code == 200
    objection = Objection.objects.get(pk=alpha.objection.pk)
    assert (objection.status, objection.decided_by, objection.comment) == (
        "dismissed",
        alpha.users["admin"],
        "经核实，材料属实",
    )
    assert Nomination.objects.get(pk=alpha.nomination.pk).stage == "on_notice"
    clock.move_to(at(2026, 3, 7, 0, 1))  # the day after the notice's end
    officers, users = Officer.objects.count(), User.objects.count()

    response = _appoint(alpha)

    assert response.status_code == 200, response.content
    nomination = Nomination.objects.get(pk=alpha.nomination.pk)
    assert nomination.stage == "appointed"
    officer = nomination.officer
    assert Officer.objects.count() == officers + 1
    assert User.objects.count() == users + 1
    assert (
        officer.tenant,
        officer.full_name,
        officer.category,
        officer.district,
        officer.unit,
        officer.term_start,
        officer.term_end,
        officer.status,
    ) == (
        alpha.tenant,
        "候选人甲",
        "district",
        alpha.districts["d1"],
        alpha.units["u1"],
        dt.date(2026, 3, 7),
        dt.date(2028, 3, 6),  # wuhan: 2 years
        "active",
    )
    user = officer.user
    assert user.username == "13900000001"
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("tenant__slug", "role")) == [
        ("alpha", "officer")
    ]
    last = last_transition(nomination)
    assert (last.from_stage, last.to_stage, last.actor) == (
        "on_notice",
        "appointed",
        alpha.users["admin"],
    )
    (row,) = response.json()["appointed"]
    assert {k: row[k] for k in ("nomination", "officer", "full_name", "username")} == {
        "nomination": nomination.id,
        "officer": officer.id,
        "full_name": "候选人甲",
        "username": "13900000001",
    }
    link = urlsplit(row["invitation"])
    assert link.path.startswith("/accounts/invite/")

    # no password yet: no token
    anonymous = APIClient()
    response = anonymous.post(
        "/api/v1/auth/token/", {"username": "13900000001", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400

    # the invitation: the set-password form, then the password
    browser = Client()
    response = browser.get(link.path)
    assert response.status_code == 302
    form_url = response["Location"]
    response = browser.get(form_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="new_password1"' in page
    assert 'name="new_password2"' in page
    assert "13900000001" in page
    new_password = "Officer-pass-2026!"
    response = browser.post(
        form_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)

    response = anonymous.post(
        "/api/v1/auth/token/",
        {"username": "13900000001", "password": new_password},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    officer_client = APIClient()
    officer_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = officer_client.get("/api/v1/tenants/")
    assert response.status_code == 200
    assert [t["slug"] for t in response.json()] == ["alpha"]

    # the link is single-use
    response = Client().get(link.path, follow=True)
    assert 'name="new_password1"' not in response.content.decode()

    # nothing left to appoint
    _check_appoint_refused(alpha, 409)


def test_upheld_objection_ends_the_nomination_dismissed_goes_on(alpha, clock):
    selection, (upheld, dismissed) = verified_round(alpha, count=2)
    response = _publish(alpha, selection.id)
    assert response.status_code == 201
    notice = Notice.objects.get(pk=response.json()["id"])
    objections = {}
    for nomination in (upheld, dismissed):
        nomination.refresh_from_db()
        objections[nomination.pk] = workflow.objection_file(
            tenant=alpha.tenant,
            notice=notice,
            nomination=nomination,
            contact="13800000000",
            reason="学历不实",
        )

    response = _resolve(alpha, objections[upheld.pk], "upheld", "查实")
    assert response.status_code == 200
    assert response.json()["status"] == "upheld"
    upheld.refresh_from_db()
    assert upheld.stage == "objection_upheld"
    last = last_transition(upheld)
    assert (last.from_stage, last.to_stage, last.comment, last.actor) == (
        "on_notice",
        "objection_upheld",
        "查实",
        alpha.users["admin"],
    )
    # resolved once only
    assert _resolve(alpha, objections[upheld.pk], "dismissed").status_code == 409

    clock.move_to(at(2026, 3, 13))
    assert _appoint(alpha, round_id=selection.id).status_code == 409  # one objection still open
    assert _resolve(alpha, objections[dismissed.pk], "dismissed").status_code == 200
    dismissed.refresh_from_db()
    assert dismissed.stage == "on_notice"

    response = _appoint(alpha, round_id=selection.id)

    assert response.status_code == 200, response.content
    assert [r["nomination"] for r in response.json()["appointed"]] == [dismissed.pk]
    upheld.refresh_from_db()
    dismissed.refresh_from_db()
    assert (upheld.stage, upheld.officer) == ("objection_upheld", None)
    assert dismissed.stage == "appointed"
    assert dismissed.officer.full_name == dismissed.full_name
    assert not Officer.objects.filter(full_name=upheld.full_name).exists()
    # the world's own round is untouched (its objection is still open)
    assert Nomination.objects.get(pk=alpha.nomination.pk).stage == "on_notice"


def test_appoint_on_29_february(alpha, clock):
    selection, (nomination,) = verified_round(alpha)
    workflow.notice_publish(
        membership=member(alpha, "admin"),
        round=selection,
        start=dt.date(2028, 2, 21),
        end=dt.date(2028, 2, 25),
    )
    clock.move_to(at(2028, 2, 29))
    client = alpha.api("admin")
    client.raise_request_exception = False
    response = client.post(alpha.url(f"selection-rounds/{selection.id}/appoint/"))
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert nomination.stage == "appointed"
    assert nomination.officer.term_start == dt.date(2028, 2, 29)
    # the day before the second anniversary, however 29 February is carried over
    assert nomination.officer.term_end in (dt.date(2030, 2, 27), dt.date(2030, 2, 28))


@pytest.mark.parametrize("decision", ["", "maybe"])
def test_resolve_needs_a_decision(alpha, decision):
    response = _resolve(alpha, alpha.objection, decision)
    assert response.status_code == 400
    assert Objection.objects.get(pk=alpha.objection.pk).status == "open"


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer"])
def test_resolve_is_for_the_admin_only(alpha, who):
    response = _resolve(alpha, alpha.objection, "upheld", who=who)
    assert response.status_code == 403
    objection = Objection.objects.get(pk=alpha.objection.pk)
    assert (objection.status, objection.decided_by) == ("open", None)
    assert Nomination.objects.get(pk=alpha.nomination.pk).stage == "on_notice"


@pytest.mark.parametrize("who", ["manager", "reviewer", "officer"])
def test_objection_outside_reach_is_404(alpha, who):
    # a d2 nomination from u2, walked by u2's reviewer and d2's manager
    add_login(alpha, "other_reviewer")
    add_login(alpha, "other_manager")
    admin = member(alpha, "admin")
    selection = workflow.round_create(membership=admin, year=2026, category="district", seats=1)
    nomination = nominate(
        alpha, "other_reviewer", selection, unit="u2", full_name="候选人庚", mobile="13900000401"
    )
    advance_by(alpha, nomination, "other_reviewer", "other_reviewer", "other_manager", "admin")
    notice = workflow.notice_publish(membership=admin, round=selection)
    nomination.refresh_from_db()
    objection = workflow.objection_file(
        tenant=alpha.tenant, notice=notice, nomination=nomination, contact="13700000401", reason="r"
    )
    assert alpha.api(who).get(alpha.url(f"nominations/{nomination.id}/")).status_code == 404
    client = alpha.api(who)
    assert client.get(alpha.url(f"objections/{objection.id}/")).status_code == 404
    response = _resolve(alpha, objection, "upheld", who=who)
    assert response.status_code == 404
    assert Objection.objects.get(pk=objection.pk).status == "open"


# --- isolation ----------------------------------------------------------------------------------


def test_other_tenants_ids_are_out_of_reach(alpha, beta):
    admin = alpha.api("admin")
    before = snapshot(beta.nomination)
    notices = Notice.objects.count()
    gets = [
        f"nominations/{beta.nomination.id}/",
        f"selection-rounds/{beta.round.id}/",
        f"objections/{beta.objection.id}/",
    ]
    for path in gets:
        assert admin.get(alpha.url(path)).status_code == 404, path
    posts = [
        (f"nominations/{beta.nomination.id}/advance/", {}),
        (f"nominations/{beta.nomination.id}/reject/", {"reason": "x"}),
        (f"nominations/{beta.nomination.id}/withdraw/", {}),
        (f"selection-rounds/{beta.round.id}/publish-notice/", {}),
        (f"selection-rounds/{beta.round.id}/appoint/", {}),
        (f"objections/{beta.objection.id}/resolve/", {"decision": "upheld"}),
    ]
    for path, body in posts:
        assert admin.post(alpha.url(path), body, format="json").status_code == 404, path
    # the other tenant's own URLs: not a member
    assert admin.get(beta.url("nominations/")).status_code == 404
    assert admin.get(beta.url(f"nominations/{beta.nomination.id}/")).status_code == 404
    assert (
        admin.post(beta.url(f"objections/{beta.objection.id}/resolve/"), {"decision": "upheld"})
    ).status_code == 404
    # another tenant's round or unit named in a nomination: does not exist
    for field, body in (
        ("round", nomination_body(alpha, beta.round.id, full_name="X", mobile="1")),
        (
            "unit",
            nomination_body(
                alpha, alpha.round.id, full_name="X", unit=beta.units["u1"].id, mobile="1"
            ),
        ),
    ):
        response = alpha.api("reviewer").post(alpha.url("nominations/"), body, format="json")
        assert response.status_code == 400, field
        assert field in response.json()
    # nothing changed in beta, nothing listed across
    assert snapshot(beta.nomination) == before
    assert Notice.objects.count() == notices
    assert Objection.objects.get(pk=beta.objection.pk).status == "open"
    listed = admin.get(alpha.url("nominations/?page_size=500")).json()["results"]
    assert {n["id"] for n in listed} == set(
        Nomination.objects.filter(tenant=alpha.tenant).values_list("id", flat=True)
    )


def test_officer_role_reads_no_nominations(alpha):
    officer = alpha.api("officer")
    assert officer.get(alpha.url("nominations/")).status_code == 403
    assert officer.get(alpha.url("selection-rounds/")).status_code == 403
    assert officer.get(alpha.url("objections/")).status_code == 403
    before = snapshot(alpha.nomination)
    assert officer.get(alpha.url(f"nominations/{alpha.nomination.id}/")).status_code == 404
    response = officer.post(
        alpha.url("nominations/"),
        nomination_body(alpha, alpha.round.id, full_name="X", mobile="1"),
        format="json",
    )
    assert response.status_code == 403
    assert snapshot(alpha.nomination) == before
    assert APIClient().get(alpha.url("nominations/")).status_code == 401


def test_managers_and_reviewers_see_their_own_reach(alpha):
    # a nomination from u2 (district d2), by the admin
    other = nominate(
        alpha, "admin", alpha.round, unit="u2", full_name="候选人己", mobile="13900000301"
    )
    for who in ("manager", "reviewer"):
        client = alpha.api(who)
        ids = {n["id"] for n in client.get(alpha.url("nominations/")).json()["results"]}
        assert ids == {alpha.nomination.id}, who
        assert client.get(alpha.url(f"nominations/{other.id}/")).status_code == 404
        response = client.post(alpha.url(f"nominations/{other.id}/withdraw/"))
        assert response.status_code == 404
    # a reviewer nominates from their own units only, a manager in their districts only
    for who, field in (("reviewer", "unit"), ("manager", "district")):
        response = alpha.api(who).post(
            alpha.url("nominations/"),
            nomination_body(
                alpha,
                alpha.round.id,
                full_name="X",
                unit=alpha.units["u2"].id,
                mobile="13900000302",
            ),
            format="json",
        )
        assert response.status_code == 400, who
        assert field in response.json()
    assert Nomination.objects.filter(full_name="X").count() == 0
