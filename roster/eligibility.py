"""Eligibility checks of a nomination (SPEC.md §4.1), from the policy.

Pure: facts and the policy's checks in, findings out. A finding of level
``block`` stops the submission; ``warn`` and ``info`` are shown to reviewers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

HIGHER_DEGREES = ("硕士", "博士", "研究生", "master", "doctor", "phd")
INTERMEDIATE_TITLES = (
    "中级",
    "高级",
    "副高",
    "正高",
    "工程师",
    "讲师",
    "副教授",
    "教授",
    "研究员",
    "经济师",
    "会计师",
)
#: Junior (初级) titles contain these: 助理工程师, 助理研究员, 技术员 …
JUNIOR_MARKERS = ("助理", "初级", "技术员")
RETIREMENT_AGE = {"male": 60, "female": 55, "男": 60, "女": 55}


@dataclass(frozen=True)
class Facts:
    birth_date: dt.date | None
    gender: str
    degree: str
    title: str
    joined_on: dt.date | None
    park_years: int | None
    integrity_record: bool
    certificates: str


@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # block, warn, info
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


def check(facts: Facts, checks: list[dict], today: dt.date) -> list[Finding]:
    """Run the policy's checks for the nomination's category."""
    found: list[Finding] = []
    for spec in checks:
        code, level, label = spec["code"], spec.get("level", "warn"), spec.get("label", "")
        if code == "retirement_margin":
            age = RETIREMENT_AGE.get((facts.gender or "").lower())
            if facts.birth_date is None or age is None:
                found.append(Finding(code, "warn", f"{label}（缺少出生日期或性别，无法核对）"))
            else:
                retire = add_years(facts.birth_date, age)
                if _years_between(today, retire) < int(spec.get("years", 2)):
                    found.append(Finding(code, level, label))
        elif code == "new_staff_preferred":
            if facts.joined_on and _months_between(facts.joined_on, today) >= int(
                spec.get("months", 3)
            ):
                found.append(Finding(code, "info", label))
        elif code == "degree_or_title":
            degree_ok = any(w in facts.degree.lower() for w in HIGHER_DEGREES)
            junior = any(w in facts.title for w in JUNIOR_MARKERS)
            title_ok = not junior and any(w in facts.title for w in INTERMEDIATE_TITLES)
            if not (degree_ok or title_ok):
                found.append(Finding(code, level, label))
        elif code == "integrity_record":
            if facts.integrity_record:
                found.append(Finding(code, level, label))
        elif code == "park_experience":
            if facts.park_years is None or facts.park_years < int(spec.get("years", 3)):
                found.append(Finding(code, level, label))
        elif code == "certificate_preferred":
            if facts.certificates.strip():
                found.append(Finding(code, "info", label))
        else:
            found.append(Finding(code, "warn", f"{label}（请人工核对）"))
    return found
