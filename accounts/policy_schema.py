"""The JSON Schema (Draft 2020-12) of a policy's rules, and its validation
with messages keyed by JSON path (``"quotas[2].count"``) in the user's
language (API.md "Programme rules as data").

Every key of :mod:`accounts.presets` is described here with the shape agreed
for issue 11 (``selection``, ``eligibility``, ``headcount``, ``assessment``,
``duties`` included), so a version published through the API or the policy
designer is checked against one schema, whoever owns the key.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from accounts.choices import Degree, TitleLevel

KINDS = ("achievement", "demand", "event", "conversion", "case", "video")
ROLES = ("admin", "auditor", "district_manager", "unit_reviewer", "officer")
ELIGIBILITY_RULES = (
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
DEGREES = tuple(Degree.values)  # ascending (accounts.choices)
TITLE_LEVELS = tuple(TitleLevel.values)
FINAL_STAGE = "centre_verified"

_CODE = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_]*$", "maxLength": 40}
_LABEL = {"type": "string", "minLength": 1, "maxLength": 200}
_YEARS = {"type": "integer", "minimum": 0, "maximum": 100}


def _object(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
        **extra,
    }


_STAGE = _object({"code": _CODE, "label": _LABEL, "role": {"enum": list(ROLES)}})
_STAGES = {
    "type": "array",
    "minItems": 1,
    "items": _STAGE,
    # the chain's final approval is always ``centre_verified`` (API.md)
    "contains": {"type": "object", "properties": {"code": {"const": FINAL_STAGE}}},
    "minContains": 1,
    "maxContains": 1,
}

# The parameters each eligibility rule kind needs (POLICY-SHAPE.md).
_RULE_PARAMS = {
    "retirement_margin": ["years"],
    "max_age": ["years"],
    "degree_min": ["degree"],
    "title_min": ["title_level"],
    "degree_or_title": ["degree", "title_level"],
    "service_months": ["months"],
    "park_years": ["years"],
    "certificates": ["any_of"],
    "no_integrity_record": [],
    "last_grade_not": ["grades"],
}
_CHECK = _object(
    {
        "code": _CODE,
        "label": _LABEL,
        "level": {"enum": ["block", "warn"]},
        # ``rule`` is absent from checks stored before issue 11 (labels only)
        "rule": {"enum": list(ELIGIBILITY_RULES)},
        "years": _YEARS,
        "months": {"type": "integer", "minimum": 0, "maximum": 1200},
        "degree": {"enum": list(DEGREES)},
        "title_level": {"enum": list(TITLE_LEVELS)},
        "any_of": {"type": "array", "items": _CODE, "minItems": 1, "uniqueItems": True},
        "grades": {"type": "array", "items": _CODE, "minItems": 1, "uniqueItems": True},
        # retirement_margin: statutory retirement ages by gender, if not 60 / 55
        "ages": _object(
            {
                "male": {"type": "integer", "minimum": 40, "maximum": 80},
                "female": {"type": "integer", "minimum": 40, "maximum": 80},
            },
            required=[],
        ),
    },
    required=["code", "label", "level"],
    allOf=[
        {
            "if": {"properties": {"rule": {"const": kind}}, "required": ["rule"]},
            "then": {"required": params},
        }
        for kind, params in _RULE_PARAMS.items()
        if params
    ],
)
_QUOTA = _object(
    {
        "scope": {"enum": ["officer", "district"]},
        "category": {"type": ["string", "null"]},
        "kind": {"enum": list(KINDS)},
        "count": {"type": "integer", "minimum": 1, "maximum": 10000},
        "period": {"enum": ["month", "quarter", "year"]},
        "basis": {"enum": ["logged", "valid"]},
    },
    allOf=[
        {
            "if": {"properties": {"scope": {"const": "officer"}}},
            "then": {"properties": {"category": {"type": "string"}}},
            "else": {"properties": {"category": {"type": "null"}}},
        }
    ],
)

# -- the officers' duties (issue 13, SPEC.md §5a) -----------------------------

DUTY_KINDS = ("report", "agreement", "service_days", "training")
REPORT_KINDS = ("weekly_plan", "monthly_plan", "quarterly_report", "annual_summary")
TRAINING_KINDS = ("training", "exchange_meeting")
# What each kind of duty needs besides code, label and kind.
_DUTY_PARAMS = {
    "report": ["report", "due_offset_days"],
    "agreement": ["months", "remind_days"],
    "service_days": ["min_days"],
    "training": ["training", "min_per_year"],
}
_DUTY = _object(
    {
        "code": _CODE,
        "label": _LABEL,
        "kind": {"enum": list(DUTY_KINDS)},
        # the categories of officers the duty binds; absent or empty: all
        "categories": {"type": "array", "items": _CODE, "uniqueItems": True},
        # report: which one; due so many days after the start of the period
        # (plans: weekly Monday + 0, monthly 1st + 9 = the 10th) or after its
        # end (reports and summaries: the day after the quarter or year + n)
        "report": {"enum": list(REPORT_KINDS)},
        "due_offset_days": {"type": "integer", "minimum": 0, "maximum": 90},
        # agreement: its usual length, and how long before its end to remind
        "months": {"type": "integer", "minimum": 1, "maximum": 60},
        "remind_days": {"type": "integer", "minimum": 1, "maximum": 180},
        # service days: at least so many days on site a year
        "min_days": {"type": "integer", "minimum": 1, "maximum": 366},
        # training: which kind, at least so many attended a year
        "training": {"enum": list(TRAINING_KINDS)},
        "min_per_year": {"type": "integer", "minimum": 0, "maximum": 60},
    },
    required=["code", "label", "kind"],
    allOf=[
        {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {"required": params},
        }
        for kind, params in _DUTY_PARAMS.items()
    ],
)

# -- the annual assessment (issue 12, SPEC.md §6a) ----------------------------

ASSESSMENT_METHODS = ("points", "graded")
RATER_KINDS = ("host", "enterprise", "district")
COMPONENT_KINDS = (
    "rating",
    "district_opinion",
    "quota_fulfilment",
    "points",
    "service_days",
    "reports_on_time",
    "training_attendance",
)
VETO_KINDS = ("integrity_record", "discipline_violation", "disqualified", "service_days_below")
CONSEQUENCES = (
    "unqualified_blocks_next_nomination",
    "unqualified_ends_service",
    "discipline_removes_excellence",
)
# an exact decimal ("0.5", "12") or a whole number: never a float
_DECIMAL = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": 1000},
        {"type": "string", "pattern": r"^[0-9]{1,4}(\.[0-9]{1,6})?$"},
    ]
}
_RATIO = {"type": "string", "pattern": r"^(0(\.[0-9]+)?|1(\.0+)?)$"}
_CODE_LIST = {"type": "array", "items": _CODE, "minItems": 1, "uniqueItems": True}
_CRITERIA = {
    "type": "array",
    "minItems": 1,
    "maxItems": 20,
    "items": _object({"code": _CODE, "label": _LABEL}),
}
# The parameters each component kind needs (the others take none).
_COMPONENT_PARAMS = {
    "rating": ["rater"],
    "district_opinion": ["levels"],
    "points": ["full_at"],
    "service_days": ["full_at"],
}
_COMPONENT = _object(
    {
        "code": _CODE,
        "label": _LABEL,
        "kind": {"enum": list(COMPONENT_KINDS)},
        "weight": _DECIMAL,
        # rating: whose ratings (the criteria are the policy's for that kind)
        "rater": {"enum": list(RATER_KINDS)},
        # district_opinion: the opinions a district may give, each worth 0..100
        "levels": {
            "type": "array",
            "minItems": 1,
            "items": _object(
                {
                    "code": _CODE,
                    "label": _LABEL,
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                }
            ),
        },
        # points, service_days: the value worth 100 (less scales linearly)
        "full_at": {"type": "integer", "minimum": 1, "maximum": 1000000},
    },
    required=["code", "label", "kind", "weight"],
    allOf=[
        {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {"required": params},
        }
        for kind, params in _COMPONENT_PARAMS.items()
    ],
)
_CAP = _object(
    {
        "ratio": _RATIO,
        "rounding": {"enum": ["floor", "round"]},
        "tie": {"enum": ["include", "exclude"]},
    }
)
_GRADE = _object(
    {
        "code": _CODE,
        "label": _LABEL,
        # graded: the lowest score (0..100) that earns the grade
        "min_score": _DECIMAL,
        # graded: at most ``ratio`` of the officers assessed hold the grade
        "cap": _CAP,
    },
    required=["code", "label"],
)
_VETO = _object(
    {
        "kind": {"enum": list(VETO_KINDS)},
        "grade": _CODE,  # the grade the veto forces
        "days": {"type": "integer", "minimum": 1, "maximum": 366},  # service_days_below
        "categories": _CODE_LIST,  # only officers of these categories (absent: all)
        "label": _LABEL,
    },
    required=["kind", "grade"],
    allOf=[
        {
            "if": {"properties": {"kind": {"const": "service_days_below"}}, "required": ["kind"]},
            "then": {"required": ["days"]},
        }
    ],
)
_ASSESSMENT = {
    "type": ["object", "null"],
    "properties": {
        "method": {"enum": list(ASSESSMENT_METHODS)},
        "components": {"type": "array", "maxItems": 20, "items": _COMPONENT},
        "criteria": {
            "type": "object",
            "propertyNames": {"enum": list(RATER_KINDS)},
            "additionalProperties": _CRITERIA,
        },
        "vetoes": {"type": "array", "maxItems": 20, "items": _VETO},
        "grades": {"type": "array", "minItems": 2, "maxItems": 10, "items": _GRADE},
        "consequences": _object({name: {"type": "boolean"} for name in CONSEQUENCES}),
    },
    "required": ["method", "components", "criteria", "vetoes", "grades", "consequences"],
    "additionalProperties": False,
    "allOf": [
        {
            "if": {"properties": {"method": {"const": "graded"}}, "required": ["method"]},
            "then": {"properties": {"components": {"minItems": 1}}},
        }
    ],
}

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://liaison.example/schemas/policy-rules.json",
    "title": "Programme policy rules",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "source": {"type": "string", "maxLength": 300},
        "categories": {
            "type": "array",
            "minItems": 1,
            "items": _object(
                {
                    "code": _CODE,
                    "label": _LABEL,
                    "scoring_group": _CODE,
                    "pool": {"enum": ["city", "district", "all"]},
                }
            ),
        },
        "points": {
            "type": "object",
            "propertyNames": {"enum": list(KINDS)},
            "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 10000},
        },
        "bonus": {
            "type": ["object", "null"],
            "properties": {
                "threshold": {"type": "integer", "minimum": 0},
                "amount": {"type": "integer", "minimum": 0, "maximum": 10000},
                "requires_conversion": {"type": "boolean"},
            },
            "required": ["threshold", "amount", "requires_conversion"],
            "additionalProperties": False,
        },
        "excellence": {
            "type": ["object", "null"],
            "properties": {
                "ratio": {"type": "string", "pattern": r"^(0(\.[0-9]+)?|1(\.0+)?)$"},
                "rounding": {"enum": ["floor", "round"]},
                "tie": {"enum": ["include", "exclude"]},
                "label": {"type": "string", "maxLength": 200},
            },
            "required": ["ratio", "rounding", "tie"],
            "additionalProperties": False,
        },
        "quotas": {"type": "array", "items": _QUOTA},
        "review_stages": {"type": "object", "additionalProperties": _STAGES},
        "selection": {
            "type": "object",
            "additionalProperties": _object(
                {
                    "stages": _STAGES,
                    "notice": {"type": "boolean"},
                    "self_nomination": {"type": "boolean"},
                }
            ),
        },
        "eligibility": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": _CHECK},
        },
        "notice_days": {"type": "integer", "minimum": 1, "maximum": 60},
        "term_years": {"type": "integer", "minimum": 1, "maximum": 10},
        "rotation_years": {"type": ["integer", "null"], "minimum": 1, "maximum": 20},
        "dormant_days": {"type": "integer", "minimum": 7, "maximum": 730},
        "mfa_required_roles": {
            "type": "array",
            "items": {"enum": list(ROLES)},
            "uniqueItems": True,
        },
        "disqualification_reasons": {
            "type": "array",
            "items": _object({"code": _CODE, "label": _LABEL}),
        },
        "headcount": _object(
            {"min_per_district": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000}}
        ),
        # every officer serves at least one host (yangquan 第十三条（四）)
        "hosts_required": {"type": "boolean"},
        # the annual assessment (issue 12, SPEC.md §6a); null: none
        "assessment": _ASSESSMENT,
        # the officers' duties beyond the ledger (issue 13, SPEC.md §5a)
        "duties": {"type": "array", "items": _DUTY},
    },
    "required": [
        "selection",
        "headcount",
        "hosts_required",
        "source",
        "categories",
        "points",
        "bonus",
        "excellence",
        "quotas",
        "review_stages",
        "eligibility",
        "notice_days",
        "term_years",
        "rotation_years",
        "dormant_days",
        "mfa_required_roles",
        "disqualification_reasons",
        "assessment",
        "duties",
    ],
}


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator(SCHEMA)


def json_path(parts) -> str:
    """``["quotas", 2, "count"]`` → ``"quotas[2].count"``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _type_name(name: str) -> str:
    return {
        "integer": _("a whole number"),
        "number": _("a number"),
        "string": _("text"),
        "object": _("a set of named values"),
        "array": _("a list"),
        "boolean": _("true or false"),
        "null": _("empty (none)"),
    }.get(name, name)


def _messages(error) -> list[tuple[str, str]]:
    """(path, message) pairs for one jsonschema error."""
    parts = list(error.absolute_path)
    path = json_path(parts) or "rules"
    kind, value = error.validator, error.validator_value
    if kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        return [
            (
                json_path([*parts, name]),
                _("“%(field)s” is required.") % {"field": json_path([*parts, name])},
            )
            for name in value
            if name not in instance
        ]
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extras = (
            [k for k in error.instance if k not in known]
            if isinstance(error.instance, dict)
            else []
        )
        return [
            (
                json_path([*parts, k]),
                _("“%(field)s” is not a rule this policy knows.")
                % {"field": json_path([*parts, k])},
            )
            for k in extras
        ]
    if kind == "propertyNames" or (kind == "enum" and "propertyNames" in error.schema_path):
        # jsonschema reports a bad key as the enum of ``propertyNames``
        value = error.schema if kind == "enum" else value
        return [
            (
                json_path([*parts, error.instance]),
                _("“%(field)s” is not a known name; use one of: %(choices)s.")
                % {
                    "field": json_path([*parts, error.instance]),
                    "choices": ", ".join(value.get("enum", [])),
                },
            )
        ]
    field = {"field": path}
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        message = _("“%(field)s” must be %(type)s.") % {
            **field,
            "type": _(" or ").join(_type_name(t) for t in types),
        }
    elif kind == "minimum":
        message = _("“%(field)s” must be at least %(limit)s.") % {**field, "limit": value}
    elif kind == "maximum":
        message = _("“%(field)s” must be at most %(limit)s.") % {**field, "limit": value}
    elif kind == "enum":
        message = _("“%(field)s” must be one of: %(choices)s.") % {
            **field,
            "choices": ", ".join("null" if v is None else str(v) for v in value),
        }
    elif kind == "const":
        message = _("“%(field)s” must be %(value)s.") % {**field, "value": value}
    elif kind == "minItems":
        message = _("“%(field)s” needs at least %(limit)s item(s).") % {**field, "limit": value}
    elif kind == "maxItems":
        message = _("“%(field)s” takes at most %(limit)s item(s).") % {**field, "limit": value}
    elif kind == "uniqueItems":
        message = _("“%(field)s” lists an item twice.") % field
    elif kind in ("minLength", "maxLength"):
        message = _("“%(field)s” has the wrong length (%(kind)s %(limit)s).") % {
            **field,
            "kind": kind,
            "limit": value,
        }
    elif kind == "pattern":
        message = _("“%(field)s” is not in the expected format.") % field
    elif kind == "anyOf":
        message = _("“%(field)s” must be a whole number or an exact decimal as text (“0.5”).") % (
            field
        )
    elif kind in ("contains", "minContains", "maxContains"):
        message = _("“%(field)s” must have exactly one final stage with the code %(code)s.") % {
            **field,
            "code": FINAL_STAGE,
        }
    else:
        message = _("“%(field)s” is not valid.") % field
    return [(path, message)]


def _semantic_errors(rules: dict) -> list[tuple[str, str]]:
    """What a schema cannot say: codes that must name a category, the last
    stage of a chain."""
    if not isinstance(rules.get("categories"), list):
        return []
    codes = {c.get("code") for c in rules["categories"] if isinstance(c, dict)}
    out = []
    seen = set()
    for i, category in enumerate(rules["categories"]):
        code = category.get("code") if isinstance(category, dict) else None
        if code in seen:
            out.append(
                (
                    f"categories[{i}].code",
                    _("“%(field)s” repeats a category code.") % {"field": f"categories[{i}].code"},
                )
            )
        seen.add(code)
    for i, quota in enumerate(rules.get("quotas") or []):
        if (
            isinstance(quota, dict)
            and quota.get("scope") == "officer"
            and quota.get("category") not in codes
        ):
            path = f"quotas[{i}].category"
            out.append(
                (path, _("“%(field)s” must name a category of this policy.") % {"field": path})
            )
    seen_duties = set()
    for i, duty in enumerate(rules.get("duties") or []):
        if not isinstance(duty, dict):
            continue
        if duty.get("code") in seen_duties:
            path = f"duties[{i}].code"
            out.append((path, _("“%(field)s” repeats a duty code.") % {"field": path}))
        seen_duties.add(duty.get("code"))
        for j, code in enumerate(duty.get("categories") or []):
            if code not in codes:
                path = f"duties[{i}].categories[{j}]"
                out.append(
                    (path, _("“%(field)s” must name a category of this policy.") % {"field": path})
                )
    for key in ("review_stages", "selection", "eligibility"):
        section = rules.get(key)
        if not isinstance(section, dict):
            continue
        for code, value in section.items():
            if code not in codes:
                path = f"{key}.{code}"
                out.append(
                    (path, _("“%(field)s” must name a category of this policy.") % {"field": path})
                )
            stages = (
                value.get("stages") if key == "selection" and isinstance(value, dict) else value
            )
            if key != "eligibility" and isinstance(stages, list) and stages:
                last = stages[-1]
                if isinstance(last, dict) and last.get("code") != FINAL_STAGE:
                    path = f"{key}.{code}" + (".stages" if key == "selection" else "")
                    out.append(
                        (
                            path,
                            _("The last stage of “%(field)s” must have the code %(code)s.")
                            % {"field": path, "code": FINAL_STAGE},
                        )
                    )
    return out


def _decimal(value) -> Fraction:
    """A schema-valid ``_DECIMAL`` as an exact fraction."""
    return Fraction(str(value))


def _assessment_errors(rules: dict) -> list[tuple[str, str]]:
    """What the schema cannot say about ``assessment``: unique codes, grades
    in order with thresholds (graded) or without (points), vetoes naming a
    grade, ratings with criteria, weights that do not sum to zero."""
    assessment = rules.get("assessment")
    if not isinstance(assessment, dict):
        return []
    out: list[tuple[str, str]] = []

    def add(path: str, message: str, **params) -> None:
        out.append((f"assessment.{path}", message % {"field": f"assessment.{path}", **params}))

    graded = assessment["method"] == "graded"
    grades = assessment["grades"]
    grade_codes = [g["code"] for g in grades]
    for i, code in enumerate(grade_codes):
        if code in grade_codes[:i]:
            add(f"grades[{i}].code", _("“%(field)s” repeats a grade code."))
    previous = None
    for i, grade in enumerate(grades):
        if not graded:
            for key in ("min_score", "cap"):
                if key in grade:
                    add(f"grades[{i}].{key}", _("“%(field)s” applies to graded assessments only."))
            continue
        if "min_score" not in grade:
            add(f"grades[{i}].min_score", _("“%(field)s” is required."))
            continue
        score = _decimal(grade["min_score"])
        if score > 100:
            add(f"grades[{i}].min_score", _("“%(field)s” must be at most %(limit)s."), limit=100)
        elif previous is not None and score >= previous:
            add(
                f"grades[{i}].min_score",
                _("“%(field)s” must be lower than the score of the grade above it."),
            )
        elif i == len(grades) - 1 and score != 0:
            add(
                f"grades[{i}].min_score",
                _("“%(field)s” must be 0: the lowest grade takes the rest."),
            )
        previous = score
    if graded and grades and "cap" in grades[-1]:
        add(f"grades[{len(grades) - 1}].cap", _("“%(field)s”: the lowest grade cannot be capped."))
    for i, veto in enumerate(assessment["vetoes"]):
        if veto["grade"] not in grade_codes:
            add(f"vetoes[{i}].grade", _("“%(field)s” must name a grade of this assessment."))
        categories = {c.get("code") for c in rules.get("categories") or [] if isinstance(c, dict)}
        for j, code in enumerate(veto.get("categories", [])):
            if code not in categories:
                add(
                    f"vetoes[{i}].categories[{j}]",
                    _("“%(field)s” must name a category of this policy."),
                )
    components = assessment["components"]
    if not graded and components:
        add("components", _("“%(field)s” must be empty: a points assessment ranks by points."))
    codes = [c["code"] for c in components]
    for i, component in enumerate(components):
        if component["code"] in codes[:i]:
            add(f"components[{i}].code", _("“%(field)s” repeats a component code."))
        if component["kind"] == "rating" and not assessment["criteria"].get(component["rater"]):
            add(
                f"components[{i}].rater",
                _("“%(field)s” needs rating criteria for this kind of rater."),
            )
        levels = [level["code"] for level in component.get("levels", [])]
        if len(set(levels)) != len(levels):
            add(f"components[{i}].levels", _("“%(field)s” lists an item twice."))
    if graded and components and sum(_decimal(c["weight"]) for c in components) == 0:
        add("components", _("“%(field)s”: the weights must not all be zero."))
    for rater, items in assessment["criteria"].items():
        seen = [item["code"] for item in items]
        if len(set(seen)) != len(seen):
            add(f"criteria.{rater}", _("“%(field)s” lists an item twice."))
    return out


def rules_errors(rules) -> dict[str, list[str]]:
    """Every problem of ``rules`` as ``{json path: [message, …]}`` (empty
    when the rules are valid)."""
    errors: dict[str, list[str]] = {}
    pairs = []
    for error in sorted(
        _validator().iter_errors(rules), key=lambda e: list(map(str, e.absolute_path))
    ):
        pairs.extend(_messages(error))
    if isinstance(rules, dict) and not pairs:
        pairs.extend(_semantic_errors(rules))
        pairs.extend(_assessment_errors(rules))
    for path, message in pairs:
        if message not in errors.setdefault(path, []):
            errors[path].append(message)
    return errors
