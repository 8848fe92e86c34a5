"""The assessment of a points programme (Wuhan) and of a programme without
one: the discipline rule (第二十二条) and the 404 of ``assessment: null``."""

from __future__ import annotations

import pytest

from accounts.models import Policy
from assessment.models import AssessmentMark
from assessment.ratings import assessment_mark_record

pytestmark = pytest.mark.django_db

URL = "assessments/2025/"


def test_wuhan_discipline_violation_makes_a_city_officer_unqualified(world):
    AssessmentMark.objects.create(
        tenant=world.tenant,
        officer=world.officers["city"],
        year=2025,
        kind="discipline_violation",
        note="违反工作纪律",
        recorded_by=world.users["admin"],
    )
    body = world.api("admin").get(world.url(URL)).json()
    rows = {r["officer"]: r for r in body["rows"]}
    o = world.officers
    assert {k: rows[o[k].id]["proposed_grade"] for k in ("mine", "d1", "d2", "city")} == {
        "mine": "qualified",
        "d1": "qualified",
        "d2": "qualified",
        "city": "unqualified",
    }
    assert rows[o["city"].id]["components"] == {"points": "0.00"}
    assert rows[o["city"].id]["reasons"] == [
        "积分排名未评为优秀：合格",
        "违反纪律，取消优秀：合格",
        "否决（违反纪律）：不合格",
    ]


def test_a_programme_without_assessment_answers_404(world):
    Policy.objects.filter(tenant=world.tenant).update(
        rules={**Policy.objects.filter(tenant=world.tenant).first().rules, "assessment": None}
    )
    api = world.api("admin")
    assert api.get(world.url(URL)).status_code == 404
    assert api.post(world.url(f"{URL}finalize/")).status_code == 404
    officer = world.officers["d1"].id
    grade = api.post(world.url(f"{URL}officers/{officer}/"), {"grade": "qualified", "reason": "x"})
    assert grade.status_code == 404


def _wuhan_city_pool(world):
    """The city pool of 2025: the world's city officer (3 events), 城二 (2),
    城三 (1), 城四 (none): 4 officers, 30% rounded down → 1 excellent place."""
    from scoring.tests.test_rankings_api import entry, officer

    o = world.officers
    o["c2"], o["c3"], o["c4"] = (officer(world, n) for n in ("城二", "城三", "城四"))
    for who, n in (("city", 3), ("c2", 2), ("c3", 1)):
        for _ in range(n):
            entry(world, [o[who]])
    return o


def _mark(world, officer) -> None:
    # through the service: it also makes the cached rankings of 2025 old
    assessment_mark_record(
        membership=world.users["admin"].memberships.get(),
        officer=officer,
        year=2025,
        kind="discipline_violation",
        note="违反工作纪律",
    )


def _city_rows(world) -> dict:
    body = world.api("admin").get(world.url("rankings/2025/")).json()
    (pool,) = [p for p in body["pools"] if p["pool"] == "city"]
    return {
        r["officer"]: (r["points"], r["excellent"], r["eligible"], r["reason"])
        for r in pool["rows"]
    }


def test_wuhan_discipline_mark_removes_excellence_in_the_ranking_and_the_assessment(world):
    """第二十二条：取消评优资格，同时认定为年度考核不合格. In the draft ranking
    the marked officer is not eligible: the ranking's rule for an ineligible
    officer gives the place to the best eligible one (城二 moves up), as it
    does for an officer disqualified in the year. The ranking page, its API
    and the assessment agree."""
    o = _wuhan_city_pool(world)
    before = _city_rows(world)
    assert before[o["city"].id][1:] == (True, True, "within the places")
    assert before[o["c2"].id][1:] == (False, True, "outside the places")
    _mark(world, o["city"])
    rows = _city_rows(world)
    assert rows == {
        o["city"].id: ("30.00", False, False, "discipline violation"),
        o["c2"].id: ("20.00", True, True, "within the places"),
        o["c3"].id: ("10.00", False, True, "outside the places"),
        o["c4"].id: ("0.00", False, True, "no points"),
    }
    assessment = world.api("admin").get(world.url(URL)).json()
    grades = {r["officer"]: (r["proposed_grade"], r["reasons"]) for r in assessment["rows"]}
    assert grades[o["city"].id] == (
        "unqualified",
        ["积分排名未评为优秀：合格", "违反纪律，取消优秀：合格", "否决（违反纪律）：不合格"],
    )
    assert grades[o["c2"].id] == ("excellent", ["积分排名评为优秀：优秀"])
    assert grades[o["c3"].id][0] == "qualified"
    # the ranking page says why
    from django.test import Client

    client = Client()
    client.force_login(world.users["admin"])
    html = client.get(f"/t/{world.tenant.slug}/rankings/2025/").content.decode()
    assert "违反纪律：取消评优资格" in html


def test_a_mark_after_the_ranking_is_final_removes_excellence_nobody_moves_up(world):
    """A finalised ranking stays frozen: the marked officer loses excellence
    (reason shown), the place stays empty, and the assessment agrees."""
    from scoring.services import ranking_finalize

    o = _wuhan_city_pool(world)
    ranking_finalize(membership=world.users["admin"].memberships.get(), year=2025)
    _mark(world, o["city"])
    rows = _city_rows(world)
    assert {k: v[1:] for k, v in rows.items()} == {
        o["city"].id: (False, False, "discipline violation"),
        o["c2"].id: (False, True, "outside the places"),
        o["c3"].id: (False, True, "outside the places"),
        o["c4"].id: (False, True, "no points"),
    }
    assessment = world.api("admin").get(world.url(URL)).json()
    grades = {r["officer"]: r["proposed_grade"] for r in assessment["rows"]}
    assert (grades[o["city"].id], grades[o["c2"].id]) == ("unqualified", "qualified")
