"""The what-if of a new policy version (API.md ``policy/preview/``, issue 11):
who would change ``points``, ``excellent`` or ``grade`` in the year of
``effective_from``, nothing saved.

The points and excellence come from the ranking scored twice
(``scoring.selectors.policy_whatif``); the grade is the assessment engine's
proposed grade (``scoring.engine.assessment``) of each officer under the
policy in force at the year's end and under the changed rules, each reading
the points of its own ranking. The centre's grade decisions are left out:
they set a grade whatever the rules say. A side whose rules hold no
assessment has no grade (``null``).

The composition lives here because the assessment sits above the ranking:
the policy pages and API (accounts) are handed :func:`policy_preview`
where their URLs are wired (``assessment/urls_policy.py``,
``assessment/api/urls_policy.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction

from accounts.models import Tenant
from scoring.engine import assessment as engine
from scoring.selectors import (
    YearResult,
    policy_whatif,
    preview_changes,
    ranking_outcomes,
)

from .selectors import cohort_facts, needs_points

KEYS = ("points", "excellent", "grade")


def _ranked(result: YearResult) -> dict[int, tuple[Fraction, bool]]:
    """Officer → (points, excellent) of a ranking, exact."""
    return {row.officer: (row.total, row.excellent) for pool in result.pools for row in pool.rows}


def _with_points(
    fact: engine.AssessmentFact, ranked: tuple[Fraction | None, bool]
) -> engine.AssessmentFact:
    points, excellent = ranked
    return dataclasses.replace(fact, points=points, ranked_excellent=excellent)


def _grades(
    rules: engine.AssessmentRules | None,
    facts: list[engine.AssessmentFact],
    result: YearResult,
) -> dict[int, str]:
    """Officer → proposed grade under ``rules`` with the points of
    ``result``; nothing when the rules hold no assessment."""
    if rules is None:
        return {}
    if needs_points(rules):
        ranked = _ranked(result)
        facts = [_with_points(f, ranked.get(f.officer, (None, False))) for f in facts]
    return {row.officer: row.proposed_grade for row in engine.assess(facts, rules)}


def policy_preview(*, tenant: Tenant, effective_from: dt.date, changes: dict) -> dict:
    """``{"year","changes":[{"officer","full_name","before","after"}]}``:
    the officers whose points, excellence or grade would differ, ``before``
    and ``after`` holding only what differs. Invalid rules →
    ValidationError keyed by JSON path."""
    whatif = policy_whatif(tenant=tenant, effective_from=effective_from, changes=changes)
    year = whatif.year
    before = ranking_outcomes(whatif.before)
    after = ranking_outcomes(whatif.after)
    names = {i: o.full_name for i, o in whatif.after.facts.officers.items()}
    old_rules = engine.assessment_rules(whatif.before.facts.policy.rules)
    new_rules = engine.assessment_rules(whatif.rules)
    if old_rules is not None or new_rules is not None:
        officers, facts = cohort_facts(tenant=tenant, year=year, points={})
        names.update({i: o.full_name for i, o in officers.items()})
        for outcomes, grades in (
            (before, _grades(old_rules, facts, whatif.before)),
            (after, _grades(new_rules, facts, whatif.after)),
        ):
            for officer_id in officers:
                outcomes.setdefault(officer_id, {})["grade"] = grades.get(officer_id)
    return preview_changes(year=year, names=names, before=before, after=after, keys=KEYS)
