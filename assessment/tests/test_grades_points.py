"""The assessment of a points programme (Wuhan) and of a programme without
one: the discipline rule (第二十二条) and the 404 of ``assessment: null``."""

from __future__ import annotations

import pytest

from accounts.models import Policy
from assessment.models import AssessmentMark

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
