"""Eligibility checks of a nomination (SPEC.md §4.1), from the policy.

Pure: the nomination's structured fields and the policy's rules in, findings
out; "today" is always passed in. Each rule of ``Policy.rules["eligibility"]``
names its kind in ``rule`` (POLICY-SHAPE): a finding at the rule's level
(``block`` stops the submission, ``warn`` is shown to reviewers) when the
nominee does not meet it. No rule reads free text: degrees and title levels
are codes, certificates are codes (or their exact names).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

#: Degrees and title levels in ascending order (API.md codes).
DEGREES = ("none", "bachelor", "master", "doctorate")
TITLE_LEVELS = ("none", "junior", "intermediate", "senior")
#: Statutory retirement age unless the rule says otherwise (``ages``).
RETIREMENT_AGE = {"male": 60, "female": 55}
#: Certificate codes and their exact Chinese names (a nomination lists them
#: separated by commas, 、 or spaces).
CERTIFICATES = {
    "patent_agent": "专利代理人",
    "technology_manager": "技术经理人",
    "technology_broker": "技术经纪人",
}
KINDS = (
    "retirement_margin",
    "max_age",
    "degree_min",
    "title_min",
    "degree_or_title",
    "service_months",
    "park_years",
    "certificates",
    "no_integrity_record",
    "last_grade_not",
)
_SEPARATORS = re.compile(r"[,，、;；/\s]+")
MISSING_AGE = "（缺少出生日期或性别，无法核对）"
MISSING_SINCE = "（缺少本单位入职日期，无法核对）"


@dataclass(frozen=True)
class Facts:
    birth_date: dt.date | None = None
    gender: str = ""
    degree: str = ""
    title_level: str = ""
    employer_since: dt.date | None = None
    park_years: int | None = None
    integrity_record: bool = False
    certificates: str = ""
    last_grade: str | None = None  # issue 12 fills grades
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # block, warn
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "message": self.message}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _years_between(earlier: dt.date, later: dt.date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def certificate_codes(text: str) -> frozenset[str]:
    """The certificate codes a nomination lists: each item is a code or the
    exact name of one (``专利代理人、技术经理人``)."""
    names = {name: code for code, name in CERTIFICATES.items()}
    items = (item.strip() for item in _SEPARATORS.split(text or ""))
    return frozenset(names.get(item, item) for item in items if item)


def _rank(order: tuple[str, ...], value: str) -> int:
    """The position of a code in its ladder; blank or unknown counts as none."""
    return order.index(value) if value in order else 0


def _met(facts: Facts, rule: dict, today: dt.date) -> bool | None:
    """Whether the nominee meets the rule; ``None`` when a fact it needs is
    missing."""
    kind = rule.get("rule")
    if kind in ("retirement_margin", "max_age"):
        if facts.birth_date is None:
            return None
        if kind == "max_age":
            return _years_between(facts.birth_date, today) <= int(rule["years"])
        age = {**RETIREMENT_AGE, **rule.get("ages", {})}.get(facts.gender)
        if age is None:
            return None
        retire = add_years(facts.birth_date, int(age))
        return retire > today and _years_between(today, retire) >= int(rule["years"])
    if kind == "degree_min":
        return _rank(DEGREES, facts.degree) >= _rank(DEGREES, rule["degree"])
    if kind == "title_min":
        return _rank(TITLE_LEVELS, facts.title_level) >= _rank(TITLE_LEVELS, rule["title_level"])
    if kind == "degree_or_title":
        return _rank(DEGREES, facts.degree) >= _rank(DEGREES, rule["degree"]) or _rank(
            TITLE_LEVELS, facts.title_level
        ) >= _rank(TITLE_LEVELS, rule["title_level"])
    if kind == "service_months":
        if facts.employer_since is None:
            return None
        return _months_between(facts.employer_since, today) >= int(rule["months"])
    if kind == "park_years":
        return facts.park_years is not None and facts.park_years >= int(rule["years"])
    if kind == "certificates":
        return bool(certificate_codes(facts.certificates) & set(rule.get("any_of", [])))
    if kind == "no_integrity_record":
        return not facts.integrity_record
    if kind == "last_grade_not":
        # issue 12 records grades; until then nobody has one and nothing blocks
        return facts.last_grade is None or facts.last_grade not in rule.get("grades", [])
    raise ValueError(f"unknown eligibility rule {kind!r}; known: {', '.join(KINDS)}")


def check(facts: Facts, rules: list[dict], today: dt.date) -> list[Finding]:
    """Run the policy's rules for the nomination's category, in order.

    A rule not met gives a finding at its level with its label. A rule whose
    fact is missing: an age rule (birth date or gender) or a service rule
    (employer start date) gives a warning saying what is missing, never a
    block; the others read a blank as the lowest value (no degree, no
    certificate).
    """
    found: list[Finding] = []
    for rule in rules:
        code, level, label = rule["code"], rule.get("level", "warn"), rule.get("label", "")
        met = _met(facts, rule, today)
        if met is None:
            missing = MISSING_SINCE if rule.get("rule") == "service_months" else MISSING_AGE
            found.append(Finding(code, "warn", f"{label}{missing}"))
        elif not met:
            found.append(Finding(code, level, label))
    return found
