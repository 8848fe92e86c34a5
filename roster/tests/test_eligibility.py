"""Unit tests of ``roster.eligibility.check`` (SPEC.md §4.1 eligibility checks;
POLICY-SHAPE's structured rule kinds).

Pure: the nomination's structured fields and the policy's rules in, findings
out; "today" is always passed in, never read from the clock. Table-driven:
each row is (rule, facts, exact findings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from accounts.presets import preset_rules
from roster.eligibility import (
    MISSING_AGE,
    MISSING_SINCE,
    Facts,
    Finding,
    certificate_codes,
    check,
)

TODAY = dt.date(2026, 3, 16)
BLANK = Facts()


def rule(kind: str, level: str = "block", **params) -> dict:
    return {"code": kind, "label": kind.upper(), "level": level, "rule": kind, **params}


def facts(**changes) -> Facts:
    return replace(BLANK, **changes)


def found(kind: str, level: str = "block", suffix: str = "") -> list[Finding]:
    return [Finding(kind, level, kind.upper() + suffix)]


D = dt.date
RETIRE2 = rule("retirement_margin", years=2)
# fmt: off
#: (rule, facts, findings): every kind, met, not met, at the edges, missing facts.
TABLE = [
    # retirement_margin: 60 (male) / 55 (female) unless the rule says otherwise
    (RETIRE2, {"gender": "male", "birth_date": D(1968, 3, 17)}, []),          # 2y+1d left
    (RETIRE2, {"gender": "male", "birth_date": D(1968, 3, 16)}, []),          # exactly 2y
    (RETIRE2, {"gender": "male", "birth_date": D(1968, 3, 15)}, found("retirement_margin")),
    (RETIRE2, {"gender": "female", "birth_date": D(1973, 3, 16)}, []),
    (RETIRE2, {"gender": "female", "birth_date": D(1973, 3, 15)}, found("retirement_margin")),
    (RETIRE2, {"gender": "male", "birth_date": D(1960, 1, 1)}, found("retirement_margin")),
    (rule("retirement_margin", years=2, ages={"female": 60}),
     {"gender": "female", "birth_date": D(1973, 3, 15)}, []),
    (RETIRE2, {"gender": "male"}, found("retirement_margin", "warn", MISSING_AGE)),
    (RETIRE2, {"birth_date": D(1980, 1, 1)}, found("retirement_margin", "warn", MISSING_AGE)),
    # max_age
    (rule("max_age", years=46), {"birth_date": D(1980, 3, 16)}, []),          # 46 today
    (rule("max_age", years=45), {"birth_date": D(1980, 3, 16)}, found("max_age")),
    (rule("max_age", years=45), {"birth_date": D(1980, 3, 17)}, []),          # 45 today
    (rule("max_age", years=44), {"birth_date": D(1980, 3, 17)}, found("max_age")),
    (rule("max_age", years=44), {}, found("max_age", "warn", MISSING_AGE)),
    # degree_min
    (rule("degree_min", degree="master"), {"degree": "master"}, []),
    (rule("degree_min", degree="master"), {"degree": "doctorate"}, []),
    (rule("degree_min", degree="master"), {"degree": "bachelor"}, found("degree_min")),
    (rule("degree_min", degree="master"), {}, found("degree_min")),
    (rule("degree_min", degree="none"), {}, []),
    # title_min
    (rule("title_min", title_level="intermediate"), {"title_level": "senior"}, []),
    (rule("title_min", title_level="intermediate"), {"title_level": "intermediate"}, []),
    (rule("title_min", title_level="intermediate"), {"title_level": "junior"},
     found("title_min")),
    (rule("title_min", title_level="junior", level="warn"), {"title_level": "none"},
     found("title_min", "warn")),
    # degree_or_title
    (rule("degree_or_title", degree="master", title_level="intermediate"),
     {"degree": "master"}, []),
    (rule("degree_or_title", degree="master", title_level="intermediate"),
     {"degree": "bachelor", "title_level": "intermediate"}, []),
    (rule("degree_or_title", degree="master", title_level="intermediate"),
     {"degree": "bachelor", "title_level": "junior"}, found("degree_or_title")),
    (rule("degree_or_title", degree="master", title_level="intermediate"), {},
     found("degree_or_title")),
    # service_months (from employer_since)
    (rule("service_months", "warn", months=3), {"employer_since": D(2025, 12, 16)}, []),
    (rule("service_months", "warn", months=3), {"employer_since": D(2025, 12, 17)},
     found("service_months", "warn")),
    (rule("service_months", months=3), {}, found("service_months", "warn", MISSING_SINCE)),
    # park_years
    (rule("park_years", years=3), {"park_years": 3}, []),
    (rule("park_years", years=3), {"park_years": 2}, found("park_years")),
    (rule("park_years", years=3), {}, found("park_years")),
    # certificates: codes or their exact names
    (rule("certificates", "warn", any_of=["patent_agent"]), {"certificates": "patent_agent"}, []),
    (rule("certificates", "warn", any_of=["patent_agent", "technology_manager"]),
     {"certificates": "技术经理人、其他"}, []),
    (rule("certificates", "warn", any_of=["patent_agent"]), {"certificates": "专利代理人证书"},
     found("certificates", "warn")),
    (rule("certificates", "warn", any_of=["patent_agent"]), {}, found("certificates", "warn")),
    # no_integrity_record
    (rule("no_integrity_record"), {"integrity_record": False}, []),
    (rule("no_integrity_record"), {"integrity_record": True}, found("no_integrity_record")),
    # last_grade_not: no grades until issue 12, never blocks
    (rule("last_grade_not", grades=["unqualified"]), {}, []),
    (rule("last_grade_not", grades=["unqualified"]), {"last_grade": "qualified"}, []),
    (rule("last_grade_not", grades=["unqualified"]), {"last_grade": "unqualified"},
     found("last_grade_not")),
]
# fmt: on


@pytest.mark.parametrize(("spec", "changes", "expected"), TABLE)
def test_rule_kinds(spec, changes, expected):
    assert check(facts(**changes), [spec], TODAY) == expected


def test_no_rules_no_findings():
    assert check(facts(integrity_record=True), [], TODAY) == []


def test_findings_keep_the_rules_order():
    rules = [rule("park_years", years=3), rule("no_integrity_record", "warn")]
    assert check(facts(integrity_record=True), rules, TODAY) == [
        Finding("park_years", "block", "PARK_YEARS"),
        Finding("no_integrity_record", "warn", "NO_INTEGRITY_RECORD"),
    ]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown eligibility rule 'keywords'"):
        check(BLANK, [rule("keywords")], TODAY)


def test_finding_as_dict():
    assert Finding("x", "block", "无失信").as_dict() == {
        "code": "x",
        "level": "block",
        "message": "无失信",
    }


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("", frozenset()),
        ("专利代理人", {"patent_agent"}),
        ("专利代理人，technology_broker", {"patent_agent", "technology_broker"}),
        ("技术经理人 技术经纪人", {"technology_manager", "technology_broker"}),
    ],
)
def test_certificate_codes(text, codes):
    assert certificate_codes(text) == codes


# --- the presets' rules, as their documents state them ------------------------------------


def test_wuhan_city_preset_rules():
    rules = preset_rules("wuhan")["eligibility"]
    assert rules["district"] == []
    nominee = facts(gender="male", birth_date=D(1967, 6, 1), employer_since=D(2026, 1, 1))
    assert check(nominee, rules["city"], TODAY) == [
        Finding("retirement_margin", "block", "距离退休年龄不足2年的不作为选派对象"),
        Finding("new_staff_preferred", "warn", "新入职人员工作期满3个月的优先选派"),
    ]
    settled = facts(gender="female", birth_date=D(1980, 1, 1), employer_since=D(2020, 1, 1))
    assert check(settled, rules["city"], TODAY) == []


def test_yangquan_preset_rules():
    rules = preset_rules("yangquan")["eligibility"]["commissioner"]
    degree = "具有硕士学位或中级（含）以上职称"
    integrity = "近三年内无科研失信行为、无违法违纪记录、无不良信用记录"
    assert check(facts(degree="bachelor"), rules, TODAY) == [
        Finding("degree_or_title", "block", degree)
    ]
    assert check(facts(degree="master"), rules, TODAY) == []
    assert check(facts(title_level="intermediate", integrity_record=True), rules, TODAY) == [
        Finding("integrity_record", "block", integrity)
    ]


def test_puyang_preset_rules():
    rules = preset_rules("puyang")["eligibility"]
    assert rules["A"] == []
    park = "具备3年以上高新园区、产业园、科技园、孵化器管理工作经验"
    certificate = "有专利代理人资格证或技术经理人证书者优先"
    assert check(facts(park_years=2), rules["B"], TODAY) == [
        Finding("park_experience", "block", park),
        Finding("certificate_preferred", "warn", certificate),
    ]
    assert check(facts(park_years=3, certificates="技术经理人"), rules["B"], TODAY) == []


def test_suzhou_and_hubei_preset_rules():
    assert preset_rules("suzhou")["eligibility"] == {"specialist": []}
    hubei = preset_rules("hubei")["eligibility"]
    label = "有专利代理人资格证或技术经纪人证书者优先"
    for category in ("A", "B"):
        assert check(BLANK, hubei[category], TODAY) == [
            Finding("certificate_preferred", "warn", label)
        ]
        assert check(facts(certificates="专利代理人"), hubei[category], TODAY) == []
