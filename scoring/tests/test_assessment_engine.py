"""The annual assessment engine (SPEC.md §6a): exact values, table-driven.

Scores are Fractions, never floats: every expected value below is exact.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from accounts.presets import preset_rules
from scoring.engine import AssessmentFact, Reason, assess, assessment_rules, consequences
from scoring.engine.assessment import (
    PENDING,
    AssessmentRules,
    Cap,
    Component,
    Grade,
    Veto,
    rating_value,
)

YANGQUAN = assessment_rules(preset_rules("yangquan"))
WUHAN = assessment_rules(preset_rules("wuhan"))
SUZHOU = assessment_rules(preset_rules("suzhou"))
HUBEI = assessment_rules(preset_rules("hubei"))

ALL_FIVE = {"duties": 5, "service": 5, "conversion": 5, "satisfaction": 5}


def _rules(cap: Cap | None = None, *, second_cap: Cap | None = None, vetoes=()) -> AssessmentRules:
    """One component (reports on time: the score is the share × 100) and
    优秀 ≥ 85 / 良好 ≥ 75 / 合格 ≥ 60 / 不合格."""
    return AssessmentRules(
        method="graded",
        components=(Component("reports", "reports_on_time", F(1)),),
        grades=(
            Grade("excellent", min_score=F(85), cap=cap),
            Grade("good", min_score=F(75), cap=second_cap),
            Grade("qualified", min_score=F(60)),
            Grade("unqualified"),
        ),
        vetoes=tuple(vetoes),
    )


def _cohort(*scores, **extra) -> list[AssessmentFact]:
    """Officers 1, 2, … with these scores (0..100)."""
    return [
        AssessmentFact(officer=i, reports_on_time=F(score) / 100, **extra)
        for i, score in enumerate(scores, start=1)
    ]


def _grades(rows) -> dict[int, str]:
    return {row.officer: row.proposed_grade for row in rows}


# -- the policy's rules, parsed -----------------------------------------------------


def test_rules_from_the_yangquan_preset():
    assert YANGQUAN.method == "graded"
    assert [(c.code, c.kind, c.weight, c.rater, c.full_at) for c in YANGQUAN.components] == [
        ("county_opinion", "district_opinion", F(1), "", 0),
        ("host_evaluation", "rating", F(1), "host", 0),
        ("service_records", "service_days", F(1), "", 12),
        ("results", "rating", F(1), "district", 0),
    ]
    assert YANGQUAN.components[0].levels == {"excellent": 100, "qualified": 60, "unqualified": 0}
    assert YANGQUAN.criteria == {
        "host": ("duties", "service", "conversion", "satisfaction"),
        "district": ("results",),
    }
    assert [(g.code, g.min_score, g.cap) for g in YANGQUAN.grades] == [
        ("excellent", F(85), Cap(F(1, 5), "floor", "exclude")),
        ("qualified", F(60), None),
        ("unqualified", F(0), None),
    ]
    assert [(v.kind, v.grade) for v in YANGQUAN.vetoes] == [
        ("integrity_record", "unqualified"),
        ("disqualified", "unqualified"),
    ]
    assert (YANGQUAN.top, YANGQUAN.lowest) == ("excellent", "unqualified")


def test_rules_of_a_policy_without_assessment_and_exact_weights():
    rules = preset_rules("hubei")
    assert assessment_rules({**rules, "assessment": None}) is None
    rules["assessment"]["components"][0]["weight"] = "0.35"
    rules["assessment"]["components"][1]["weight"] = 2
    assert [c.weight for c in assessment_rules(rules).components] == [F(7, 20), F(2), F(1)]
    assert WUHAN.method == "points"
    assert WUHAN.vetoes == (Veto("discipline_violation", "unqualified", 0, ("city",)),)
    assert WUHAN.discipline_removes_excellence is True


@pytest.mark.parametrize(
    ("grade", "rules", "expected"),
    [
        ("unqualified", YANGQUAN, ("blocks_next_nomination", "ends_service")),
        ("qualified", YANGQUAN, ()),
        ("excellent", YANGQUAN, ()),
        ("unqualified", SUZHOU, ("blocks_next_nomination", "ends_service")),
        ("unqualified", HUBEI, ("ends_service",)),
        ("unqualified", WUHAN, ()),
    ],
)
def test_consequences_of_a_grade(grade, rules, expected):
    assert consequences(grade, rules) == expected


# -- components ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([ALL_FIVE], F(100)),
        ([{"duties": 1, "service": 1, "conversion": 1, "satisfaction": 1}], F(20)),
        ([{"duties": 3}], F(60)),  # only the criteria answered count
        ([{"duties": 5, "service": 4, "conversion": 4}], F(260, 3)),  # 13/3 × 20
        ([{"duties": 5, "service": 4}, {"duties": 2}], F(65)),  # (9/2 + 2) / 2 × 20
        ([{"duties": 4, "unknown": 1}], F(80)),  # a code the policy lacks is ignored
        ([{"unknown": 1}], None),
        ([], None),
    ],
)
def test_rating_value(answers, expected):
    assert rating_value(answers, YANGQUAN.criteria["host"]) == expected


@pytest.mark.parametrize("bad", [0, 6, True, "5"])
def test_a_rating_outside_one_to_five_is_refused(bad):
    with pytest.raises(ValueError, match=r"1\.\.5"):
        rating_value([{"duties": bad}], ["duties"])


@pytest.mark.parametrize(
    ("fact", "score", "components", "grade", "missing"),
    [
        (
            # (100 + 90 + 50 + 90) / 4
            AssessmentFact(
                officer=1,
                district_opinion="excellent",
                ratings={
                    "host": ({"duties": 5, "service": 4, "conversion": 4, "satisfaction": 5},),
                    "district": ({"results": 4}, {"results": 5}),
                },
                service_days=6,
            ),
            F(165, 2),
            {
                "county_opinion": F(100),
                "host_evaluation": F(90),
                "service_records": F(50),
                "results": F(90),
            },
            "qualified",
            [],
        ),
        (
            # no opinion and no district rating: the other two weigh 1/2 each
            AssessmentFact(officer=1, ratings={"host": (ALL_FIVE,)}, service_days=40),
            F(100),
            {
                "county_opinion": None,
                "host_evaluation": F(100),
                "service_records": F(100),  # at most 100
                "results": None,
            },
            # 100 reaches 优秀, but 20% of a cohort of one is no place (第十八条)
            "qualified",
            ["county_opinion", "results"],
        ),
        (
            # an opinion code the policy does not know counts as missing
            AssessmentFact(officer=1, district_opinion="good", service_days=9),
            F(75),
            {
                "county_opinion": None,
                "host_evaluation": None,
                "service_records": F(75),
                "results": None,
            },
            "qualified",
            ["county_opinion", "host_evaluation", "results"],
        ),
        (
            AssessmentFact(officer=1, district_opinion="unqualified", service_days=0),
            F(0),
            {
                "county_opinion": F(0),
                "host_evaluation": None,
                "service_records": F(0),
                "results": None,
            },
            "unqualified",
            ["host_evaluation", "results"],
        ),
    ],
)
def test_yangquan_scores(fact, score, components, grade, missing):
    (row,) = assess([fact], YANGQUAN)
    assert row.score == score
    assert type(row.score) is F
    assert row.components == components
    assert row.proposed_grade == grade
    assert [r.params["component"] for r in row.reasons if r.code == "missing_component"] == (
        missing
    )


def test_nothing_gathered_proposes_no_grade():
    """No rating, no opinion, no record: nothing to grade, so no grade is
    proposed (pending), never 不合格."""
    (row,) = assess([AssessmentFact(officer=7)], YANGQUAN)
    assert (row.score, row.proposed_grade) == (F(0), PENDING)
    assert row.components == {
        "county_opinion": None,
        "host_evaluation": None,
        "service_records": None,
        "results": None,
    }
    assert row.reasons == (
        Reason("missing_component", {"component": "county_opinion"}),
        Reason("missing_component", {"component": "host_evaluation"}),
        Reason("missing_component", {"component": "service_records"}),
        Reason("missing_component", {"component": "results"}),
        Reason("no_data"),
    )


def test_a_year_with_no_data_proposes_nobody_a_grade_but_the_vetoed():
    """A whole cohort with nothing gathered: everyone pending, except the
    officer a veto forces to 不合格; pending officers take no excellent place
    but count in the cohort (5 officers: 20% = 1 place, held by officer 5)."""
    facts = [
        AssessmentFact(officer=1),
        AssessmentFact(officer=2, integrity_record=True),
        AssessmentFact(officer=3, disqualified=True),
        AssessmentFact(officer=4),
        AssessmentFact(officer=5, district_opinion="excellent"),
    ]
    rows = assess(facts, YANGQUAN)
    assert [(r.officer, r.score, r.proposed_grade) for r in rows] == [
        (5, F(100), "excellent"),
        (1, F(0), PENDING),
        (2, F(0), "unqualified"),
        (3, F(0), "unqualified"),
        (4, F(0), PENDING),
    ]
    by_officer = {r.officer: r for r in rows}
    assert by_officer[2].reasons[-2:] == (
        Reason("no_data"),
        Reason("veto", {"veto": "integrity_record", "grade": "unqualified"}),
    )
    assert by_officer[5].reasons[-1] == Reason("within_cap", {"grade": "excellent", "places": 1})
    assert consequences(PENDING, YANGQUAN) == ()


def test_present_components_of_weight_zero_are_no_data():
    rules = AssessmentRules(
        method="graded",
        components=(
            Component("a", "reports_on_time", F(0)),
            Component("b", "quota_fulfilment", F(1)),
        ),
        grades=(Grade("qualified", min_score=F(60)), Grade("unqualified")),
    )
    (row,) = assess([AssessmentFact(officer=1, reports_on_time=F(1))], rules)
    assert (row.score, row.components) == (F(0), {"a": F(100), "b": None})
    assert row.reasons[-1] == Reason("no_data")
    assert row.proposed_grade == PENDING


@pytest.mark.parametrize(
    ("fact", "score"),
    [
        # (3 × 80 + 1 × 40) / 4
        (AssessmentFact(officer=1, reports_on_time=F(4, 5), quota_fulfilment=F(2, 5)), F(70)),
        # quota missing: the reports alone
        (AssessmentFact(officer=1, reports_on_time=F(4, 5)), F(80)),
        # above all the quotas counts as 100; (3 × 1/3 × 100 + 100) / 4
        (AssessmentFact(officer=1, reports_on_time=F(1, 3), quota_fulfilment=F(3)), F(50)),
    ],
)
def test_weights_are_renormalised_over_the_present_components(fact, score):
    rules = AssessmentRules(
        method="graded",
        components=(
            Component("reports", "reports_on_time", F(3)),
            Component("quotas", "quota_fulfilment", F("1.0")),
        ),
        grades=(Grade("qualified", min_score=F(60)), Grade("unqualified")),
    )
    (row,) = assess([fact], rules)
    assert row.score == score


@pytest.mark.parametrize(
    ("fact", "components", "score"),
    [
        # 2/3 of the trainings, on time 1/2, (2/3 + 1/2) / 2 × 100; no district rating
        (
            AssessmentFact(
                officer=1, trainings_attended=2, trainings_required=3, reports_on_time=F(1, 2)
            ),
            {"activity": None, "summaries": F(50), "training": F(200, 3)},
            F(175, 3),
        ),
        # no training required: missing, not 0
        (
            AssessmentFact(
                officer=1,
                ratings={"district": ({"achievements": 4, "demands": 3, "interaction": 5},)},
                trainings_attended=1,
            ),
            {"activity": F(80), "summaries": None, "training": None},
            F(80),
        ),
    ],
)
def test_hubei_components(fact, components, score):
    (row,) = assess([fact], HUBEI)
    assert (row.components, row.score) == (components, score)


def test_points_component_is_scaled_to_full_at():
    rules = AssessmentRules(
        method="graded",
        components=(Component("points", "points", F(1), full_at=300),),
        grades=(Grade("qualified", min_score=F(60)), Grade("unqualified")),
    )
    rows = assess(
        [
            AssessmentFact(officer=1, points=F(100, 3)),
            AssessmentFact(officer=2, points=F(450)),
            AssessmentFact(officer=3, points=F(-5)),
        ],
        rules,
    )
    assert {r.officer: r.score for r in rows} == {1: F(100, 9), 2: F(100), 3: F(0)}


# -- caps ----------------------------------------------------------------------------

FLOOR_EXCLUDE = Cap(F(1, 5), "floor", "exclude")
FLOOR_INCLUDE = Cap(F(1, 5), "floor", "include")
TEN = (40, 50, 50, 60, 70)  # five officers far below the excellent line


@pytest.mark.parametrize(
    ("scores", "cap", "excellent", "reasons"),
    [
        # 10 officers, 20%: 2 places; the 3rd and 4th fall to 良好
        (
            (100, 95, 90, 88, 80, *TEN),
            FLOOR_EXCLUDE,
            {1, 2},
            {1: "within_cap", 2: "within_cap", 3: "over_cap", 4: "over_cap"},
        ),
        # a tie on the last place, excluded: only the one above it
        (
            (100, 90, 90, 86, 80, *TEN),
            FLOOR_EXCLUDE,
            {1},
            {1: "within_cap", 2: "tie_excluded", 3: "tie_excluded", 4: "over_cap"},
        ),
        # … included: all three
        (
            (100, 90, 90, 86, 80, *TEN),
            FLOOR_INCLUDE,
            {1, 2, 3},
            {1: "within_cap", 2: "tie_included", 3: "tie_included", 4: "over_cap"},
        ),
        # a tie that fits in the places is no tie to break
        (
            (90, 90, 86, 80, 80, *TEN),
            FLOOR_EXCLUDE,
            {1, 2},
            {1: "within_cap", 2: "within_cap", 3: "over_cap"},
        ),
        # fewer candidates than places
        ((100, 80, 80, 80, 80, *TEN), FLOOR_EXCLUDE, {1}, {1: "within_cap"}),
        # a ratio of 0: nobody
        ((100, 95, 80, 80, 80, *TEN), Cap(F(0), "floor", "exclude"), set(), {1: "over_cap"}),
    ],
)
def test_the_excellent_cap(scores, cap, excellent, reasons):
    rows = assess(_cohort(*scores), _rules(cap))
    grades = _grades(rows)
    assert {o for o, g in grades.items() if g == "excellent"} == excellent
    for officer, code in reasons.items():
        row = next(r for r in rows if r.officer == officer)
        (got,) = [r for r in row.reasons if r.code.endswith("_cap") or r.code.startswith("tie_")]
        assert got.code == code
        assert got.params["places"] == (2 if cap.ratio else 0)
        if code in ("over_cap", "tie_excluded"):
            assert got.params["to"] == "good"
            assert grades[officer] == "good"


@pytest.mark.parametrize(
    ("size", "rounding", "places"),
    [(7, "floor", 1), (7, "round", 1), (8, "floor", 1), (8, "round", 2), (4, "floor", 0)],
)
def test_cap_rounding_counts_the_whole_cohort(size, rounding, places):
    scores = [100 - i for i in range(size)]  # everyone above the excellent line
    rows = assess(_cohort(*scores), _rules(Cap(F(1, 5), rounding, "exclude")))
    assert list(_grades(rows).values()).count("excellent") == places


def test_a_vetoed_officer_takes_no_place_but_counts_in_the_cohort():
    facts = _cohort(100, 95, 90, 80, 80, *TEN)
    facts[0] = AssessmentFact(officer=1, reports_on_time=F(1), integrity_record=True)
    rows = assess(facts, _rules(FLOOR_EXCLUDE, vetoes=[Veto("integrity_record", "unqualified")]))
    grades = _grades(rows)
    assert grades[1] == "unqualified"
    assert {o for o, g in grades.items() if g == "excellent"} == {2, 3}
    assert rows[0].officer == 1  # still first by score
    assert Reason("veto", {"veto": "integrity_record", "grade": "unqualified"}) in rows[0].reasons


def test_caps_cascade_down():
    # 10 officers: 1 excellent (10%), then 2 good (20%) among the rest
    rows = assess(
        _cohort(100, 99, 98, 97, 76, *TEN),
        _rules(Cap(F(1, 10), "floor", "exclude"), second_cap=FLOOR_EXCLUDE),
    )
    assert _grades(rows) == {
        1: "excellent",
        2: "good",
        3: "good",
        4: "qualified",
        5: "qualified",
        6: "unqualified",
        7: "unqualified",
        8: "unqualified",
        9: "qualified",
        10: "qualified",
    }
    fourth = next(r for r in rows if r.officer == 4)
    assert [r.code for r in fourth.reasons] == ["threshold", "over_cap", "over_cap"]


def test_rows_are_best_first_ties_by_officer():
    rows = assess(_cohort(70, 90, 90, 60), _rules())
    assert [(r.officer, r.score) for r in rows] == [(2, 90), (3, 90), (1, 70), (4, 60)]


def test_an_officer_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        assess(_cohort(70) * 2, _rules())


# -- vetoes and the discipline rule -------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "grade", "vetoed"),
    [
        (29, "unqualified", True),
        (30, "qualified", False),
        (None, "qualified", False),  # unknown days (None) are not "too few"
    ],
)
def test_suzhou_service_days_veto(days, grade, vetoed):
    fact = AssessmentFact(
        officer=1,
        service_days=days,
        ratings={
            "district": ({"enterprise_orientation": 4, "initiative": 4, "results": 4},),
            "enterprise": ({"satisfaction": 4},),
        },
    )
    (row,) = assess([fact], SUZHOU)
    assert (row.score, row.proposed_grade) == (F(80), grade)
    veto = {"veto": "service_days_below", "grade": "unqualified", "days": days, "min_days": 30}
    assert [r.params for r in row.reasons if r.code == "veto"] == ([veto] if vetoed else [])


def test_the_lowest_vetoed_grade_wins():
    rules = _rules(vetoes=[Veto("disqualified", "unqualified"), Veto("integrity_record", "good")])
    (row,) = assess(
        [AssessmentFact(officer=1, reports_on_time=F(1), integrity_record=True, disqualified=True)],
        rules,
    )
    assert row.proposed_grade == "unqualified"
    assert [r.params["veto"] for r in row.reasons if r.code == "veto"] == [
        "disqualified",
        "integrity_record",
    ]


@pytest.mark.parametrize(
    ("category", "ranked", "discipline", "grade", "codes"),
    [
        ("city", True, False, "excellent", ["ranked_excellent"]),
        ("city", False, False, "qualified", ["not_ranked_excellent"]),
        # 第二十二条: 取消评优 and 年度考核不合格
        (
            "city",
            True,
            True,
            "unqualified",
            ["ranked_excellent", "discipline_removes_excellence", "veto"],
        ),
        (
            "city",
            False,
            True,
            "unqualified",
            ["not_ranked_excellent", "discipline_removes_excellence", "veto"],
        ),
        # the ranking left the marked officer out: the rule is named all the same
        (
            "district",
            False,
            True,
            "qualified",
            ["not_ranked_excellent", "discipline_removes_excellence"],
        ),
        # the veto names city officers only; the discipline rule still bars excellence
        (
            "district",
            True,
            True,
            "qualified",
            ["ranked_excellent", "discipline_removes_excellence"],
        ),
    ],
)
def test_wuhan_points_and_the_discipline_rule(category, ranked, discipline, grade, codes):
    fact = AssessmentFact(
        officer=3,
        category=category,
        points=F(1235, 2),
        ranked_excellent=ranked,
        discipline_violation=discipline,
    )
    (row,) = assess([fact], WUHAN)
    assert (row.score, row.components) == (F(1235, 2), {"points": F(1235, 2)})
    assert row.proposed_grade == grade
    assert [r.code for r in row.reasons] == codes


def test_discipline_removes_excellence_in_a_graded_policy_before_the_cap():
    rules = AssessmentRules(
        method="graded",
        components=(Component("reports", "reports_on_time", F(1)),),
        grades=(
            Grade("excellent", min_score=F(85), cap=Cap(F(1, 2), "floor", "exclude")),
            Grade("qualified", min_score=F(60)),
            Grade("unqualified"),
        ),
        discipline_removes_excellence=True,
    )
    facts = [
        AssessmentFact(officer=1, reports_on_time=F(1), discipline_violation=True),
        AssessmentFact(officer=2, reports_on_time=F(9, 10)),
    ]
    assert _grades(assess(facts, rules)) == {1: "qualified", 2: "excellent"}
