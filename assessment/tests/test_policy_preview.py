"""The policy what-if (API.md ``policy/preview/``, issue 11) shows the grade
of a graded programme: the Yangquan cohort of ``test_grades_api`` (A 100,
B 98.33, C 60, D 26.67, E vetoed, F no data; one excellent place) under a
changed threshold and a changed excellence cap, over the API and on the
designer page. Nothing is saved."""

from __future__ import annotations

import copy
import json

import pytest

from accounts.models import Policy
from assessment.models import GradeDecision

from .test_grades_api import build_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def yq(db):
    return build_cohort("yq")


def _assessment(w, qualified_from: int, cap_ratio: str) -> dict:
    """The preset's assessment with 合格 from ``qualified_from`` and the
    优秀 cap at ``cap_ratio``."""
    assessment = copy.deepcopy(Policy.objects.get(tenant=w.tenant).rules["assessment"])
    excellent, qualified, _ = assessment["grades"]
    assert (excellent["cap"]["ratio"], qualified["min_score"]) == ("0.2", 60)
    excellent["cap"]["ratio"] = cap_ratio
    qualified["min_score"] = qualified_from
    return assessment


def test_preview_shows_the_grades_a_threshold_and_a_cap_change(yq):
    # 合格 from 61: C (60) falls to 不合格; a cap of 50% (3 places): B keeps 优秀
    rules = {"assessment": _assessment(yq, 61, "0.5")}
    response = yq.api("admin").post(
        yq.url("policy/preview/"), {"effective_from": "2025-01-01", "rules": rules}, format="json"
    )
    assert response.status_code == 200
    o = yq.officers
    assert response.json() == {
        "year": 2025,
        "changes": [
            {
                "officer": o["B"].id,
                "full_name": "特派员B",
                "before": {"grade": "qualified"},
                "after": {"grade": "excellent"},
            },
            {
                "officer": o["C"].id,
                "full_name": "特派员C",
                "before": {"grade": "qualified"},
                "after": {"grade": "unqualified"},
            },
        ],
    }
    assert Policy.objects.filter(tenant=yq.tenant).count() == 1  # nothing saved
    assert not GradeDecision.objects.exists()


def test_preview_without_a_grade_change_is_empty(yq):
    rules = {"assessment": _assessment(yq, 60, "0.2"), "notice_days": 7}
    response = yq.api("admin").post(
        yq.url("policy/preview/"), {"effective_from": "2025-01-01", "rules": rules}, format="json"
    )
    assert response.json() == {"year": 2025, "changes": []}


def test_dropping_the_assessment_leaves_no_grade(yq):
    response = yq.api("admin").post(
        yq.url("policy/preview/"),
        {"effective_from": "2025-01-01", "rules": {"assessment": None}},
        format="json",
    )
    o = yq.officers
    assert [(c["officer"], c["before"], c["after"]) for c in response.json()["changes"]] == [
        (o["A"].id, {"grade": "excellent"}, {"grade": None}),
        (o["B"].id, {"grade": "qualified"}, {"grade": None}),
        (o["C"].id, {"grade": "qualified"}, {"grade": None}),
        (o["D"].id, {"grade": "unqualified"}, {"grade": None}),
        (o["E"].id, {"grade": "unqualified"}, {"grade": None}),
        (o["F"].id, {"grade": "pending"}, {"grade": None}),  # nothing recorded: 待评
    ]


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer", "officer"])
def test_only_admins_preview_grades(yq, who):
    rules = {"assessment": _assessment(yq, 61, "0.5")}
    response = yq.api(who).post(
        yq.url("policy/preview/"), {"effective_from": "2025-01-01", "rules": rules}, format="json"
    )
    assert response.status_code == 403


def test_another_tenants_admin_gets_404(yq, other_world):
    rules = {"assessment": _assessment(yq, 61, "0.5")}
    response = other_world.api("admin").post(
        yq.url("policy/preview/"), {"effective_from": "2025-01-01", "rules": rules}, format="json"
    )
    assert response.status_code == 404


def test_the_designer_shows_the_grades_by_their_labels(client, yq):
    client.force_login(yq.users["admin"])
    rules = copy.deepcopy(Policy.objects.get(tenant=yq.tenant).rules)
    rules["assessment"] = _assessment(yq, 61, "0.5")
    response = client.post(
        "/t/yq/policy/designer/",
        {
            "action": "preview",
            "effective_from": "2025-01-01",
            "note": "",
            "rules": json.dumps(rules, ensure_ascii=False),
        },
    )
    assert response.status_code == 200
    assert response.context["step"] == "preview"
    o = yq.officers
    assert [
        (r["officer"], r["grade_before"], r["grade_after"]) for r in response.context["whatif_rows"]
    ] == [(o["B"].id, "合格", "优秀"), (o["C"].id, "合格", "不合格")]
    html = response.content.decode()
    table = html.split('id="designer-whatif"')[1].split("</table>")[0]
    # a graded programme has no points: only the grade columns are shown
    assert "<th>联络员</th><th>原等次</th><th>新等次</th></tr>" in table
    row_c = f'<tr data-officer="{o["C"].id}"><td>特派员C</td><td>合格</td><td>不合格</td></tr>'
    assert row_c in table
    assert Policy.objects.filter(tenant=yq.tenant).count() == 1
