"""The programme presets: schema, and the numbers each document fixes.

Plain data only: no database, no Django models.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from accounts.presets import KINDS, PRESETS, preset_rules

SCHEMA_KEYS = {
    "source",
    "categories",
    "points",
    "bonus",
    "excellence",
    "quotas",
    "review_stages",
    "selection",
    "notice_days",
    "term_years",
    "rotation_years",
    "headcount",  # issue 11 roster
    "hosts_required",  # issue 11 roster
    "dormant_days",
    "mfa_required_roles",
    "disqualification_reasons",
    "eligibility",
    "assessment",
    "duties",
}
CERTIFICATE_RULE = {
    "rule": "certificates",
    "any_of": ["patent_agent", "technology_manager", "technology_broker"],
}
STAGE_ROLES = {
    "unit_endorsed": "unit_reviewer",
    "district_recommended": "district_manager",
    "centre_verified": "admin",
}
STAGE_ORDER = ["unit_endorsed", "district_recommended", "centre_verified"]
WUHAN_POINTS = {
    "achievement": 5,
    "demand": 5,
    "event": 10,
    "conversion": 100,
    "case": 0,
    "video": 0,
}
WUHAN_DISQUALIFICATION = ["no_management", "fraud", "law_violation", "image_damage"]
NAMES = ["wuhan", "yangquan", "puyang", "suzhou", "hubei"]


def test_presets_are_registered_in_order():
    assert list(PRESETS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_key_and_nothing_else(name):
    assert set(PRESETS[name]) == SCHEMA_KEYS


@pytest.mark.parametrize("name", NAMES)
def test_no_preset_requires_two_factor(name):
    assert PRESETS[name]["mfa_required_roles"] == []


@pytest.mark.parametrize("name", NAMES)
def test_json_serialisable_round_trip(name):
    rules = PRESETS[name]
    assert json.loads(json.dumps(rules, ensure_ascii=False)) == rules


@pytest.mark.parametrize(
    ("name", "categories"),
    [
        ("wuhan", [("city", "city", "city"), ("district", "district", "district")]),
        ("yangquan", [("commissioner", "commissioner", "all")]),
        ("puyang", [("A", "A", "all"), ("B", "B", "all")]),
        ("suzhou", [("specialist", "specialist", "district")]),
        ("hubei", [("A", "A", "all"), ("B", "B", "all")]),
    ],
)
def test_categories_scoring_groups_and_pools(name, categories):
    got = [(c["code"], c["scoring_group"], c["pool"]) for c in PRESETS[name]["categories"]]
    assert got == categories
    assert all(c["label"] for c in PRESETS[name]["categories"])


@pytest.mark.parametrize(
    ("name", "points"),
    [
        ("wuhan", WUHAN_POINTS),
        ("yangquan", {}),
        ("puyang", {}),
        ("suzhou", {}),
        ("hubei", {}),
    ],
)
def test_points_per_kind(name, points):
    got = PRESETS[name]["points"]
    assert got == points
    assert set(got) <= set(KINDS)
    assert all(type(v) is int for v in got.values())


@pytest.mark.parametrize("name", NAMES)
def test_bonus(name):
    expected = {"threshold": 1000, "amount": 100, "requires_conversion": True}
    assert PRESETS[name]["bonus"] == (expected if name == "wuhan" else None)


@pytest.mark.parametrize(
    ("name", "ratio", "rounding", "tie"),
    [
        ("wuhan", "0.30", "floor", "include"),
    ],
)
def test_excellence(name, ratio, rounding, tie):
    excellence = PRESETS[name]["excellence"]
    assert (excellence["ratio"], excellence["rounding"], excellence["tie"]) == (
        ratio,
        rounding,
        tie,
    )
    assert 0 < Decimal(excellence["ratio"]) < 1
    assert excellence["label"]


@pytest.mark.parametrize("name", ["yangquan", "puyang", "suzhou", "hubei"])
def test_graded_programmes_have_no_points_excellence(name):
    assert PRESETS[name]["excellence"] is None


@pytest.mark.parametrize("name", NAMES)
def test_quotas_belong_to_the_preset(name):
    rules = PRESETS[name]
    codes = {c["code"] for c in rules["categories"]}
    for quota in rules["quotas"]:
        assert set(quota) == {"scope", "category", "kind", "count", "period", "basis"}
        if quota["scope"] == "officer":
            assert quota["category"] in codes
        else:
            assert quota["scope"] == "district"
            assert quota["category"] is None
        assert quota["kind"] in KINDS
        assert type(quota["count"]) is int and quota["count"] > 0
        assert quota["period"] in {"month", "quarter", "year"}
        assert quota["basis"] in {"logged", "valid"}
        assert quota["basis"] == "logged" or quota["kind"] == "demand"


@pytest.mark.parametrize(
    ("name", "quotas"),
    [
        (
            "wuhan",
            {
                ("officer", "city", "achievement", 2, "month", "logged"),
                ("officer", "city", "event", 2, "month", "logged"),
                ("officer", "city", "case", 1, "year", "logged"),
                ("officer", "city", "video", 1, "month", "logged"),
                ("officer", "district", "demand", 2, "year", "valid"),
                ("officer", "district", "event", 4, "year", "logged"),
                ("officer", "district", "video", 1, "quarter", "logged"),
                ("district", None, "case", 2, "year", "logged"),
            },
        ),
        ("yangquan", set()),
        ("puyang", set()),
        ("suzhou", set()),
        ("hubei", set()),
    ],
)
def test_quota_values(name, quotas):
    got = [
        (q["scope"], q["category"], q["kind"], q["count"], q["period"], q["basis"])
        for q in PRESETS[name]["quotas"]
    ]
    assert len(got) == len(set(got))
    assert set(got) == quotas


@pytest.mark.parametrize(
    ("name", "stages"),
    [
        (
            "wuhan",
            {
                "city": ["unit_endorsed", "centre_verified"],
                "district": ["unit_endorsed", "district_recommended", "centre_verified"],
            },
        ),
        ("yangquan", {"commissioner": ["unit_endorsed", "centre_verified"]}),
        (
            "puyang",
            {
                "A": ["unit_endorsed", "centre_verified"],
                "B": ["unit_endorsed", "district_recommended", "centre_verified"],
            },
        ),
        (
            "suzhou",
            {"specialist": ["unit_endorsed", "district_recommended", "centre_verified"]},
        ),
        (
            "hubei",
            {
                "A": ["unit_endorsed", "centre_verified"],
                "B": ["district_recommended", "centre_verified"],
            },
        ),
    ],
)
def test_review_stages(name, stages):
    rules = PRESETS[name]
    review = rules["review_stages"]
    assert set(review) == {c["code"] for c in rules["categories"]}
    assert {code: [s["code"] for s in steps] for code, steps in review.items()} == stages
    for steps in review.values():
        assert steps[-1]["code"] == "centre_verified"
        assert steps[-1]["role"] == "admin"
        codes = [s["code"] for s in steps]
        assert codes == sorted(codes, key=STAGE_ORDER.index)
        for step in steps:
            assert set(step) == {"code", "label", "role"}
            assert step["role"] == STAGE_ROLES[step["code"]]
            assert step["label"]


@pytest.mark.parametrize(
    ("name", "notice_days", "term_years", "rotation_years", "dormant_days"),
    [
        ("wuhan", 5, 2, 2, 90),
        ("yangquan", 5, 1, None, 90),
        ("puyang", 5, 2, None, 90),
        ("suzhou", 5, 2, None, 90),
        ("hubei", 5, 2, None, 90),
    ],
)
def test_durations(name, notice_days, term_years, rotation_years, dormant_days):
    rules = PRESETS[name]
    assert (
        rules["notice_days"],
        rules["term_years"],
        rules["rotation_years"],
        rules["dormant_days"],
    ) == (notice_days, term_years, rotation_years, dormant_days)


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("wuhan", WUHAN_DISQUALIFICATION),
        ("yangquan", ["assessment_failed", "law_violation", "host_harm", "no_management"]),
        ("puyang", ["no_management", "fraud", "law_violation"]),
        ("suzhou", ["assessment_failed", "law_violation"]),
        ("hubei", WUHAN_DISQUALIFICATION),
    ],
)
def test_disqualification_codes(name, codes):
    reasons = PRESETS[name]["disqualification_reasons"]
    assert [r["code"] for r in reasons] == codes
    assert all(set(r) == {"code", "label"} and r["label"] for r in reasons)


@pytest.mark.parametrize(
    ("name", "checks"),
    [
        (
            "wuhan",
            {
                "city": [
                    ("retirement_margin", "block", {"rule": "retirement_margin", "years": 2}),
                    ("new_staff_preferred", "warn", {"rule": "service_months", "months": 3}),
                ],
                "district": [],
            },
        ),
        (
            "yangquan",
            {
                "commissioner": [
                    (
                        "degree_or_title",
                        "block",
                        {
                            "rule": "degree_or_title",
                            "degree": "master",
                            "title_level": "intermediate",
                        },
                    ),
                    ("integrity_record", "block", {"rule": "no_integrity_record"}),
                ],
            },
        ),
        (
            "puyang",
            {
                "A": [],
                "B": [
                    ("park_experience", "block", {"rule": "park_years", "years": 3}),
                    ("certificate_preferred", "warn", CERTIFICATE_RULE),
                ],
            },
        ),
        ("suzhou", {"specialist": []}),
        (
            "hubei",
            {
                "A": [("certificate_preferred", "warn", CERTIFICATE_RULE)],
                "B": [("certificate_preferred", "warn", CERTIFICATE_RULE)],
            },
        ),
    ],
)
def test_eligibility(name, checks):
    eligibility = PRESETS[name]["eligibility"]
    got = {
        code: [
            (
                c["code"],
                c["level"],
                {k: v for k, v in c.items() if k not in {"code", "label", "level"}},
            )
            for c in items
        ]
        for code, items in eligibility.items()
    }
    assert got == checks
    assert all(c["label"] for items in eligibility.values() for c in items)


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("wuhan", "武汉市科技成果转化联络员工作管理办法"),
        ("yangquan", "阳泉市科技特派员管理办法"),
        ("puyang", "濮阳市科协关于开展首批“科创龙都”联络员推荐认定工作的通知"),
        ("suzhou", "宿州市双链融合专员服务县域经济高质量发展实施方案"),
        ("hubei", "科创联络员制度在科创服务中的实践探索——以科创湖北联络员为例"),
    ],
)
def test_source(name, source):
    assert PRESETS[name]["source"] == source


@pytest.mark.parametrize("name", NAMES)
def test_preset_rules_is_a_deep_copy(name):
    before = json.dumps(PRESETS[name], ensure_ascii=False, sort_keys=True)
    rules = preset_rules(name)
    assert rules == PRESETS[name]
    rules["points"]["event"] = 999
    rules["categories"][0]["pool"] = "changed"
    rules["quotas"].clear()
    rules["disqualification_reasons"][0]["label"] = "changed"
    next(iter(rules["review_stages"].values())).pop()
    if rules["excellence"] is not None:
        rules["excellence"]["ratio"] = "0.99"
    assert json.dumps(PRESETS[name], ensure_ascii=False, sort_keys=True) == before


def test_presets_share_no_mutable_objects():
    def ids(value, seen):
        if isinstance(value, dict | list):
            seen.append(id(value))
            for child in value.values() if isinstance(value, dict) else value:
                ids(child, seen)
        return seen

    all_ids = [i for name in NAMES for i in ids(PRESETS[name], [])]
    assert len(all_ids) == len(set(all_ids))


@pytest.mark.parametrize("name", ["", "Wuhan", "shanghai", "WUHAN"])
def test_preset_rules_unknown_name(name):
    with pytest.raises(ValueError, match="unknown preset"):
        preset_rules(name)


# -- the annual assessment (issue 12, SPEC.md §6a), each against its document ----


def _unlabelled(value):
    """The rules without their labels (labels are checked to be non-empty)."""
    if isinstance(value, dict):
        assert value.get("label", "x"), value
        return {k: _unlabelled(v) for k, v in value.items() if k != "label"}
    if isinstance(value, list):
        return [_unlabelled(v) for v in value]
    return value


def _grades(*codes_and_mins, cap=None):
    out = []
    for code, min_score in codes_and_mins:
        grade = {"code": code}
        if min_score is not None:
            grade["min_score"] = min_score
        if cap and code == "excellent":
            grade["cap"] = cap
        out.append(grade)
    return out


GRADE_LABELS = {"excellent": "优秀", "qualified": "合格", "unqualified": "不合格"}
UNQUALIFIED_IF_DISQUALIFIED = {"kind": "disqualified", "grade": "unqualified"}


@pytest.mark.parametrize("name", NAMES)
def test_assessment_grades_are_labelled_in_chinese(name):
    for grade in PRESETS[name]["assessment"]["grades"]:
        assert grade["label"] == GRADE_LABELS[grade["code"]]


def test_wuhan_assessment_against_000():
    assert _unlabelled(PRESETS["wuhan"]["assessment"]) == {
        # 第十八条（三）: the points ranking's top 30% are 优秀 (``excellence``)
        "method": "points",
        "components": [],
        "criteria": {},
        # 第二十二条: a city officer's discipline violation → 年度考核不合格
        "vetoes": [
            {"kind": "discipline_violation", "grade": "unqualified", "categories": ["city"]}
        ],
        "grades": _grades(("excellent", None), ("qualified", None), ("unqualified", None)),
        "consequences": {
            "unqualified_blocks_next_nomination": False,
            "unqualified_ends_service": False,
            "discipline_removes_excellence": True,  # 第二十二条：取消评优资格
        },
    }


def test_yangquan_assessment_against_001():
    assert _unlabelled(PRESETS["yangquan"]["assessment"]) == {
        "method": "graded",
        # 第十七条: 辖区科技管理部门意见、派驻单位评价、日常服务次数与记录、年度工作
        # 实绩 — no weights in the document: equal
        "components": [
            {
                "code": "county_opinion",
                "kind": "district_opinion",
                "weight": 1,
                "levels": [
                    {"code": "excellent", "score": 100},
                    {"code": "qualified", "score": 60},
                    {"code": "unqualified", "score": 0},
                ],
            },
            {"code": "host_evaluation", "kind": "rating", "weight": 1, "rater": "host"},
            {"code": "service_records", "kind": "service_days", "weight": 1, "full_at": 12},
            {"code": "results", "kind": "rating", "weight": 1, "rater": "district"},
        ],
        # 第十七条: 履职尽责情况、技术服务成效、创新成果转化、服务对象满意度
        "criteria": {
            "host": [
                {"code": "duties"},
                {"code": "service"},
                {"code": "conversion"},
                {"code": "satisfaction"},
            ],
            "district": [{"code": "results"}],
        },
        # 第十七条 廉洁自律; 第十六条 disqualification
        "vetoes": [
            {"kind": "integrity_record", "grade": "unqualified"},
            UNQUALIFIED_IF_DISQUALIFIED,
        ],
        # 第十八条: 优秀 / 合格 / 不合格, 优秀 at most 20% (rounded down, ties out)
        "grades": _grades(
            ("excellent", 85),
            ("qualified", 60),
            ("unqualified", 0),
            cap={"ratio": "0.2", "rounding": "floor", "tie": "exclude"},
        ),
        "consequences": {
            "unqualified_blocks_next_nomination": True,  # 第十八条
            "unqualified_ends_service": True,  # 第十六条（一）
            "discipline_removes_excellence": False,
        },
    }


def test_puyang_assessment_against_002():
    assert _unlabelled(PRESETS["puyang"]["assessment"]) == {
        "method": "graded",
        # 四（三）：每年对联络员工作开展情况进行评估 — one component
        "components": [{"code": "work", "kind": "rating", "weight": 1, "rater": "district"}],
        "criteria": {"district": [{"code": "work"}, {"code": "contribution"}]},
        "vetoes": [UNQUALIFIED_IF_DISQUALIFIED],  # 四（三）取消其任职资格
        # 四（三）优秀联络员 with no ratio: no cap
        "grades": _grades(("excellent", 85), ("qualified", 60), ("unqualified", 0)),
        "consequences": {
            "unqualified_blocks_next_nomination": False,
            "unqualified_ends_service": True,  # 四（三）工作敷衍…取消其任职资格
            "discipline_removes_excellence": False,
        },
    }


def test_suzhou_assessment_against_003():
    assert _unlabelled(PRESETS["suzhou"]["assessment"]) == {
        "method": "graded",
        # 二（三）6: the county office with the service units (enterprises)
        "components": [
            {"code": "county_evaluation", "kind": "rating", "weight": 1, "rater": "district"},
            {
                "code": "enterprise_satisfaction",
                "kind": "rating",
                "weight": 1,
                "rater": "enterprise",
            },
        ],
        # 二（三）6: 企业导向、工作主动性、企业满意度、工作成效
        "criteria": {
            "district": [
                {"code": "enterprise_orientation"},
                {"code": "initiative"},
                {"code": "results"},
            ],
            "enterprise": [{"code": "satisfaction"}],
        },
        # 二（三）3: at least a month of service a year
        "vetoes": [
            {"kind": "service_days_below", "grade": "unqualified", "days": 30},
            UNQUALIFIED_IF_DISQUALIFIED,
        ],
        # 二（三）6 names only 不合格
        "grades": _grades(("qualified", 60), ("unqualified", 0)),
        "consequences": {
            # 二（三）6：终止与该专员合作，不再予以派驻服务
            "unqualified_blocks_next_nomination": True,
            "unqualified_ends_service": True,
            "discipline_removes_excellence": False,
        },
    }


def test_hubei_assessment_against_004():
    assert _unlabelled(PRESETS["hubei"]["assessment"]) == {
        "method": "graded",
        # 3.3 一人一档, 2.2⑤ 工作总结, 3.2 集中培训 — no weights: equal
        "components": [
            {"code": "activity", "kind": "rating", "weight": 1, "rater": "district"},
            {"code": "summaries", "kind": "reports_on_time", "weight": 1},
            {"code": "training", "kind": "training_attendance", "weight": 1},
        ],
        "criteria": {
            "district": [{"code": "achievements"}, {"code": "demands"}, {"code": "interaction"}]
        },
        "vetoes": [UNQUALIFIED_IF_DISQUALIFIED],
        # 6.3 考核优秀 with no ratio: no cap
        "grades": _grades(("excellent", 85), ("qualified", 60), ("unqualified", 0)),
        "consequences": {
            "unqualified_blocks_next_nomination": False,
            "unqualified_ends_service": True,  # 4.1 淘汰僵尸联络员
            "discipline_removes_excellence": False,
        },
    }
