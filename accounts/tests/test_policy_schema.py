"""The JSON Schema of a policy's rules: every preset validates, errors are
keyed by JSON path and name the field in Chinese; each preset's own rules
listed against its document (SPEC.md §2: a preset restates only its own
document)."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from accounts.policy_schema import SCHEMA, json_path, rules_errors
from accounts.presets import PRESETS, preset_rules

NAMES = ["wuhan", "yangquan", "puyang", "suzhou", "hubei"]


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_validates(name):
    assert rules_errors(preset_rules(name)) == {}


def test_the_schema_describes_every_preset_key():
    keys = set().union(*(set(rules) for rules in PRESETS.values()))
    assert keys <= set(SCHEMA["properties"])
    assert {"selection", "headcount", "assessment", "duties"} <= set(SCHEMA["properties"])


def test_json_path():
    assert json_path(["quotas", 2, "count"]) == "quotas[2].count"
    assert json_path(["review_stages", "city", 0, "role"]) == "review_stages.city[0].role"


def _errors(rules) -> dict:
    with translation.override("zh-hans"):
        return rules_errors(rules)


def test_errors_are_keyed_by_path_in_chinese():
    rules = preset_rules("wuhan")
    rules["quotas"][2]["count"] = 0
    rules["quotas"][0]["period"] = "week"
    rules["points"]["event"] = "ten"
    del rules["bonus"]["amount"]
    rules["colour"] = "blue"
    rules["mfa_required_roles"] = ["admin", "boss"]
    errors = _errors(rules)
    assert set(errors) == {
        "quotas[2].count",
        "quotas[0].period",
        "points.event",
        "bonus.amount",
        "colour",
        "mfa_required_roles[1]",
    }
    assert errors["quotas[2].count"] == ["“quotas[2].count”不能小于1。"]
    assert errors["bonus.amount"] == ["必须填写“bonus.amount”。"]
    assert errors["colour"] == ["“colour”不是本政策的规则。"]
    assert errors["points.event"] == ["“points.event”必须是整数。"]
    assert errors["quotas[0].period"] == [
        "“quotas[0].period”必须是以下之一：month, quarter, year。"
    ]


def test_empty_rules_are_valid():
    rules = preset_rules("wuhan")
    rules.update(points={}, bonus=None, excellence=None, quotas=[])
    assert rules_errors(rules) == {}


def test_a_missing_key_and_a_quota_of_an_unknown_category():
    rules = preset_rules("yangquan")
    del rules["term_years"]
    assert set(_errors(rules)) == {"term_years"}
    rules = preset_rules("yangquan")
    rules["quotas"] = [
        {
            "scope": "officer",
            "category": "city",
            "kind": "event",
            "count": 1,
            "period": "year",
            "basis": "logged",
        }
    ]
    assert _errors(rules) == {
        "quotas[0].category": ["“quotas[0].category”必须是本政策的一个类别。"]
    }


def test_a_chain_must_end_with_the_centre():
    rules = preset_rules("wuhan")
    rules["review_stages"]["city"] = list(reversed(rules["review_stages"]["city"]))
    assert set(_errors(rules)) == {"review_stages.city"}
    rules = preset_rules("wuhan")
    rules["review_stages"]["city"][1]["code"] = "approved"
    assert set(_errors(rules)) == {"review_stages.city"}


def test_eligibility_rules_take_their_parameters():
    rules = preset_rules("wuhan")
    rules["eligibility"]["district"] = [
        {"code": "age", "label": "距退休不足2年", "level": "block", "rule": "retirement_margin"},
        {"code": "deg", "label": "学位", "level": "warn", "rule": "degree_min", "degree": "phd"},
    ]
    assert set(_errors(rules)) == {
        "eligibility.district[0].years",
        "eligibility.district[1].degree",
    }


def test_selection_and_headcount_shapes():
    rules = preset_rules("wuhan")
    rules["selection"] = {
        code: {
            "stages": copy.deepcopy(stages),
            "notice": code == "district",
            "self_nomination": False,
        }
        for code, stages in rules["review_stages"].items()
    }
    rules["headcount"] = {"min_per_district": 4}
    assert rules_errors(rules) == {}
    rules["selection"]["city"]["notice"] = "yes"
    rules["headcount"] = {"min_per_district": -1}
    assert set(_errors(rules)) == {"selection.city.notice", "headcount.min_per_district"}


# -- each preset against its document -----------------------------------------


def _quotas(rules):
    return {
        (q["scope"], q["category"], q["kind"], q["count"], q["period"], q["basis"])
        for q in rules["quotas"]
    }


def _summary(name):
    rules = preset_rules(name)
    return {
        "points": rules["points"],
        "bonus": rules["bonus"],
        "excellence": rules["excellence"] and rules["excellence"]["ratio"],
        "quotas": _quotas(rules),
        "notice_days": rules["notice_days"],
        "term_years": rules["term_years"],
        "dormant_days": rules["dormant_days"],
        # ``assessment``: one test per preset in test_presets.py
        "duties": _duties(rules),
    }


def _duties(rules):
    """Each duty as (kind, what, categories, number): the report and its due
    offset, the agreement's months, the service days, the training's yearly
    minimum."""
    out = set()
    for d in rules["duties"]:
        what = d.get("report") or d.get("training")
        number = d.get("due_offset_days", d.get("months", d.get("min_days", d.get("min_per_year"))))
        out.add((d["kind"], what, tuple(d.get("categories", ())), number))
    return out


def test_wuhan_against_000():
    assert _summary("wuhan") == {
        # 第十八条（一）: 5 / 5 / 10 / 100, bonus 100 above 1000 with a conversion
        "points": {
            "achievement": 5,
            "demand": 5,
            "event": 10,
            "conversion": 100,
            "case": 0,
            "video": 0,
        },
        "bonus": {"threshold": 1000, "amount": 100, "requires_conversion": True},
        "excellence": "0.30",  # 第十八条（三）: 前30%
        "quotas": {  # 第十一条, 第十七条（二）
            ("officer", "city", "achievement", 2, "month", "logged"),
            ("officer", "city", "event", 2, "month", "logged"),
            ("officer", "city", "case", 1, "year", "logged"),
            ("officer", "city", "video", 1, "month", "logged"),
            ("officer", "district", "demand", 2, "year", "valid"),
            ("officer", "district", "event", 4, "year", "logged"),
            ("officer", "district", "video", 1, "quarter", "logged"),
            ("district", None, "case", 2, "year", "logged"),
        },
        "notice_days": 5,  # default (第七条: 予以公示, no length)
        "term_years": 2,  # 第八条（一）
        "dormant_days": 90,  # default
        "duties": {
            ("report", "weekly_plan", ("city",), 0),  # 第十三条（二）: 每周一报备
            ("report", "monthly_plan", ("district",), 9),  # SPEC.md §5: before the 10th
            ("training", "training", (), 2),  # 第十五条（一）: 每半年1次
            ("training", "exchange_meeting", ("city",), 12),  # 第十五条（二）: 每月1次
        },
    }


GRADED = {
    "points": {},
    "bonus": None,
    "excellence": None,
    "quotas": set(),
    "notice_days": 5,  # default: each document says 公示 with no length
    "dormant_days": 90,  # default: no document sets a dormancy period
    "duties": set(),
}


def test_yangquan_against_001():
    # no points, bonus or quotas; the 20% cap (第十八条) caps assessment grades
    # (issue 12), not a points ranking; 第十四条（五）: a one-year agreement
    assert _summary("yangquan") == {
        **GRADED,
        "term_years": 1,
        "duties": {
            ("agreement", None, (), 12),  # 第十一条（五）: 有效期一般为一年
            ("report", "quarterly_report", (), 10),  # 第十七条: 按季度报送工作进展
        },
    }


def test_puyang_against_002():
    assert _summary("puyang") == {**GRADED, "term_years": 2}  # 四（三）：任期两年


def test_suzhou_against_003():
    assert _summary("suzhou") == {
        **GRADED,
        "term_years": 2,
        "duties": {
            ("agreement", None, (), 24),  # 签订相关协议, 两年为一个派驻周期
            ("service_days", None, (), 30),  # 每年服务时间不少于一个月
        },
    }  # 二（三）3：两年一个派驻周期


def test_hubei_against_004():
    assert _summary("hubei") == {
        **GRADED,
        "term_years": 2,
        "duties": {
            ("training", "training", (), 1),  # 3.2: 每年至少组织 1 场次
            ("report", "annual_summary", (), 15),  # 2.2 ⑤: 提交工作总结
        },
    }  # 3.1：认定期为 2 年


# -- the assessment (issue 12, SPEC.md §6a) -------------------------------------


def test_no_assessment_is_valid():
    rules = preset_rules("yangquan")
    rules["assessment"] = None
    assert rules_errors(rules) == {}


def test_assessment_shape_errors_by_path():
    rules = preset_rules("yangquan")
    assessment = rules["assessment"]
    assessment["method"] = "ranked"
    assessment["components"][0]["weight"] = 0.5  # a float: never exact
    del assessment["components"][1]["rater"]
    assessment["components"][2]["full_at"] = 0
    assessment["grades"][0]["cap"]["ratio"] = "20%"
    assessment["vetoes"].append({"kind": "service_days_below", "grade": "unqualified"})
    assessment["consequences"]["ends_everything"] = True
    assessment["criteria"]["boss"] = [{"code": "x", "label": "x"}]
    errors = _errors(rules)
    assert errors == {
        "assessment.method": ["“assessment.method”必须是以下之一：points, graded。"],
        "assessment.components[0].weight": [
            "“assessment.components[0].weight”必须是整数，或以文本书写的精确小数（如“0.5”）。"
        ],
        "assessment.components[1].rater": ["必须填写“assessment.components[1].rater”。"],
        "assessment.components[2].full_at": ["“assessment.components[2].full_at”不能小于1。"],
        "assessment.grades[0].cap.ratio": ["“assessment.grades[0].cap.ratio”格式不正确。"],
        "assessment.vetoes[2].days": ["必须填写“assessment.vetoes[2].days”。"],
        "assessment.consequences.ends_everything": [
            "“assessment.consequences.ends_everything”不是本政策的规则。"
        ],
        "assessment.criteria.boss": [
            "“assessment.criteria.boss”不是可用的名称，请使用以下之一：host, enterprise, district。"
        ],
    }


def test_a_graded_assessment_needs_components():
    rules = preset_rules("suzhou")
    rules["assessment"]["components"] = []
    assert set(_errors(rules)) == {"assessment.components"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda a: a["vetoes"][0].update(grade="failed"),
            {
                "assessment.vetoes[0].grade": [
                    "“assessment.vetoes[0].grade”必须是本考核的一个等次。"
                ]
            },
        ),
        (
            lambda a: [c.update(weight="0.000") for c in a["components"]],
            {"assessment.components": ["“assessment.components”：权重不能全部为零。"]},
        ),
        (
            lambda a: a["grades"][1].update(min_score=90),
            {
                "assessment.grades[1].min_score": [
                    "“assessment.grades[1].min_score”必须低于上一等次的分数线。"
                ]
            },
        ),
        (
            lambda a: a["grades"][2].update(min_score="10.5"),
            {
                "assessment.grades[2].min_score": [
                    "“assessment.grades[2].min_score”必须为0：最低等次涵盖其余人员。"
                ]
            },
        ),
        (
            lambda a: a["grades"][0].update(min_score=101),
            {"assessment.grades[0].min_score": ["“assessment.grades[0].min_score”不能大于100。"]},
        ),
        (
            lambda a: a["grades"][1].pop("min_score"),
            {"assessment.grades[1].min_score": ["必须填写“assessment.grades[1].min_score”。"]},
        ),
        (
            lambda a: a["grades"][2].update(cap=dict(a["grades"][0]["cap"])),
            {
                "assessment.grades[2].cap": [
                    "“assessment.grades[2].cap”：最低等次不能设置名额比例上限。"
                ]
            },
        ),
        (
            lambda a: a["grades"][1].update(code="excellent"),
            {"assessment.grades[1].code": ["“assessment.grades[1].code”与其他等次的代码重复。"]},
        ),
        (
            lambda a: a["components"][3].update(code="county_opinion"),
            {
                "assessment.components[3].code": [
                    "“assessment.components[3].code”与其他考核项的代码重复。"
                ]
            },
        ),
        (
            lambda a: a["criteria"].pop("host"),
            {
                "assessment.components[1].rater": [
                    "“assessment.components[1].rater”：须为这类评价方设置评分指标。"
                ]
            },
        ),
        (
            lambda a: a["criteria"]["host"].append({"code": "duties", "label": "又一项"}),
            {"assessment.criteria.host": ["“assessment.criteria.host”中有重复项。"]},
        ),
        (
            lambda a: a["components"][0]["levels"].append(
                {"code": "qualified", "label": "再", "score": 1}
            ),
            {"assessment.components[0].levels": ["“assessment.components[0].levels”中有重复项。"]},
        ),
        (
            lambda a: a["vetoes"][0].update(categories=["city"]),
            {
                "assessment.vetoes[0].categories[0]": [
                    "“assessment.vetoes[0].categories[0]”必须是本政策的一个类别。"
                ]
            },
        ),
    ],
)
def test_graded_assessment_semantic_errors(change, expected):
    rules = preset_rules("yangquan")
    change(rules["assessment"])
    assert _errors(rules) == expected


def test_points_assessment_takes_no_components_thresholds_or_caps():
    rules = preset_rules("wuhan")
    rules["assessment"]["components"] = copy.deepcopy(
        PRESETS["hubei"]["assessment"]["components"][1:]
    )
    rules["assessment"]["grades"][0]["min_score"] = 85
    rules["assessment"]["grades"][0]["cap"] = {
        "ratio": "0.3",
        "rounding": "floor",
        "tie": "include",
    }
    assert _errors(rules) == {
        "assessment.components": ["“assessment.components”必须为空：积分制考核按积分排名。"],
        "assessment.grades[0].min_score": ["“assessment.grades[0].min_score”仅适用于分等次考核。"],
        "assessment.grades[0].cap": ["“assessment.grades[0].cap”仅适用于分等次考核。"],
    }


def test_weights_as_integers_or_exact_decimals():
    rules = preset_rules("yangquan")
    for component, weight in zip(
        rules["assessment"]["components"], [3, "0.25", "1.5", 0], strict=True
    ):
        component["weight"] = weight
    assert rules_errors(rules) == {}


def test_duty_shape_errors_by_path():
    rules = preset_rules("wuhan")
    rules["duties"] = [
        {"code": "weekly_plan", "label": "周计划", "kind": "report"},
        {
            "code": "weekly_plan",
            "label": "培训",
            "kind": "training",
            "training": "training",
            "min_per_year": 2,
            "categories": ["county"],
        },
        {"code": "days", "label": "服务天数", "kind": "service_days", "min_days": 0},
        {"code": "x", "label": "x", "kind": "holiday"},
    ]
    assert _errors(rules) == {
        "duties[0].report": ["必须填写“duties[0].report”。"],
        "duties[0].due_offset_days": ["必须填写“duties[0].due_offset_days”。"],
        "duties[2].min_days": ["“duties[2].min_days”不能小于1。"],
        "duties[3].kind": [
            "“duties[3].kind”必须是以下之一：report, agreement, service_days, training。"
        ],
    }
    del rules["duties"][3]
    rules["duties"][0].update(report="weekly_plan", due_offset_days=0)
    rules["duties"][2]["min_days"] = 30
    assert _errors(rules) == {
        "duties[1].code": ["“duties[1].code”与其他职责代码重复。"],
        "duties[1].categories[0]": ["“duties[1].categories[0]”必须是本政策的一个类别。"],
    }
