"""Properties of the assessment engine (SPEC.md §6a) over generated rules
and cohorts: caps hold, vetoes win, scores stay within 0..100, and the
order of the cohort changes nothing."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.policy_schema import COMPONENT_KINDS, RATER_KINDS, VETO_KINDS
from accounts.presets import PRESETS
from scoring.engine import AssessmentFact, Reason, assess, assessment_rules
from scoring.engine.assessment import PENDING, AssessmentRules, Cap, Component, Grade, Veto
from scoring.engine.ranking import places

PROFILE = settings(max_examples=60, deadline=None, database=None)
CRITERIA = {"host": ("a", "b"), "enterprise": ("s",), "district": ("x", "y", "z")}
LEVELS = {"excellent": 100, "qualified": 60, "unqualified": 0}
GRADE_CODES = ("excellent", "good", "qualified", "unqualified")

ratios = st.integers(0, 20).map(lambda n: F(n, 20))
optional_ratio = st.none() | st.integers(0, 20).map(lambda n: F(n, 10))


@st.composite
def components_st(draw):
    kinds = draw(
        st.lists(
            st.sampled_from(
                [f"rating:{rater}" for rater in RATER_KINDS]
                + [kind for kind in COMPONENT_KINDS if kind != "rating"]
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    weights = draw(st.lists(st.integers(0, 5), min_size=len(kinds), max_size=len(kinds)))
    if not any(weights):
        weights[0] = 1
    out = []
    for i, (kind, weight) in enumerate(zip(kinds, weights, strict=True)):
        kind, _, rater = kind.partition(":")
        out.append(
            Component(
                code=f"c{i}",
                kind=kind,
                weight=F(weight, draw(st.integers(1, 4))),
                rater=rater,
                full_at=draw(st.integers(1, 400)),
                levels=LEVELS if kind == "district_opinion" else {},
            )
        )
    return tuple(out)


@st.composite
def rules_st(draw, tie=None):
    count = draw(st.integers(2, 4))
    codes = GRADE_CODES[-count:] if count < 4 else GRADE_CODES
    mins = sorted(
        draw(st.lists(st.integers(1, 100), min_size=count - 1, max_size=count - 1, unique=True)),
        reverse=True,
    )
    grades = []
    for i, code in enumerate(codes):
        cap = None
        if i < count - 1 and draw(st.booleans()):
            cap = Cap(
                draw(ratios),
                draw(st.sampled_from(["floor", "round"])),
                tie or draw(st.sampled_from(["include", "exclude"])),
            )
        grades.append(Grade(code, min_score=F(mins[i]) if i < count - 1 else F(0), cap=cap))
    vetoes = tuple(
        Veto(kind, draw(st.sampled_from(codes)), days=draw(st.integers(1, 60)))
        for kind in draw(st.lists(st.sampled_from(VETO_KINDS), unique=True, max_size=4))
    )
    return AssessmentRules(
        method="graded",
        grades=tuple(grades),
        components=draw(components_st()),
        criteria=CRITERIA,
        vetoes=vetoes,
        discipline_removes_excellence=draw(st.booleans()),
    )


def _answers(rater):
    return st.lists(
        st.dictionaries(st.sampled_from(CRITERIA[rater]), st.integers(1, 5), min_size=1),
        max_size=3,
    ).map(tuple)


@st.composite
def fact_st(draw, officer: int):
    return AssessmentFact(
        officer=officer,
        ratings={rater: draw(_answers(rater)) for rater in CRITERIA},
        district_opinion=draw(st.none() | st.sampled_from([*LEVELS, "unknown"])),
        quota_fulfilment=draw(optional_ratio),
        points=draw(st.none() | st.integers(-60, 6000).map(lambda n: F(n, 6))),
        service_days=draw(st.none() | st.integers(0, 400)),
        reports_on_time=draw(st.none() | ratios),
        trainings_attended=draw(st.integers(0, 5)),
        trainings_required=draw(st.integers(0, 4)),
        integrity_record=draw(st.booleans()),
        discipline_violation=draw(st.booleans()),
        disqualified=draw(st.booleans()),
    )


@st.composite
def cohort_st(draw):
    n = draw(st.integers(1, 12))
    return [draw(fact_st(officer)) for officer in range(1, n + 1)]


def _vetoed_grade(fact: AssessmentFact, rules: AssessmentRules) -> str | None:
    """The veto the policy forces, computed independently of the engine."""
    order = [g.code for g in rules.grades]
    hits = [
        v.grade
        for v in rules.vetoes
        if (
            fact.service_days is not None and fact.service_days < v.days
            if v.kind == "service_days_below"
            else getattr(fact, v.kind)
        )
    ]
    return max(hits, key=order.index) if hits else None


@PROFILE
@given(rules_st(), cohort_st())
def test_scores_lie_within_0_and_100_and_are_exact(rules, cohort):
    for row in assess(cohort, rules):
        assert type(row.score) is F
        assert 0 <= row.score <= 100
        assert all(v is None or 0 <= v <= 100 for v in row.components.values())
        assert set(row.components) == {c.code for c in rules.components}


def _capped(rules: AssessmentRules, cohort: list[AssessmentFact]):
    """For each capped grade: its places and the scores of the officers
    holding it by score (vetoed officers take no place), best first."""
    rows = assess(cohort, rules)
    vetoed = {f.officer for f in cohort if _vetoed_grade(f, rules) is not None}
    for grade in rules.grades:
        if grade.cap is not None:
            scores = sorted(
                (
                    r.score
                    for r in rows
                    if r.proposed_grade == grade.code and r.officer not in vetoed
                ),
                reverse=True,
            )
            yield places(len(cohort), grade.cap.ratio, grade.cap.rounding), scores


@PROFILE
@given(rules_st(tie="exclude"), cohort_st())
def test_a_capped_grade_never_exceeds_its_places(rules, cohort):
    for allowed, scores in _capped(rules, cohort):
        assert len(scores) <= allowed


@PROFILE
@given(rules_st(tie="include"), cohort_st())
def test_ties_included_only_go_over_the_places_on_the_last_score(rules, cohort):
    for allowed, scores in _capped(rules, cohort):
        if len(scores) > allowed:
            assert allowed > 0
            assert set(scores[allowed - 1 :]) == {scores[allowed - 1]}


@PROFILE
@given(rules_st(), cohort_st())
def test_a_veto_always_wins(rules, cohort):
    rows = {r.officer: r for r in assess(cohort, rules)}
    for fact in cohort:
        forced = _vetoed_grade(fact, rules)
        if forced is not None:
            assert rows[fact.officer].proposed_grade == forced
        elif rules.discipline_removes_excellence and fact.discipline_violation:
            assert rows[fact.officer].proposed_grade != rules.top


@PROFILE
@given(rules_st(), cohort_st(), st.randoms(use_true_random=False))
def test_the_order_of_the_cohort_changes_nothing(rules, cohort, random):
    shuffled = list(cohort)
    random.shuffle(shuffled)
    assert assess(shuffled, rules) == assess(cohort, rules)


@PROFILE
@given(rules_st(), cohort_st())
def test_without_caps_or_vetoes_the_grade_is_the_threshold(rules, cohort):
    plain = AssessmentRules(
        method="graded",
        grades=tuple(Grade(g.code, min_score=g.min_score) for g in rules.grades),
        components=rules.components,
        criteria=rules.criteria,
    )
    for row in assess(cohort, plain):
        if Reason("no_data") in row.reasons:  # nothing to grade
            assert row.proposed_grade == PENDING
            continue
        expected = next(g for g in plain.grades if row.score >= g.min_score)
        assert row.proposed_grade == expected.code


@PROFILE
@given(st.sampled_from(sorted(PRESETS)), st.data())
def test_every_preset_assesses_any_cohort(name, data):
    rules = assessment_rules(PRESETS[name])
    criteria = rules.criteria
    n = data.draw(st.integers(1, 12))
    cohort = [
        AssessmentFact(
            officer=i,
            category=data.draw(st.sampled_from(["city", "district", "commissioner", "A"])),
            ratings={
                rater: data.draw(
                    st.lists(
                        st.dictionaries(st.sampled_from(codes), st.integers(1, 5), min_size=1),
                        max_size=2,
                    ).map(tuple)
                )
                for rater, codes in criteria.items()
            },
            district_opinion=data.draw(st.none() | st.sampled_from(["excellent", "qualified"])),
            service_days=data.draw(st.none() | st.integers(0, 60)),
            reports_on_time=data.draw(st.none() | ratios),
            points=F(data.draw(st.integers(0, 3000))),
            ranked_excellent=data.draw(st.booleans()),
            discipline_violation=data.draw(st.booleans()),
            integrity_record=data.draw(st.booleans()),
        )
        for i in range(1, n + 1)
    ]
    rows = assess(cohort, rules)
    assert sorted(r.officer for r in rows) == list(range(1, n + 1))
    codes = {g.code for g in rules.grades}
    # pending only where nothing could be graded and no veto applied
    assert all(
        r.proposed_grade in codes
        or (r.proposed_grade == PENDING and Reason("no_data") in r.reasons)
        for r in rows
    )
    if name == "yangquan":  # 第十八条: at most 20% excellent, rounded down
        excellent = sum(r.proposed_grade == "excellent" for r in rows)
        assert excellent <= n // 5
