"""The annual assessment (SPEC.md §6a): pure functions over frozen facts.

Like the points engine it imports no Django, reads no clock, touches no
database and never uses ``float``: every score is an exact ``Fraction``.

A policy assesses by ``points`` or is ``graded`` (``accounts.policy_schema``
fixes the JSON; :func:`assessment_rules` reads it):

``graded``
    Each component is normalised to 0..100:

    - ``rating``: the ratings of one kind of rater (``host``, ``enterprise``,
      ``district``); each answer is the mean of its 1..5 scores on the
      policy's criteria for that rater, the answers are averaged, and the
      mean × 20 is the value (1 → 20, 3 → 60, 5 → 100);
    - ``district_opinion``: the score of the opinion level the district gave;
    - ``quota_fulfilment``: the share of the pro-rated quotas met, × 100,
      at most 100;
    - ``points``: points / ``full_at`` × 100, at most 100;
    - ``service_days``: days / ``full_at`` × 100, at most 100;
    - ``reports_on_time``: the share of due reports handed in on time × 100;
    - ``training_attendance``: trainings attended / required × 100, at most
      100.

    **A missing component** (no rating answered, no opinion given, no value
    gathered: ``None`` in the facts; no training required; an opinion code the
    policy does not know) is left out of the weighted mean and the weights of
    the present components are renormalised: score = Σ wᵢ·vᵢ / Σ wᵢ over the
    present components. It shows as ``None`` in ``components`` with a
    ``missing_component`` reason. When no component with a weight above 0 is
    present there is nothing to grade: the score is 0 and the proposal is
    :data:`PENDING` (reason ``no_data``), never the lowest grade; such an
    officer takes no place under a cap but counts in the cohort, and only a
    veto (or the centre) gives a grade.

    The proposed grade is the first grade whose ``min_score`` the score
    reaches. Then, in this order: a veto forces its grade (the lowest one when
    several apply) and takes the officer out of every cap; a discipline
    violation, when the policy says it removes excellence, bars the top grade;
    caps apply from the top grade down, counted on the whole cohort (every
    officer given): the best scores keep the grade, the others fall to the
    grade below, a tie on the last place kept (``include``) or left out
    (``exclude``) as the cap says.

``points``
    The points ranking decides: an officer it rates excellent gets the first
    grade, every other officer the second; vetoes and the discipline rule
    apply as above (the ranking itself leaves an officer with a discipline
    mark out of excellence, so the rule's reason is given whether or not the
    ranking rated them excellent). The score is the officer's points (no 0..100 scale) and
    ``components`` is ``{"points": …}``.

Reasons are codes with parameters (:class:`Reason`), like the points
engine's reasons: data, put into words by the pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .ranking import places

#: the proposal of an officer with nothing to grade (no grade code of a policy)
PENDING = "pending"

RATING_MIN, RATING_MAX = 1, 5
#: a mean rating × this is its value on 0..100 (1 → 20, 5 → 100)
RATING_SCALE = 20
HUNDRED = Fraction(100)


# -- rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    code: str
    kind: str
    weight: Fraction
    label: str = ""
    rater: str = ""  # rating: host, enterprise or district
    full_at: int = 0  # points, service_days: the value worth 100
    levels: Mapping[str, int] = field(default_factory=dict)  # district_opinion: code → 0..100


@dataclass(frozen=True)
class Cap:
    """At most ``ratio`` × the cohort hold the grade."""

    ratio: Fraction
    rounding: str = "floor"  # or "round" (half up)
    tie: str = "exclude"  # or "include"


@dataclass(frozen=True)
class Grade:
    code: str
    label: str = ""
    min_score: Fraction = Fraction(0)
    cap: Cap | None = None


@dataclass(frozen=True)
class Veto:
    """``kind`` (``integrity_record``, ``discipline_violation``,
    ``disqualified``, ``service_days_below``) forces ``grade``; ``categories``
    limit it to officers of those categories (empty: everyone)."""

    kind: str
    grade: str
    days: int = 0  # service_days_below
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssessmentRules:
    method: str  # "points" or "graded"
    grades: tuple[Grade, ...]
    components: tuple[Component, ...] = ()
    criteria: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    vetoes: tuple[Veto, ...] = ()
    unqualified_blocks_next_nomination: bool = False
    unqualified_ends_service: bool = False
    discipline_removes_excellence: bool = False

    @property
    def top(self) -> str:
        """The excellence grade: the first one."""
        return self.grades[0].code

    @property
    def lowest(self) -> str:
        """The grade the consequences of "unqualified" follow: the last one."""
        return self.grades[-1].code


def _exact(value) -> Fraction:
    return Fraction(str(value))


def assessment_rules(policy_rules: Mapping) -> AssessmentRules | None:
    """The assessment of a policy's rules dict (already valid against
    ``accounts.policy_schema``); ``None`` when the policy has none."""
    data = policy_rules.get("assessment")
    if not data:
        return None
    consequences = data.get("consequences") or {}
    return AssessmentRules(
        method=data["method"],
        grades=tuple(
            Grade(
                code=g["code"],
                label=g.get("label", ""),
                min_score=_exact(g.get("min_score", 0)),
                cap=(
                    Cap(_exact(g["cap"]["ratio"]), g["cap"]["rounding"], g["cap"]["tie"])
                    if g.get("cap")
                    else None
                ),
            )
            for g in data["grades"]
        ),
        components=tuple(
            Component(
                code=c["code"],
                kind=c["kind"],
                weight=_exact(c["weight"]),
                label=c.get("label", ""),
                rater=c.get("rater", ""),
                full_at=int(c.get("full_at", 0)),
                levels={level["code"]: int(level["score"]) for level in c.get("levels", [])},
            )
            for c in data.get("components") or []
        ),
        criteria={
            rater: tuple(item["code"] for item in items)
            for rater, items in (data.get("criteria") or {}).items()
        },
        vetoes=tuple(
            Veto(
                kind=v["kind"],
                grade=v["grade"],
                days=int(v.get("days", 0)),
                categories=tuple(v.get("categories", ())),
            )
            for v in data.get("vetoes") or []
        ),
        **{name: bool(consequences.get(name, False)) for name in _CONSEQUENCES},
    )


_CONSEQUENCES = (
    "unqualified_blocks_next_nomination",
    "unqualified_ends_service",
    "discipline_removes_excellence",
)


# -- facts and results --------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentFact:
    """What the year recorded of one officer. ``None``: not gathered (a
    missing component, see the module's docstring)."""

    officer: int
    category: str = ""
    #: rater kind → the answers, each {criterion code: 1..5}
    ratings: Mapping[str, tuple[Mapping[str, int], ...]] = field(default_factory=dict)
    district_opinion: str | None = None  # a level code of the district_opinion component
    quota_fulfilment: Fraction | None = None  # share of the quotas met (1 = all)
    points: Fraction | None = None
    service_days: int | None = None
    reports_on_time: Fraction | None = None  # share of due reports on time (0..1)
    trainings_attended: int = 0
    trainings_required: int = 0
    integrity_record: bool = False
    discipline_violation: bool = False
    disqualified: bool = False
    ranked_excellent: bool = False  # points method: excellent in the points ranking


@dataclass(frozen=True)
class Reason:
    """Why: a code and its parameters (``{"grade": "excellent", …}``)."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class AssessmentRow:
    officer: int
    score: Fraction
    components: Mapping[str, Fraction | None]
    proposed_grade: str
    reasons: tuple[Reason, ...]


# -- components -------------------------------------------------------------------------


def _share(value: Fraction, whole: Fraction | int) -> Fraction:
    """``value`` / ``whole`` × 100, kept within 0..100."""
    return min(max(Fraction(value) / whole, Fraction(0)), Fraction(1)) * HUNDRED


def rating_value(answers: Iterable[Mapping[str, int]], criteria: Iterable[str]) -> Fraction | None:
    """The mean of the answers' means on ``criteria`` (other codes ignored),
    × 20; ``None`` when no answer scores a criterion. A score outside 1..5 is
    a ValueError: the rating form never accepts one."""
    criteria = tuple(criteria)
    means = []
    for answer in answers:
        scores = [answer[code] for code in criteria if code in answer]
        for score in scores:
            if type(score) is not int or not RATING_MIN <= score <= RATING_MAX:
                raise ValueError(f"rating score {score!r} is not a whole number 1..5")
        if scores:
            means.append(Fraction(sum(scores), len(scores)))
    if not means:
        return None
    return sum(means, Fraction(0)) / len(means) * RATING_SCALE


def component_value(
    component: Component, fact: AssessmentFact, rules: AssessmentRules
) -> Fraction | None:
    """One component of one officer on 0..100, or ``None`` when missing."""
    kind = component.kind
    if kind == "rating":
        return rating_value(
            fact.ratings.get(component.rater, ()), rules.criteria.get(component.rater, ())
        )
    if kind == "district_opinion":
        if fact.district_opinion not in component.levels:
            return None
        return Fraction(component.levels[fact.district_opinion])
    if kind == "training_attendance":
        if fact.trainings_required <= 0:
            return None
        return _share(fact.trainings_attended, fact.trainings_required)
    value = {
        "quota_fulfilment": fact.quota_fulfilment,
        "points": fact.points,
        "service_days": fact.service_days,
        "reports_on_time": fact.reports_on_time,
    }[kind]
    if value is None:
        return None
    return _share(value, component.full_at if kind in ("points", "service_days") else 1)


def weighted_score(
    fact: AssessmentFact, rules: AssessmentRules
) -> tuple[Fraction, dict[str, Fraction | None], list[Reason]]:
    """The score (0..100), each component's value and the reasons for the
    missing ones (weights renormalised over the present components)."""
    values: dict[str, Fraction | None] = {}
    reasons: list[Reason] = []
    total, weights = Fraction(0), Fraction(0)
    for component in rules.components:
        value = component_value(component, fact, rules)
        values[component.code] = value
        if value is None:
            reasons.append(Reason("missing_component", {"component": component.code}))
            continue
        total += component.weight * value
        weights += component.weight
    if weights == 0:
        reasons.append(Reason("no_data"))
        return Fraction(0), values, reasons
    return total / weights, values, reasons


# -- grades ----------------------------------------------------------------------------


def _veto_grade(fact: AssessmentFact, rules: AssessmentRules) -> tuple[str | None, list[Reason]]:
    """The grade the vetoes force (the lowest of those that apply) and why."""
    order = {g.code: i for i, g in enumerate(rules.grades)}
    forced, reasons = None, []
    for veto in rules.vetoes:
        if veto.categories and fact.category not in veto.categories:
            continue
        if veto.kind == "service_days_below":
            # unknown days (None) are not "too few": nothing was gathered
            applies = fact.service_days is not None and fact.service_days < veto.days
        else:
            applies = bool(getattr(fact, veto.kind))
        if not applies:
            continue
        params = {"veto": veto.kind, "grade": veto.grade}
        if veto.kind == "service_days_below":
            params.update(days=fact.service_days, min_days=veto.days)
        reasons.append(Reason("veto", params))
        if forced is None or order[veto.grade] > order[forced]:
            forced = veto.grade
    return forced, reasons


def _threshold_grade(score: Fraction, rules: AssessmentRules) -> Grade:
    for grade in rules.grades:
        if score >= grade.min_score:
            return grade
    return rules.grades[-1]


def consequences(grade: str, rules: AssessmentRules) -> tuple[str, ...]:
    """What a (final) grade entails: ``blocks_next_nomination`` and/or
    ``ends_service`` for the lowest grade, when the policy says so."""
    if grade != rules.lowest:
        return ()
    out = []
    if rules.unqualified_blocks_next_nomination:
        out.append("blocks_next_nomination")
    if rules.unqualified_ends_service:
        out.append("ends_service")
    return tuple(out)


def _apply_caps(
    scores: Mapping[int, Fraction],
    current: dict[int, int],
    capped_out: set[int],
    reasons: Mapping[int, list[Reason]],
    rules: AssessmentRules,
    size: int,
) -> None:
    """Caps from the top grade down (``current``: officer → grade index,
    changed in place); officers in ``capped_out`` take no place."""
    for index, grade in enumerate(rules.grades[:-1]):
        if grade.cap is None:
            continue
        allowed = places(size, grade.cap.ratio, grade.cap.rounding)
        holders = sorted(
            (o for o, i in current.items() if i == index and o not in capped_out),
            key=lambda o: (-scores[o], o),
        )
        params = {"grade": grade.code, "places": allowed}
        if len(holders) <= allowed:
            for officer in holders:
                reasons[officer].append(Reason("within_cap", params))
            continue
        boundary = scores[holders[allowed - 1]] if allowed > 0 else None
        # the officers tied on the last place all fit: no tie to break
        fits = boundary is not None and sum(scores[o] >= boundary for o in holders) <= allowed
        for officer in holders:
            score = scores[officer]
            if boundary is not None and (score > boundary or (score == boundary and fits)):
                reasons[officer].append(Reason("within_cap", params))
            elif score == boundary and grade.cap.tie == "include":
                reasons[officer].append(Reason("tie_included", params))
            else:
                code = "tie_excluded" if score == boundary else "over_cap"
                current[officer] = index + 1
                reasons[officer].append(
                    Reason(code, {**params, "to": rules.grades[index + 1].code})
                )


def _code(index: int | None, rules: AssessmentRules) -> str:
    return PENDING if index is None else rules.grades[index].code


def assess(facts: Iterable[AssessmentFact], rules: AssessmentRules) -> tuple[AssessmentRow, ...]:
    """Every officer's score, components, proposed grade and reasons, best
    score first (ties by officer id). The cohort is every fact given."""
    facts = list(facts)
    if len({fact.officer for fact in facts}) != len(facts):
        raise ValueError("an officer appears twice in the cohort")
    order = {g.code: i for i, g in enumerate(rules.grades)}
    scores: dict[int, Fraction] = {}
    values: dict[int, Mapping[str, Fraction | None]] = {}
    reasons: dict[int, list[Reason]] = {}
    current: dict[int, int | None] = {}  # None: pending, nothing to grade
    forced: dict[int, str] = {}
    for fact in facts:
        officer = fact.officer
        if rules.method == "points":
            score = Fraction(fact.points or 0)
            values[officer], why = {"points": score}, []
            index = 0 if fact.ranked_excellent else 1
            why.append(
                Reason(
                    "ranked_excellent" if fact.ranked_excellent else "not_ranked_excellent",
                    {"grade": rules.grades[index].code},
                )
            )
        else:
            score, values[officer], why = weighted_score(fact, rules)
            if why and why[-1].code == "no_data":
                index = None
            else:
                grade = _threshold_grade(score, rules)
                index = order[grade.code]
                why.append(Reason("threshold", {"grade": grade.code, "min_score": grade.min_score}))
        scores[officer] = score
        # points: the ranking itself leaves a marked officer out of excellence
        # (not eligible), so the rule is named whether or not they were ranked
        barred = index == 0 or (rules.method == "points" and index is not None)
        if barred and fact.discipline_violation and rules.discipline_removes_excellence:
            index = 1
            why.append(
                Reason(
                    "discipline_removes_excellence",
                    {"grade": rules.top, "to": rules.grades[1].code},
                )
            )
        veto, veto_reasons = _veto_grade(fact, rules)
        why.extend(veto_reasons)
        if veto is not None:
            forced[officer] = veto
        current[officer] = index
        reasons[officer] = why
    if rules.method == "graded":
        _apply_caps(scores, current, set(forced), reasons, rules, len(facts))
    rows = [
        AssessmentRow(
            officer=fact.officer,
            score=scores[fact.officer],
            components=values[fact.officer],
            proposed_grade=forced.get(fact.officer, _code(current[fact.officer], rules)),
            reasons=tuple(reasons[fact.officer]),
        )
        for fact in facts
    ]
    return tuple(sorted(rows, key=lambda row: (-row.score, row.officer)))
