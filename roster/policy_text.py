"""Every rule of a programme's policy in words, for the policy page: the
selection chain per category, eligibility checks, term, rotation, dormancy,
notice, headcount, hosts, and what the policy does not set."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.choices import Degree, Role, TitleLevel

from .eligibility import CERTIFICATES
from .workflow import is_leader_approval, selection_chain


def _level(level: str) -> str:
    return _("(blocks)") if level == "block" else _("(warning)")


def eligibility_text(rule: dict) -> str:
    """One eligibility rule in words, with its level."""
    kind = rule.get("rule")
    degrees, titles = dict(Degree.choices), dict(TitleLevel.choices)
    if kind == "retirement_margin":
        text = _("At least %(years)s years before the statutory retirement age") % rule
    elif kind == "max_age":
        text = _("At most %(years)s years old") % rule
    elif kind == "degree_min":
        text = _("Degree at least %(degree)s") % {"degree": degrees.get(rule["degree"])}
    elif kind == "title_min":
        text = _("Title level at least %(title)s") % {"title": titles.get(rule["title_level"])}
    elif kind == "degree_or_title":
        text = _("Degree at least %(degree)s or title level at least %(title)s") % {
            "degree": degrees.get(rule["degree"]),
            "title": titles.get(rule["title_level"]),
        }
    elif kind == "service_months":
        text = _("At least %(months)s months with the current employer") % rule
    elif kind == "park_years":
        text = _("At least %(years)s years of park work") % rule
    elif kind == "certificates":
        names = _(", ").join(CERTIFICATES.get(c, c) for c in rule.get("any_of", []))
        text = _("Holds one of: %(names)s") % {"names": names}
    elif kind == "no_integrity_record":
        text = _("No research-integrity record in the last 3 years")
    elif kind == "last_grade_not":
        text = _("Last year's grade not %(grades)s") % {
            "grades": _(", ").join(rule.get("grades", []))
        }
    else:
        text = rule.get("label", kind or "")
    return f"{text}{_level(rule.get('level', 'warn'))}"


def selection_rows(policy) -> list[dict]:
    """Per category: its chain (stages in order, role, leader approval),
    public notice, self-nomination and eligibility checks in words."""
    roles = dict(Role.choices)
    rows = []
    for category in policy.rules["categories"]:
        chain = selection_chain(policy, category["code"])
        rows.append(
            {
                "code": category["code"],
                "label": category["label"],
                "stages": [
                    {
                        "label": s.get("label", s["code"]),
                        "role": roles.get(s["role"], s["role"]),
                        "leader": is_leader_approval(s),
                    }
                    for s in chain.get("stages", [])
                ],
                "notice": bool(chain.get("notice", True)),
                "self_nomination": bool(chain.get("self_nomination", False)),
                "eligibility": [
                    eligibility_text(r)
                    for r in policy.rules.get("eligibility", {}).get(category["code"], [])
                ],
            }
        )
    return rows


def missing_text(rules: dict) -> str:
    """ "This policy sets no points/quotas/excellence ratio" for what it lacks."""
    missing = [
        name
        for name, present in (
            (pgettext("policy lacks", "points"), any((rules.get("points") or {}).values())),
            (pgettext("policy lacks", "quotas"), bool(rules.get("quotas"))),
            (pgettext("policy lacks", "excellence ratio"), bool(rules.get("excellence"))),
        )
        if not present
    ]
    if not missing:
        return ""
    return _("This policy sets no %(items)s.") % {"items": "/".join(missing)}
