"""The annual assessment's grades API (API.md "Annual assessment") on a small
Yangquan cohort, with exact values: scores, components, proposed grades under
the 20% cap, the centre's decisions, finalisation and its consequences."""

from __future__ import annotations

import datetime as dt
import hashlib
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import (
    AssessmentMark,
    AssessmentResult,
    DistrictOpinion,
    GradeDecision,
    Rating,
    RatingRequest,
)
from roster import services as roster
from tests.world import PASSWORD, World, build_world

pytestmark = pytest.mark.django_db

YEAR = 2025
URL = f"assessments/{YEAR}/"
TERM = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
_tokens = count(1)
HOST = ("duties", "service", "conversion", "satisfaction")


def rate(w: World, officer, kind: str, scores: dict) -> Rating:
    """An answered rating request of the year (made with the ORM: the rating
    links are another module's)."""
    request = RatingRequest.objects.create(
        tenant=w.tenant,
        officer=officer,
        year=YEAR,
        rater_kind=kind,
        rater_name=f"{kind} rater",
        token_digest=hashlib.sha256(f"t{next(_tokens)}".encode()).hexdigest(),
        expires_on=dt.date(2026, 1, 31),
        created_by=w.users["admin"],
    )
    return Rating.objects.create(tenant=w.tenant, request=request, scores=scores)


def opinion(w: World, officer, level: str) -> None:
    DistrictOpinion.objects.create(
        tenant=w.tenant, officer=officer, year=YEAR, level=level, given_by=w.users["admin"]
    )


def full(w: World, officer, level: str, host: list[int], results: int) -> None:
    opinion(w, officer, level)
    rate(w, officer, "host", dict(zip(HOST, host, strict=True)))
    rate(w, officer, "district", {"results": results})


def build_cohort(slug: str) -> World:
    """Six commissioners of 2025 (A–D, F in d1, E in d2; A has the officer
    login):

    ======  =======  ============  =======  ==========================
    who     opinion  host          results  score (service days: none)
    ======  =======  ============  =======  ==========================
    A       优秀 100  5 5 5 5 → 100  5 → 100  100
    B       优秀 100  5 5 5 4 → 95   5 → 100  295/3 = 98.33
    C       合格 60   3 3 3 3 → 60   3 → 60   60
    D       不合格 0  2 2 2 2 → 40   2 → 40   80/3 = 26.67
    E       优秀 100  5 5 5 5 → 100  5 → 100  100, integrity record: veto
    F       —        —             —        0, nothing to grade: pending
    ======  =======  ============  =======  ==========================

    20% of 6 rounded down: 1 excellent place. E's veto takes E out of the
    cap, so A keeps it and B falls to 合格. F has no grade proposed (待评):
    the year is not finalised until the centre sets one.
    """
    w = build_world(slug, preset="yangquan")
    for name in "ABCDEF":
        w.officers[name] = roster.officer_create(
            tenant=w.tenant,
            full_name=f"特派员{name}",
            category="commissioner",
            district=w.districts["d2" if name == "E" else "d1"],
            unit=w.units["u2" if name == "E" else "u1"],
            term_start=TERM[0],
            term_end=TERM[1],
            **({"username": f"{slug}-officer", "password": PASSWORD} if name == "A" else {}),
        )
    w.users["officer"] = w.officers["A"].user
    o = w.officers
    full(w, o["A"], "excellent", [5, 5, 5, 5], 5)
    full(w, o["B"], "excellent", [5, 5, 5, 4], 5)
    full(w, o["C"], "qualified", [3, 3, 3, 3], 3)
    full(w, o["D"], "unqualified", [2, 2, 2, 2], 2)
    full(w, o["E"], "excellent", [5, 5, 5, 5], 5)
    AssessmentMark.objects.create(
        tenant=w.tenant,
        officer=o["E"],
        year=YEAR,
        kind="integrity_record",
        note="科研失信",
        recorded_by=w.users["admin"],
    )
    return w


@pytest.fixture
def yq(db) -> World:
    return build_cohort("yq")


def by_name(body: dict) -> dict:
    return {row["full_name"][-1]: row for row in body["rows"]}


def test_proposed_grades_with_the_20_percent_cap(yq):
    response = yq.api("admin").get(yq.url(URL))
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == YEAR and body["status"] == "draft"
    assert [r["full_name"][-1] for r in body["rows"]] == list("AEBCDF")
    rows = by_name(body)
    assert {k: (r["score"], r["proposed_grade"], r["grade"]) for k, r in rows.items()} == {
        "A": ("100.00", "excellent", "excellent"),
        "B": ("98.33", "qualified", "qualified"),
        "C": ("60.00", "qualified", "qualified"),
        "D": ("26.67", "unqualified", "unqualified"),
        "E": ("100.00", "unqualified", "unqualified"),
        "F": ("0.00", "pending", "pending"),
    }
    assert rows["B"]["components"] == {
        "county_opinion": "100.00",
        "host_evaluation": "95.00",
        "service_records": None,
        "results": "100.00",
    }
    assert rows["B"] | {"components": None, "reasons": None} == {
        "officer": yq.officers["B"].id,
        "full_name": "特派员B",
        "category": "commissioner",
        "district": "d1",
        "score": "98.33",
        "components": None,
        "proposed_grade": "qualified",
        "grade": "qualified",
        "reasons": None,
    }
    assert rows["B"]["reasons"] == [
        "尚无日常服务次数与记录：不计入，其余权重折算",
        "分数达到 85.00：优秀",
        "超出优秀的 1 个名额：合格",
    ]
    assert rows["E"]["reasons"][-1] == "否决（科研诚信记录）：不合格"
    assert rows["A"]["reasons"][-1] == "在优秀的 1 个名额之内"
    assert rows["F"]["reasons"][-1] == "缺少评价：本年度无任何评价、意见或记录，不提议等次（待评）"


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("auditor", 200), ("manager", 200), ("reviewer", 403), ("officer", 403)],
)
def test_get_role_matrix(yq, who, status):
    response = yq.api(who).get(yq.url(URL))
    assert response.status_code == status
    if who == "manager":  # d1 only: E is in d2
        assert sorted(by_name(response.json())) == list("ABCDF")


def test_another_tenant_is_404(yq, other_world):
    assert other_world.api("admin").get(yq.url(URL)).status_code == 404
    officer = yq.officers["A"].id
    post = other_world.api("admin").post(
        yq.url(f"{URL}officers/{officer}/"), {"grade": "excellent", "reason": "x"}, format="json"
    )
    assert post.status_code == 404
    # an officer of another tenant is not in this tenant's year
    other = roster.officer_create(
        tenant=other_world.tenant,
        full_name="外人",
        category="district",
        district=other_world.districts["d1"],
        term_start=TERM[0],
        term_end=TERM[1],
    )
    response = yq.api("admin").post(
        yq.url(f"{URL}officers/{other.id}/"), {"grade": "qualified", "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    assert not GradeDecision.objects.exists()


def test_override_needs_a_reason_and_a_known_grade(yq):
    api, b = yq.api("admin"), yq.officers["B"].id
    path = yq.url(f"{URL}officers/{b}/")
    no_reason = api.post(path, {"grade": "excellent", "reason": " "}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    unknown = api.post(path, {"grade": "good", "reason": "x"}, format="json")
    assert unknown.status_code == 400 and "grade" in unknown.json()
    assert yq.api("auditor").post(path, {"grade": "excellent", "reason": "x"}).status_code == 403
    assert yq.api("manager").post(path, {"grade": "excellent", "reason": "x"}).status_code == 403
    assert not GradeDecision.objects.exists()
    # A holds the one excellent place (20% of 6, rounded down)
    over = api.post(path, {"grade": "excellent", "reason": "服务对象联名表扬"}, format="json")
    assert over.status_code == 400
    assert over.json() == {
        "grade": ["考核总人数 6 人，优秀等次至多 1 人（20%），已有 1 人。请先调整其他人员的等次。"]
    }
    assert not GradeDecision.objects.exists()
    a = yq.officers["A"].id
    api.post(yq.url(f"{URL}officers/{a}/"), {"grade": "qualified", "reason": "名额让出"})
    ok = api.post(path, {"grade": "excellent", "reason": "服务对象联名表扬"}, format="json")
    assert ok.status_code == 200
    row = ok.json()
    assert (row["officer"], row["proposed_grade"], row["grade"]) == (b, "qualified", "excellent")
    assert row["reasons"][-1] == "中心定为优秀：服务对象联名表扬"
    later = api.post(path, {"grade": "qualified", "reason": "复核"}, format="json")
    assert later.json()["grade"] == "qualified"
    assert list(GradeDecision.objects.values_list("grade", "reason")) == [
        ("qualified", "名额让出"),
        ("excellent", "服务对象联名表扬"),
        ("qualified", "复核"),
    ]
    not_in_year = roster.officer_create(
        tenant=yq.tenant,
        full_name="次年",
        category="commissioner",
        district=yq.districts["d1"],
        term_start=dt.date(2026, 1, 1),
        term_end=dt.date(2026, 12, 31),
    )
    missing = api.post(
        yq.url(f"{URL}officers/{not_in_year.id}/"), {"grade": "qualified", "reason": "x"}
    )
    assert missing.status_code == 404


def grade_f(w: World, grade: str = "unqualified") -> None:
    """The centre grades F (nothing recorded: pending) so the year can end."""
    f = w.officers["F"].id
    response = w.api("admin").post(
        w.url(f"{URL}officers/{f}/"), {"grade": grade, "reason": "无故不参加考核"}
    )
    assert response.status_code == 200


def test_finalize_is_refused_while_a_grade_is_pending(yq):
    api = yq.api("admin")
    response = api.post(yq.url(f"{URL}finalize/"))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "尚有 1 人待评（缺少评价）：特派员F。请先收集评价和意见，或说明理由设定其等次，"
            "再确定考核结果。"
        ]
    }
    assert not AssessmentResult.objects.exists()
    assert api.get(yq.url(URL)).json()["status"] == "draft"
    assert {o.status for o in type(yq.officers["D"]).objects.all()} == {"active"}
    grade_f(yq, "qualified")
    assert api.post(yq.url(f"{URL}finalize/")).status_code == 200
    f = AssessmentResult.objects.get(officer=yq.officers["F"])
    assert (f.proposed_grade, f.grade) == ("pending", "qualified")


def test_finalize_freezes_and_twice_is_409(yq):
    api = yq.api("admin")
    b = yq.officers["B"]
    grade_f(yq)
    api.post(yq.url(f"{URL}officers/{yq.officers['A'].id}/"), {"grade": "qualified", "reason": "x"})
    api.post(yq.url(f"{URL}officers/{b.id}/"), {"grade": "excellent", "reason": "表彰"})
    assert yq.api("auditor").post(yq.url(f"{URL}finalize/")).status_code == 403
    response = api.post(yq.url(f"{URL}finalize/"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "final"
    before = by_name(body)
    assert before["B"]["grade"] == "excellent"
    assert AssessmentResult.objects.get(officer=b).score == "295/3"
    assert api.post(yq.url(f"{URL}finalize/")).status_code == 409
    again = api.post(yq.url(f"{URL}officers/{b.id}/"), {"grade": "qualified", "reason": "x"})
    assert again.status_code == 409
    # new ratings after the freeze change nothing
    rate(yq, yq.officers["F"], "host", dict.fromkeys(HOST, 5))
    opinion(yq, yq.officers["F"], "excellent")
    after = api.get(yq.url(URL)).json()
    assert after == body


def test_finalize_ends_the_service_of_the_unqualified(yq):
    grade_f(yq)
    assert yq.api("admin").post(yq.url(f"{URL}finalize/")).status_code == 200
    statuses = {
        k: (o.status, o.disqualification_reason)
        for k, o in ((k, type(o).objects.get(pk=o.pk)) for k, o in yq.officers.items())
    }
    assert statuses == {
        "A": ("active", ""),
        "B": ("active", ""),
        "C": ("active", ""),
        "D": ("disqualified", "assessment_failed"),
        "E": ("disqualified", "assessment_failed"),
        "F": ("disqualified", "assessment_failed"),
    }


def test_next_years_nomination_of_an_unqualified_officer_is_blocked(yq):
    from roster import workflow

    api = yq.api("admin")
    grade_f(yq)
    assert api.post(yq.url(f"{URL}finalize/")).status_code == 200
    admin = yq.users["admin"].memberships.get()
    selection = workflow.round_create(membership=admin, year=2026, category="commissioner", seats=3)

    def nominate(officer) -> int:
        response = api.post(
            yq.url("nominations/"),
            {
                "round": selection.id,
                "full_name": officer.full_name,
                "unit": yq.units["u1"].id,
                "mobile": "13900000001",
                "degree": "master",
                "officer": officer.id,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    blocked = api.post(yq.url(f"nominations/{nominate(yq.officers['D'])}/advance/"))
    assert blocked.status_code == 400
    assert blocked.json()["eligibility"] == ["去年年度考核为不合格：今年不得被提名。"]
    passed = api.post(yq.url(f"nominations/{nominate(yq.officers['C'])}/advance/"))
    assert passed.status_code == 200, passed.json()


def test_query_count_does_not_grow_with_officers(yq, django_assert_max_num_queries):
    api = yq.api("admin")
    with CaptureQueriesContext(connection) as small:
        assert api.get(yq.url(URL)).status_code == 200
    for i in range(6):
        o = roster.officer_create(
            tenant=yq.tenant,
            full_name=f"加{i}",
            category="commissioner",
            district=yq.districts["d1"],
            term_start=TERM[0],
            term_end=TERM[1],
        )
        full(yq, o, "qualified", [4, 4, 4, 4], 4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(yq.url(URL)).status_code == 200
    # 17: one more than before issue 13, the service days of the year (service_records)
    with django_assert_max_num_queries(17):
        assert yq.api("manager").get(yq.url(URL)).status_code == 200


@pytest.mark.parametrize(
    ("term", "today", "day"),
    [
        # finalised inside the assessed year: the year is served in full
        ((dt.date(2025, 3, 1), dt.date(2026, 2, 28)), dt.date(2025, 12, 20), dt.date(2026, 1, 1)),
        # finalised after it: from today on
        ((dt.date(2025, 3, 1), dt.date(2026, 2, 28)), dt.date(2026, 1, 20), dt.date(2026, 1, 20)),
        # the term is over by today: its last day
        ((dt.date(2025, 3, 1), dt.date(2026, 2, 28)), dt.date(2026, 3, 10), dt.date(2026, 2, 28)),
        # a term of the assessed year only: nothing left after it, its last day
        ((dt.date(2025, 1, 1), dt.date(2025, 12, 31)), dt.date(2025, 12, 20), TERM[1]),
    ],
)
def test_service_end_day(term, today, day):
    from assessment.services import service_end_day
    from roster.models import Officer

    officer = Officer(term_start=term[0], term_end=term[1])
    assert service_end_day(officer, 2025, today) == day


def test_finalising_inside_the_year_ends_service_the_day_after_it(yq):
    """Finalised on 20 December 2025: D's term runs into 2026, so D is
    disqualified from 1 January 2026, not inside the assessed year."""
    from assessment.services import assessment_finalize

    d = yq.officers["D"]
    type(d).objects.filter(pk=d.pk).update(term_end=dt.date(2026, 6, 30))
    grade_f(yq)
    admin = yq.users["admin"].memberships.get()
    assessment_finalize(membership=admin, year=YEAR, today=dt.date(2025, 12, 20))
    d.refresh_from_db()
    assert (d.status, d.disqualification_reason, d.disqualified_on) == (
        "disqualified",
        "assessment_failed",
        dt.date(2026, 1, 1),
    )
    e = type(d).objects.get(pk=yq.officers["E"].pk)
    assert (e.status, e.disqualified_on) == ("disqualified", dt.date(2025, 12, 31))
