"""Reads of the annual assessment (SPEC.md §6a, API.md "Annual assessment").

The year's facts are gathered here and fed to the pure engine
(``scoring.engine.assessment``). What the API and pages show:

- ``score`` and each component value: a decimal string rounded to 2 places
  (``"85.00"``), a missing component ``null``; the exact fraction is kept in
  the frozen rows (``AssessmentResult.score``, ``"171/2"``) so a finalised
  year never changes by rounding;
- ``reasons``: sentences in the caller's language, made from the engine's
  reason codes (the frozen rows keep the codes, not the words).

A tenant whose policy has no assessment (``"assessment": null``) answers
404 on every assessment path: there is no assessment to read or decide.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Membership, Policy, Tenant
from accounts.selectors import policy_in_force
from roster.models import Officer
from roster.selectors import districts_in_reach, officers_appointed
from scoring.engine import assessment as engine
from scoring.engine import exact_text, two_decimals
from scoring.selectors import check_year

from .choices import MarkKind, YearStatus
from .models import (
    AssessmentMark,
    AssessmentResult,
    AssessmentYear,
    DistrictOpinion,
    GradeDecision,
    Rating,
)


@dataclass(frozen=True)
class Cohort:
    """A year's policy, rules, officers (id → Officer, with district) and
    the engine's facts."""

    year: int
    policy: Policy
    rules: engine.AssessmentRules
    officers: dict[int, Officer]
    facts: list[engine.AssessmentFact]


def year_rules(*, tenant: Tenant, year: int) -> tuple[Policy, engine.AssessmentRules]:
    """The policy in force at the year's end and its assessment; 404 when the
    policy has none."""
    policy = policy_in_force(tenant=tenant, on=dt.date(check_year(year), 12, 31))
    rules = engine.assessment_rules(policy.rules)
    if rules is None:
        raise Http404(_("This programme has no annual assessment."))
    return policy, rules


def _needs(rules: engine.AssessmentRules, kind: str) -> bool:
    return any(c.kind == kind for c in rules.components)


def _points(tenant: Tenant, year: int) -> dict[int, tuple[Fraction, bool]]:
    """Officer → (points, excellent) from the year's ranking: the finalised
    snapshot when there is one, else the live draft."""
    from scoring.selectors import year_ranking

    pools = year_ranking(tenant=tenant, year=year)["pools"]  # cached per version
    return {
        row["officer"]: (Fraction(row["points_exact"]), bool(row["excellent"]))
        for pool in pools
        for row in pool["rows"]
    }


def assessment_facts(*, tenant: Tenant, year: int) -> Cohort:
    """Every officer appointed in the year (the rankings' rule) and what the
    year recorded of them: answered ratings per kind of rater, the district's
    opinion, the ranking's points (and, for the points method, its
    excellence), integrity and discipline marks, a disqualification within
    the year, and what the policy's components and vetoes read of the
    duties: the share of the year's quotas met, days on site, the share of
    reports on time, trainings attended of those required."""
    policy, rules = year_rules(tenant=tenant, year=year)
    points = _points(tenant, year) if needs_points(rules) else {}
    officers, facts = cohort_facts(
        tenant=tenant, year=year, points=points, policy=policy, rules=rules
    )
    return Cohort(year=year, policy=policy, rules=rules, officers=officers, facts=facts)


def needs_points(rules: engine.AssessmentRules) -> bool:
    """Whether the assessment reads the points ranking."""
    return rules.method == "points" or _needs(rules, "points")


def _duty_facts(
    *,
    tenant: Tenant,
    year: int,
    officers: list[Officer],
    policy: Policy,
    rules: engine.AssessmentRules | None,
) -> dict[int, dict]:
    """Officer id → the duty facts (``AssessmentFact`` fields) the rules'
    components and vetoes read; every one when ``rules`` is ``None``."""
    from duties import selectors as duties
    from scoring.quotas import quota_year

    def needs(*kinds: str) -> bool:
        return rules is None or any(c.kind in kinds for c in (*rules.components, *rules.vetoes))

    today = timezone.localdate()
    by_id = {o.id: o for o in officers}
    out: dict[int, dict] = {o.id: {} for o in officers}
    if needs("quota_fulfilment"):
        for officer_id, (met, rows) in quota_year(
            tenant=tenant, year=year, officers=officers, today=today
        ).items():
            out[officer_id]["quota_fulfilment"] = Fraction(met, rows) if rows else None
    if needs("service_days", "service_days_below"):
        for officer_id, days in duties.service_day_totals(
            tenant=tenant,
            officers=[o.id for o in officers],
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
        ).items():
            # no day recorded is a missing component, unless a duty asks for days
            bound = duties.service_day_minimum(policy.rules, by_id[officer_id]) is not None
            out[officer_id]["service_days"] = days if days or bound else None
    if needs("reports_on_time"):
        for officer_id, share in duties.reports_on_time(
            tenant=tenant, rules=policy.rules, officers=officers, year=year, today=today
        ).items():
            out[officer_id]["reports_on_time"] = share
    if needs("training_attendance"):
        for officer_id, (attended, required) in duties.training_facts(
            tenant=tenant, rules=policy.rules, officers=officers, year=year
        ).items():
            out[officer_id].update(trainings_attended=attended, trainings_required=required)
    return out


def cohort_facts(
    *,
    tenant: Tenant,
    year: int,
    points: dict[int, tuple[Fraction, bool]],
    policy: Policy | None = None,
    rules: engine.AssessmentRules | None = None,
) -> tuple[dict[int, Officer], list[engine.AssessmentFact]]:
    """The year's officers (id → Officer) and their facts (see
    :func:`assessment_facts`), with ``points``: officer → (points,
    excellent) of the ranking the assessment reads. The duties are read
    under ``policy`` (default: the one in force at the year's end), only
    what ``rules`` need (default: everything)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    officers = {
        o.id: o
        for o in officers_appointed(tenant=tenant, start=start, end=end)
        .select_related("district", "unit")
        .order_by("id")
    }
    duty_facts = _duty_facts(
        tenant=tenant,
        year=year,
        officers=list(officers.values()),
        policy=policy or policy_in_force(tenant=tenant, on=end),
        rules=rules,
    )
    ratings: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for officer_id, kind, scores in (
        Rating.objects.for_tenant(tenant)
        .filter(request__year=year, request__officer_id__in=officers)
        .order_by("id")
        .values_list("request__officer_id", "request__rater_kind", "scores")
    ):
        ratings[officer_id][kind].append(
            {code: value for code, value in scores.items() if type(value) is int}
        )
    opinions = dict(
        DistrictOpinion.objects.for_tenant(tenant)
        .filter(year=year, officer_id__in=officers)
        .values_list("officer_id", "level")
    )
    marks: dict[int, set[str]] = defaultdict(set)
    for officer_id, kind in (
        AssessmentMark.objects.for_tenant(tenant)
        .filter(year=year, officer_id__in=officers)
        .values_list("officer_id", "kind")
    ):
        marks[officer_id].add(kind)
    facts = []
    for officer_id, officer in officers.items():
        disqualified = (
            officer.status == "disqualified"
            and officer.disqualified_on is not None
            and start <= officer.disqualified_on <= end
        )
        officer_points, excellent = points.get(officer_id, (None, False))
        facts.append(
            engine.AssessmentFact(
                officer=officer_id,
                category=officer.category,
                ratings={k: tuple(v) for k, v in ratings.get(officer_id, {}).items()},
                district_opinion=opinions.get(officer_id),
                points=officer_points,
                integrity_record=MarkKind.INTEGRITY_RECORD in marks[officer_id],
                discipline_violation=MarkKind.DISCIPLINE_VIOLATION in marks[officer_id],
                disqualified=disqualified,
                ranked_excellent=excellent,
                **duty_facts[officer_id],
            )
        )
    return officers, facts


def discipline_marks(tenant: Tenant, year: int) -> set[int]:
    """The officers with a discipline-violation mark in ``year``: the
    ranking's reader (``scoring.selectors.ranking.DISCIPLINE_MARKS``)."""
    return set(
        AssessmentMark.objects.for_tenant(tenant)
        .filter(year=year, kind=MarkKind.DISCIPLINE_VIOLATION)
        .values_list("officer_id", flat=True)
    )


def year_status(*, tenant: Tenant, year: int) -> AssessmentYear | None:
    return AssessmentYear.objects.for_tenant(tenant).filter(year=year).first()


def latest_decisions(*, tenant: Tenant, year: int) -> dict[int, GradeDecision]:
    """Officer → the centre's latest grade decision of the year."""
    out: dict[int, GradeDecision] = {}
    for decision in GradeDecision.objects.for_tenant(tenant).filter(year=year).order_by("id"):
        out[decision.officer_id] = decision
    return out


# -- rows ------------------------------------------------------------------------


def _reason_data(reason: engine.Reason) -> dict:
    """A reason as JSON: its code and parameters (fractions as exact text)."""
    return {
        "code": reason.code,
        "params": {
            k: exact_text(v) if isinstance(v, Fraction) else v for k, v in reason.params.items()
        },
    }


def draft_rows(cohort: Cohort, decisions: dict[int, GradeDecision]) -> list[dict]:
    """The engine's rows with the grade in force (the latest decision, else
    the proposal); score and components exact (fraction text)."""
    out = []
    for row in engine.assess(cohort.facts, cohort.rules):
        decision = decisions.get(row.officer)
        reasons = [_reason_data(r) for r in row.reasons]
        if decision is not None:
            reasons.append(
                {"code": "decided", "params": {"grade": decision.grade, "reason": decision.reason}}
            )
        out.append(
            {
                "officer": row.officer,
                "score": exact_text(row.score),
                "components": {
                    code: None if value is None else exact_text(value)
                    for code, value in row.components.items()
                },
                "proposed_grade": row.proposed_grade,
                "grade": decision.grade if decision is not None else row.proposed_grade,
                "reasons": reasons,
            }
        )
    return out


@dataclass(frozen=True)
class YearRows:
    year: int
    status: str
    rules: engine.AssessmentRules
    policy: Policy
    officers: dict[int, Officer]
    rows: list[dict]  # exact: score and components as fraction text, reasons as codes


def assessment_year_rows(*, tenant: Tenant, year: int) -> YearRows:
    """The year's rows: the frozen ones of a final year, else the engine's
    proposal with the grades in force."""
    policy, rules = year_rules(tenant=tenant, year=year)
    state = year_status(tenant=tenant, year=year)
    if state is not None and state.status == YearStatus.FINAL:
        results = list(
            AssessmentResult.objects.for_tenant(tenant)
            .filter(assessment_year=state)
            .select_related("officer", "officer__district", "officer__unit")
        )
        rows = [
            {
                "officer": r.officer_id,
                "score": r.score,
                "components": r.components,
                "proposed_grade": r.proposed_grade,
                "grade": r.grade,
                "reasons": r.reasons,
            }
            for r in results
        ]
        rows.sort(key=lambda r: (-Fraction(r["score"]), r["officer"]))
        officers = {r.officer_id: r.officer for r in results}
        return YearRows(year, YearStatus.FINAL, rules, policy, officers, rows)
    cohort = assessment_facts(tenant=tenant, year=year)
    rows = draft_rows(cohort, latest_decisions(tenant=tenant, year=year))
    return YearRows(year, YearStatus.DRAFT, rules, policy, cohort.officers, rows)


def in_reach(rows: YearRows, membership: Membership) -> list[dict]:
    """The rows the member may see: all for admins and auditors, their
    districts' officers for district managers."""
    if membership.reads_all:
        return rows.rows
    districts = set(districts_in_reach(membership=membership).values_list("id", flat=True))
    return [r for r in rows.rows if rows.officers[r["officer"]].district_id in districts]


# -- words ------------------------------------------------------------------------


def grade_labels(rules: engine.AssessmentRules) -> dict[str, str]:
    """Grade code → label, and :data:`engine.PENDING` (no grade yet) last."""
    labels = {g.code: g.label or g.code for g in rules.grades}
    labels[engine.PENDING] = pgettext("assessment grade", "Pending")
    return labels


def reason_text(reason: dict, rules: engine.AssessmentRules) -> str:
    """One reason in the user's language."""
    grades = grade_labels(rules)
    components = {c.code: c.label or c.code for c in rules.components}
    p = reason.get("params", {})
    grade, to = grades.get(p.get("grade"), p.get("grade")), grades.get(p.get("to"), p.get("to"))
    code = reason["code"]
    if code == "threshold":
        return _("Score reaches %(min)s: %(grade)s") % {
            "min": two_decimals(Fraction(p["min_score"])),
            "grade": grade,
        }
    if code == "missing_component":
        name = components.get(p["component"], p["component"])
        return _("No %(component)s yet: left out, the other weights count") % {"component": name}
    if code == "no_data":
        return _("No rating, opinion or record for the year: no grade proposed (pending)")
    if code == "veto":
        veto = {
            "integrity_record": _("a research-integrity record"),
            "discipline_violation": _("a discipline violation"),
            "disqualified": _("disqualified in the year"),
            "service_days_below": _("too few service days"),
        }.get(p["veto"], p["veto"])
        return _("Veto (%(veto)s): %(grade)s") % {"veto": veto, "grade": grade}
    if code == "discipline_removes_excellence":
        return _("A discipline violation removes %(grade)s: %(to)s") % {"grade": grade, "to": to}
    if code == "within_cap":
        return _("Within the %(places)s places of %(grade)s") % {
            "places": p["places"],
            "grade": grade,
        }
    if code == "tie_included":
        return _("Tied on the last place of %(grade)s: included") % {"grade": grade}
    if code == "tie_excluded":
        return _("Tied on the last place of %(grade)s: left out, %(to)s") % {
            "grade": grade,
            "to": to,
        }
    if code == "over_cap":
        return _("Beyond the %(places)s places of %(grade)s: %(to)s") % {
            "places": p["places"],
            "grade": grade,
            "to": to,
        }
    if code == "ranked_excellent":
        return _("Excellent in the points ranking: %(grade)s") % {"grade": grade}
    if code == "not_ranked_excellent":
        return _("Not excellent in the points ranking: %(grade)s") % {"grade": grade}
    if code == "decided":
        return _("Set by the centre to %(grade)s: %(reason)s") % {
            "grade": grade,
            "reason": p["reason"],
        }
    return code


def shown(value: str | None) -> str | None:
    """An exact fraction text as a decimal string of 2 places."""
    return None if value is None else two_decimals(Fraction(value))


def render_row(row: dict, rows: YearRows, categories: dict[str, str] | None = None) -> dict:
    """A row as API.md shapes it (see the module's docstring)."""
    officer = rows.officers[row["officer"]]
    return {
        "officer": officer.id,
        "full_name": officer.full_name,
        "category": officer.category,
        "district": officer.district.code if officer.district_id else None,
        "score": shown(row["score"]),
        "components": {code: shown(v) for code, v in row["components"].items()},
        "proposed_grade": row["proposed_grade"],
        "grade": row["grade"],
        "reasons": [reason_text(r, rows.rules) for r in row["reasons"]],
    }


def assessment_for(*, membership: Membership, year: int) -> dict:
    """API.md ``assessments/{year}/`` as the caller may see it."""
    rows = assessment_year_rows(tenant=membership.tenant, year=year)
    return {
        "year": year,
        "status": rows.status,
        "rows": [render_row(r, rows) for r in in_reach(rows, membership)],
    }


def final_grade(*, tenant: Tenant, officer_id: int, year: int) -> str | None:
    """The officer's grade in a finalised year, or ``None``."""
    return (
        AssessmentResult.objects.for_tenant(tenant)
        .filter(
            officer_id=officer_id,
            assessment_year__year=year,
            assessment_year__status=YearStatus.FINAL,
        )
        .values_list("grade", flat=True)
        .first()
    )
