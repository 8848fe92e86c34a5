"""What the policy designer page needs besides the services: the rules as
the browser sends them (JSON text), ``review_stages`` kept equal to the
selection chains, human labels for JSON paths ("定额 第3行 · 数量") and the
labels and choices the page's script builds its editors with."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.choices import Degree, Role, TitleLevel
from accounts.policy_schema import ELIGIBILITY_RULES, SCHEMA

#: Every name a JSON path of the rules may hold: sections, then fields.
NAMES = {
    "source": gettext_lazy("Source document"),
    "categories": gettext_lazy("Categories"),
    "points": gettext_lazy("Points"),
    "bonus": gettext_lazy("Bonus"),
    "excellence": gettext_lazy("Excellence"),
    "quotas": gettext_lazy("Quotas"),
    "selection": gettext_lazy("Selection"),
    "review_stages": gettext_lazy("Review stages"),
    "eligibility": gettext_lazy("Eligibility"),
    "disqualification_reasons": gettext_lazy("Disqualification reasons"),
    "assessment": gettext_lazy("Assessment"),
    "duties": gettext_lazy("Duties"),
    "notice_days": gettext_lazy("Public notice (working days)"),
    "term_years": gettext_lazy("Term (years)"),
    "rotation_years": gettext_lazy("Rotation after (years)"),
    "dormant_days": gettext_lazy("Dormant after (days)"),
    "mfa_required_roles": gettext_lazy("Two-factor sign-in required for"),
    "headcount": gettext_lazy("Headcount"),
    "min_per_district": gettext_lazy("Minimum officers per district"),
    "hosts_required": gettext_lazy("Every officer serves at least one host"),
    "code": gettext_lazy("Code"),
    "label": gettext_lazy("Name"),
    "scoring_group": gettext_lazy("Scoring group"),
    "pool": gettext_lazy("Ranking pool"),
    "threshold": gettext_lazy("Year total above"),
    "amount": gettext_lazy("Points added"),
    "requires_conversion": gettext_lazy("Needs a successful conversion"),
    "ratio": gettext_lazy("Share of each pool (0–1)"),
    "rounding": gettext_lazy("Number of places"),
    "tie": gettext_lazy("Tied for the last place"),
    "scope": gettext_lazy("Who"),
    "category": gettext_lazy("Category"),
    "kind": gettext_lazy("Entry kind"),
    "count": gettext_lazy("Count"),
    "period": gettext_lazy("Per"),
    "basis": gettext_lazy("Counted entries"),
    "stages": gettext_lazy("Stages"),
    "role": gettext_lazy("Role"),
    "notice": gettext_lazy("Public notice"),
    "self_nomination": gettext_lazy("Self-nomination"),
    "level": gettext_lazy("Effect"),
    "rule": gettext_lazy("Rule"),
    "years": gettext_lazy("Years"),
    "months": gettext_lazy("Months"),
    "degree": gettext_lazy("Degree at least"),
    "title_level": gettext_lazy("Title at least"),
    "any_of": gettext_lazy("Any of the certificates (codes)"),
    "grades": gettext_lazy("Grades (codes)"),
    "ages": gettext_lazy("Retirement ages"),
    "male": gettext_lazy("Men"),
    "female": gettext_lazy("Women"),
}

CHOICES = {
    "pool": {
        "city": gettext_lazy("all of the category together"),
        "district": gettext_lazy("one pool per district"),
        "all": gettext_lazy("all officers together"),
    },
    "rounding": {"floor": gettext_lazy("rounded down"), "round": gettext_lazy("rounded")},
    "tie": {"include": gettext_lazy("all excellent"), "exclude": gettext_lazy("none excellent")},
    "scope": {"officer": gettext_lazy("each officer"), "district": gettext_lazy("each district")},
    "period": {
        "month": gettext_lazy("month"),
        "quarter": gettext_lazy("quarter"),
        "year": gettext_lazy("year"),
    },
    "basis": {"logged": gettext_lazy("submitted"), "valid": gettext_lazy("valid only")},
    "level": {"block": gettext_lazy("blocks"), "warn": gettext_lazy("warns")},
    "rule": {
        "retirement_margin": gettext_lazy("Years before retirement"),
        "max_age": gettext_lazy("Maximum age"),
        "degree_min": gettext_lazy("Minimum degree"),
        "title_min": gettext_lazy("Minimum title"),
        "degree_or_title": gettext_lazy("Degree or title"),
        "service_months": gettext_lazy("Months with the employer"),
        "park_years": gettext_lazy("Years of park work"),
        "certificates": gettext_lazy("Certificates"),
        "no_integrity_record": gettext_lazy("No integrity record"),
        "last_grade_not": gettext_lazy("Last year's grade not"),
    },
    "degree": dict(Degree.choices),
    "title_level": dict(TitleLevel.choices),
}
assert list(CHOICES["rule"]) == list(ELIGIBILITY_RULES)

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _property_names(schema, out: list[str]) -> list[str]:
    """Every property name of ``schema``, in the order it first appears."""
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            if name not in out:
                out.append(name)
            _property_names(sub, out)
        for key, sub in schema.items():
            if key != "properties":
                _property_names(sub, out)
    elif isinstance(schema, list):
        for sub in schema:
            _property_names(sub, out)
    return out


_SCHEMA_ORDER = tuple(_property_names(SCHEMA, []))


def path_label(path: str, rules) -> str:
    """``"quotas[2].count"`` → "定额 · 第3行 · 数量": each name in words,
    each index as its row, a category code as the category's name."""
    categories = {}
    if isinstance(rules, dict) and isinstance(rules.get("categories"), list):
        categories = {
            c.get("code"): c.get("label") for c in rules["categories"] if isinstance(c, dict)
        }
    words = []
    parent = ""
    for name, index in _PART.findall(path):
        if index:
            words.append(_("row %(n)d") % {"n": int(index) + 1})
        elif parent in ("selection", "eligibility", "review_stages", "points"):
            words.append(str(categories.get(name) or _entry_kind(name) or name))
        else:
            words.append(str(NAMES.get(name, name)))
        parent = name
    return " · ".join(words)


def _entry_kind(name: str) -> str:
    from ledgers.choices import EntryKind

    return dict(EntryKind.choices).get(name, "")


def parse_rules(text: str) -> tuple[dict | None, str]:
    """The rules the page sent as JSON text, or a message saying why not."""
    try:
        rules = json.loads(text or "")
    except ValueError as exc:
        return None, _(
            "The rules are not valid JSON (line %(line)d, column %(column)d): %(error)s"
        ) % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
    if not isinstance(rules, dict):
        return None, _("The rules must be a JSON object ({…}).")
    return rules, ""


def with_review_stages(rules: dict) -> dict:
    """The rules with ``review_stages`` equal to the selection chains: the
    designer edits the chains only (POLICY-SHAPE.md)."""
    rules = copy.deepcopy(rules)
    selection = rules.get("selection")
    if isinstance(selection, dict):
        rules["review_stages"] = {
            code: copy.deepcopy(value.get("stages"))
            for code, value in selection.items()
            if isinstance(value, dict)
        }
    return rules


def default_effective_from(today: dt.date) -> dt.date:
    """1 January of next year: versions usually start with a year."""
    return dt.date(today.year + 1, 1, 1)


def script_labels() -> dict:
    """The names and choices the page's script labels its editors with."""
    from ledgers.choices import EntryKind

    return {
        "names": {key: str(value) for key, value in NAMES.items()},
        "choices": {
            **{key: {k: str(v) for k, v in values.items()} for key, values in CHOICES.items()},
            "kind": {k: str(v) for k, v in EntryKind.choices},
            "role": {k: str(v) for k, v in Role.choices},
        },
        "words": {
            "basics": _("Basics"),
            "add": _("Add a row"),
            "remove": _("Remove"),
            "up": _("Move up"),
            "down": _("Move down"),
            "none": _("None"),
            "scored": _("Scored"),
            "row": _("Row %(n)s"),
            "add_stage": _("Add a stage"),
            "add_chain": _("Add a selection chain"),
            "add_check": _("Add a check"),
            "remove_section": _("Remove this entry"),
            "unknown_category": _("Not a category of this policy"),
            "last_stage": _("The last stage must have the code centre_verified."),
            "bad_json": _("Not valid JSON: %(error)s"),
            "optional": _("optional"),
            "comma": _("separated by commas"),
        },
    }


def _in_schema_order(value):
    """A set of named values with its names in the schema's order, at every
    depth: PostgreSQL's ``jsonb`` keeps its own key order, so the stored
    rules read back in another order than they were written."""
    if isinstance(value, list):
        return [_in_schema_order(item) for item in value]
    if not isinstance(value, dict):
        return value
    order = {name: i for i, name in enumerate(_SCHEMA_ORDER)}
    names = sorted(value, key=lambda name: (order.get(name, len(order)), name))
    return {name: _in_schema_order(value[name]) for name in names}


def _compact(value) -> str:
    if value is None:
        return "—"
    return json.dumps(_in_schema_order(value), ensure_ascii=False)


def diff_lines(diff: list[dict], rules: dict) -> list[dict]:
    """The rows of :func:`accounts.selectors.policy_diff` as the preview shows
    them: a changed set of named values by name, a changed list by the items
    removed and added, anything else whole. ``[{"key","label","before","after"}]``."""
    out = []
    for row in diff:
        key, before, after = row["key"], row["before"], row["after"]
        if isinstance(before, dict) and isinstance(after, dict):
            for name in [*after, *(k for k in before if k not in after)]:
                if before.get(name) != after.get(name):
                    out.append(
                        {
                            "key": key,
                            "label": path_label(f"{key}.{name}", rules),
                            "before": _compact(before.get(name)),
                            "after": _compact(after.get(name)),
                        }
                    )
        elif isinstance(before, list) and isinstance(after, list):
            section = path_label(key, rules)
            for item in before:
                if item not in after:
                    out.append(
                        {
                            "key": key,
                            "label": _("%(section)s · removed") % {"section": section},
                            "before": _compact(item),
                            "after": "—",
                        }
                    )
            for item in after:
                if item not in before:
                    out.append(
                        {
                            "key": key,
                            "label": _("%(section)s · added") % {"section": section},
                            "before": "—",
                            "after": _compact(item),
                        }
                    )
            if before != after and not any(line["key"] == key for line in out):
                out.append(
                    {
                        "key": key,
                        "label": _("%(section)s · order") % {"section": section},
                        "before": _compact(before),
                        "after": _compact(after),
                    }
                )
        else:
            out.append(
                {
                    "key": key,
                    "label": path_label(key, rules),
                    "before": _compact(before),
                    "after": _compact(after),
                }
            )
    return out


def _grade_names(rules: dict | None) -> dict[str, str]:
    assessment = (rules or {}).get("assessment") or {}
    names = {g["code"]: g.get("label") or g["code"] for g in assessment.get("grades", [])}
    return {"pending": pgettext("assessment grade", "Pending"), **names}


def whatif_rows(whatif: dict, before_rules: dict | None, after_rules: dict) -> list[dict]:
    """The what-if's changes as the page shows them: each with
    ``grade_before``/``grade_after``, the grade as its policy names it
    ("优秀"), ``None`` where the grade does not change or there is none."""
    old, new = _grade_names(before_rules), _grade_names(after_rules)
    rows = []
    for change in whatif["changes"]:
        before, after = change["before"].get("grade"), change["after"].get("grade")
        rows.append(
            {
                **change,
                "grade_before": None if before is None else old.get(before, before),
                "grade_after": None if after is None else new.get(after, after),
            }
        )
    return rows
