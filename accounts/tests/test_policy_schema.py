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
        "assessment": rules["assessment"],
        "duties": rules["duties"],
    }


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
        "assessment": None,
        "duties": [],
    }


GRADED = {
    "points": {},
    "bonus": None,
    "excellence": None,
    "quotas": set(),
    "notice_days": 5,  # default: each document says 公示 with no length
    "dormant_days": 90,  # default: no document sets a dormancy period
    "assessment": None,
    "duties": [],
}


def test_yangquan_against_001():
    # no points, bonus or quotas; the 20% cap (第十八条) caps assessment grades
    # (issue 12), not a points ranking; 第十四条（五）: a one-year agreement
    assert _summary("yangquan") == {**GRADED, "term_years": 1}


def test_puyang_against_002():
    assert _summary("puyang") == {**GRADED, "term_years": 2}  # 四（三）：任期两年


def test_suzhou_against_003():
    assert _summary("suzhou") == {**GRADED, "term_years": 2}  # 二（三）3：两年一个派驻周期


def test_hubei_against_004():
    assert _summary("hubei") == {**GRADED, "term_years": 2}  # 3.1：认定期为 2 年
