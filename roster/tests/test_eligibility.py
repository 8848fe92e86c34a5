"""Unit tests of ``roster.eligibility.check`` (SPEC.md §4.1 eligibility checks).

Pure: facts and the policy's checks in, findings out; "today" is always
passed in, never read from the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from accounts.presets import preset_rules
from roster.eligibility import Facts, Finding, check

TODAY = dt.date(2026, 3, 16)

BLANK = Facts(
    birth_date=None,
    gender="",
    degree="",
    title="",
    joined_on=None,
    park_years=None,
    integrity_record=False,
    certificates="",
)

RETIREMENT = {"code": "retirement_margin", "label": "退休前2年", "level": "block", "years": 2}
NEW_STAFF = {"code": "new_staff_preferred", "label": "新人优先", "level": "warn", "months": 3}
DEGREE = {"code": "degree_or_title", "label": "硕士或中级", "level": "block"}
INTEGRITY = {"code": "integrity_record", "label": "无失信", "level": "block", "years": 3}
PARK = {"code": "park_experience", "label": "园区3年", "level": "block", "years": 3}
CERTIFICATE = {"code": "certificate_preferred", "label": "证书优先", "level": "warn"}

MISSING = "（缺少出生日期或性别，无法核对）"


def facts(**changes) -> Facts:
    return replace(BLANK, **changes)


def run(spec: dict, today: dt.date = TODAY, **changes) -> list[Finding]:
    return check(facts(**changes), [spec], today)


# --- general --------------------------------------------------------------------------------


def test_no_checks_no_findings():
    assert check(facts(integrity_record=True), [], TODAY) == []


def test_finding_as_dict():
    assert Finding("integrity_record", "block", "无失信").as_dict() == {
        "code": "integrity_record",
        "level": "block",
        "message": "无失信",
    }


def test_findings_keep_the_policy_order():
    found = check(
        facts(integrity_record=True, park_years=1, certificates="技术经理人"),
        [CERTIFICATE, INTEGRITY, DEGREE, PARK],
        TODAY,
    )
    assert found == [
        Finding("certificate_preferred", "info", "证书优先"),
        Finding("integrity_record", "block", "无失信"),
        Finding("degree_or_title", "block", "硕士或中级"),
        Finding("park_experience", "block", "园区3年"),
    ]


def test_unknown_check_is_a_warning_to_check_by_hand():
    spec = {"code": "speaks_dialect", "label": "会说方言", "level": "block"}
    assert run(spec) == [Finding("speaks_dialect", "warn", "会说方言（请人工核对）")]


def test_level_defaults_to_warn_and_label_to_empty():
    assert run({"code": "integrity_record"}, integrity_record=True) == [
        Finding("integrity_record", "warn", "")
    ]


# --- retirement_margin (wuhan city officers) --------------------------------------------------


@pytest.mark.parametrize(
    ("gender", "birth_date", "blocked"),
    [
        # male: 60. Today 2026-03-16; retirement on 2028-03-16 is exactly 2 years away.
        ("male", dt.date(1968, 3, 16), False),
        ("male", dt.date(1968, 3, 15), True),  # retires 2028-03-15: 1 year 364 days away
        ("male", dt.date(1967, 6, 1), True),
        ("male", dt.date(1960, 1, 1), True),  # retired already
        ("male", dt.date(1980, 1, 1), False),
        ("男", dt.date(1968, 3, 15), True),
        ("男", dt.date(1968, 3, 16), False),
        ("Male", dt.date(1968, 3, 15), True),
        # female: 55. Retirement on 2028-03-16 for a birth on 1973-03-16.
        ("female", dt.date(1973, 3, 16), False),
        ("female", dt.date(1973, 3, 15), True),
        ("女", dt.date(1973, 3, 15), True),
        ("女", dt.date(1973, 3, 16), False),
        # the same birth date: a woman retires, a man does not
        ("female", dt.date(1972, 1, 1), True),
        ("male", dt.date(1972, 1, 1), False),
    ],
)
def test_retirement_margin(gender, birth_date, blocked):
    found = run(RETIREMENT, gender=gender, birth_date=birth_date)
    assert found == ([Finding("retirement_margin", "block", "退休前2年")] if blocked else [])


def test_retirement_margin_uses_the_policy_years_and_level():
    spec = {**RETIREMENT, "years": 5, "level": "warn"}
    assert run(spec, gender="male", birth_date=dt.date(1969, 1, 1)) == [
        Finding("retirement_margin", "warn", "退休前2年")
    ]
    assert run(spec, gender="male", birth_date=dt.date(1972, 3, 16)) == []


def test_retirement_margin_defaults_to_two_years():
    spec = {"code": "retirement_margin", "label": "L", "level": "block"}
    assert run(spec, gender="male", birth_date=dt.date(1968, 3, 15)) == [
        Finding("retirement_margin", "block", "L")
    ]
    assert run(spec, gender="male", birth_date=dt.date(1968, 3, 16)) == []


@pytest.mark.parametrize(
    ("gender", "birth_date"),
    [
        ("male", None),
        ("", dt.date(1968, 3, 15)),
        ("unknown", dt.date(1968, 3, 15)),
        ("", None),
    ],
)
def test_retirement_margin_missing_facts_warn_not_block(gender, birth_date):
    assert run(RETIREMENT, gender=gender, birth_date=birth_date) == [
        Finding("retirement_margin", "warn", "退休前2年" + MISSING)
    ]


def test_retirement_margin_birth_on_29_february():
    # 1972-02-29 + 55 years = 2027 (no 29 February): retires about 2027-03-01, < 2 years away.
    assert run(RETIREMENT, gender="female", birth_date=dt.date(1972, 2, 29)) == [
        Finding("retirement_margin", "block", "退休前2年")
    ]
    # 1980-02-29 + 55 = 2035: far away, no finding.
    assert run(RETIREMENT, gender="female", birth_date=dt.date(1980, 2, 29)) == []


# --- new_staff_preferred ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined_on", "preferred"),
    [
        (dt.date(2025, 12, 16), True),  # exactly 3 months
        (dt.date(2025, 12, 17), False),  # 2 months 30 days
        (dt.date(2020, 1, 1), True),
        (dt.date(2026, 3, 16), False),
        (None, False),
    ],
)
def test_new_staff_preferred_is_information(joined_on, preferred):
    # Always level "info" (a preference, never a block), whatever the spec's level.
    expected = [Finding("new_staff_preferred", "info", "新人优先")] if preferred else []
    assert run(NEW_STAFF, joined_on=joined_on) == expected
    assert run({**NEW_STAFF, "level": "block"}, joined_on=joined_on) == expected


def test_new_staff_preferred_uses_the_policy_months():
    spec = {**NEW_STAFF, "months": 6}
    assert run(spec, joined_on=dt.date(2025, 12, 16)) == []
    assert run(spec, joined_on=dt.date(2025, 9, 16)) == [
        Finding("new_staff_preferred", "info", "新人优先")
    ]


# --- degree_or_title (yangquan) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("degree", "title"),
    [
        ("硕士", ""),
        ("工学硕士", ""),
        ("博士", ""),
        ("研究生", ""),
        ("Master of Engineering", ""),
        ("PhD", ""),
        ("", "中级"),
        ("学士", "工程师"),
        ("学士", "高级工程师"),
        ("", "讲师"),
        ("", "副教授"),
        ("", "研究员"),
        ("", "经济师"),
        ("", "会计师"),
        ("", "正高级"),
    ],
)
def test_degree_or_title_met(degree, title):
    assert run(DEGREE, degree=degree, title=title) == []


@pytest.mark.parametrize(
    ("degree", "title"),
    [
        ("", ""),
        ("学士", ""),
        ("本科", "技术员"),
        ("bachelor", "助教"),
    ],
)
def test_degree_or_title_missing_blocks(degree, title):
    assert run(DEGREE, degree=degree, title=title) == [
        Finding("degree_or_title", "block", "硕士或中级")
    ]


@pytest.mark.parametrize("title", ["助理工程师", "助理经济师", "助理会计师"])
def test_degree_or_title_junior_title_blocks(title):
    assert run(DEGREE, degree="学士", title=title) == [
        Finding("degree_or_title", "block", "硕士或中级")
    ]


# --- integrity_record ---------------------------------------------------------------------------


def test_integrity_record():
    assert run(INTEGRITY, integrity_record=True) == [Finding("integrity_record", "block", "无失信")]
    assert run(INTEGRITY, integrity_record=False) == []


# --- park_experience (puyang B) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("park_years", "blocked"), [(None, True), (0, True), (2, True), (3, False), (10, False)]
)
def test_park_experience(park_years, blocked):
    expected = [Finding("park_experience", "block", "园区3年")] if blocked else []
    assert run(PARK, park_years=park_years) == expected


def test_park_experience_uses_the_policy_years():
    spec = {**PARK, "years": 5}
    assert run(spec, park_years=4) == [Finding("park_experience", "block", "园区3年")]
    assert run(spec, park_years=5) == []


# --- certificate_preferred --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("certificates", "preferred"),
    [("专利代理人", True), ("技术经理人证书", True), ("", False), ("   ", False)],
)
def test_certificate_preferred_is_information(certificates, preferred):
    expected = [Finding("certificate_preferred", "info", "证书优先")] if preferred else []
    assert run(CERTIFICATE, certificates=certificates) == expected


# --- the presets' checks ---------------------------------------------------------------------


def test_wuhan_city_preset_checks():
    checks = preset_rules("wuhan")["eligibility"]["city"]
    assert preset_rules("wuhan")["eligibility"]["district"] == []
    found = check(
        facts(gender="male", birth_date=dt.date(1967, 6, 1), joined_on=dt.date(2025, 1, 1)),
        checks,
        TODAY,
    )
    assert found == [
        Finding("retirement_margin", "block", "距离退休年龄不足2年的不作为选派对象"),
        Finding("new_staff_preferred", "info", "新入职人员工作期满3个月的优先选派"),
    ]
    assert check(facts(gender="female", birth_date=dt.date(1980, 1, 1)), checks, TODAY) == []


def test_yangquan_preset_checks():
    checks = preset_rules("yangquan")["eligibility"]["commissioner"]
    degree_label = "具有硕士学位或中级（含）以上职称"
    integrity_label = "近三年内无科研失信行为、无违法违纪记录、无不良信用记录"
    assert check(facts(degree="本科"), checks, TODAY) == [
        Finding("degree_or_title", "block", degree_label)
    ]
    assert check(facts(degree="硕士"), checks, TODAY) == []
    assert check(facts(title="中级工程师", integrity_record=True), checks, TODAY) == [
        Finding("integrity_record", "block", integrity_label)
    ]


def test_puyang_preset_checks():
    rules = preset_rules("puyang")["eligibility"]
    assert rules["A"] == []
    park_label = "具备3年以上高新园区、产业园、科技园、孵化器管理工作经验"
    cert_label = "有专利代理人资格证或技术经理人证书者优先"
    assert check(facts(park_years=2, certificates="专利代理人"), rules["B"], TODAY) == [
        Finding("park_experience", "block", park_label),
        Finding("certificate_preferred", "info", cert_label),
    ]
    assert check(facts(park_years=3), rules["B"], TODAY) == []
