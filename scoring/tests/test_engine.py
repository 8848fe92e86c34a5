"""The points engine against SPEC.md §6, rule by rule, with exact values.

Every expected number is a :class:`~fractions.Fraction` (or an exact string),
never a float: the rules say totals compare exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction as F

import pytest

from accounts.presets import preset_rules
from scoring.engine import (
    EntryFact,
    OfficerFact,
    OfficerScore,
    Rules,
    award_candidates,
    exact_text,
    excellence_places,
    rank_pool,
    rank_pools,
    score_officers,
    split_entry,
    two_decimals,
)

WUHAN = Rules.from_policy(preset_rules("wuhan"))
#: "at most 20%, ties excluded" (SPEC.md §6 rule 6): the Yangquan preset has
#: no points excellence any more (its cap belongs to the assessment), so the
#: rule is built here.
YANGQUAN = Rules.from_policy(
    {
        **preset_rules("wuhan"),
        "excellence": {"ratio": "0.20", "rounding": "floor", "tie": "exclude"},
    }
)
WUHAN_EXCLUDE = dataclasses.replace(WUHAN, tie="exclude")
WUHAN_ROUND = dataclasses.replace(WUHAN, rounding="round")
DAY = dt.date(2025, 3, 1)


def city(officer_id: int, **kwargs) -> OfficerFact:
    return OfficerFact(id=officer_id, pool="city", group="city", **kwargs)


def district(officer_id: int, code: str = "a", **kwargs) -> OfficerFact:
    return OfficerFact(id=officer_id, pool=f"district:{code}", group="district", **kwargs)


def entry(entry_id: int, kind: str, *officers: int, on: dt.date = DAY) -> EntryFact:
    return EntryFact(id=entry_id, kind=kind, occurred_on=on, officers=tuple(officers))


def solo(kinds: list[str], officer_id: int = 1) -> list[EntryFact]:
    """One entry per kind in ``kinds``, each crediting ``officer_id`` alone."""
    return [
        entry(n, kind, officer_id, on=DAY + dt.timedelta(days=n % 200))
        for n, kind in enumerate(kinds, start=1)
    ]


def score(officer_id: int, total) -> OfficerScore:
    """A score with a given subtotal and no bonus, for ranking tests."""
    return OfficerScore(officer=officer_id, lines=(), subtotal=F(total), bonus=0, bonus_reason="")


def pool_of(totals: list, ineligible: tuple[int, ...] = (), pool: str = "city"):
    """Officers 1..n of one pool with the given totals; ``ineligible`` ids are
    marked ineligible."""
    officers = [
        OfficerFact(
            id=n,
            pool=pool,
            group="city",
            eligible=n not in ineligible,
            ineligible_reason="discipline violation" if n in ineligible else "",
        )
        for n in range(1, len(totals) + 1)
    ]
    scores = {o.id: score(o.id, t) for o, t in zip(officers, totals, strict=True)}
    return officers, scores


def excellent_ids(result) -> set[int]:
    return {row.officer for row in result.rows if row.excellent}


# --- the presets the tests rely on -------------------------------------------


def test_presets_give_the_rules_the_spec_names():
    assert WUHAN.bonus_threshold == 1000
    assert WUHAN.bonus_amount == 100
    assert WUHAN.bonus_requires_conversion is True
    assert WUHAN.ratio == F(3, 10)
    assert WUHAN.rounding == "floor"
    assert WUHAN.tie == "include"
    assert YANGQUAN.ratio == F(1, 5)
    assert YANGQUAN.tie == "exclude"


def test_graded_presets_score_nothing_and_rate_nobody_excellent():
    rules = Rules.from_policy(preset_rules("yangquan"))
    assert (rules.has_points, rules.has_bonus, rules.has_excellence) == (False, False, False)
    officers, scores = pool_of([0, 0, 0])
    result = rank_pool("all", officers, scores, rules)
    assert result.places == 0
    assert not any(row.excellent for row in result.rows)


# --- rule 1: base points per kind ---------------------------------------------


@pytest.mark.parametrize(
    ("kind", "points"),
    [
        ("achievement", 5),
        ("demand", 5),
        ("event", 10),
        ("conversion", 100),
        ("case", 0),
        ("video", 0),
    ],
)
@pytest.mark.parametrize("make", [city, district], ids=["city", "district"])
def test_base_points_per_kind(kind, points, make):
    assert WUHAN.points[kind] == points
    scores = score_officers([entry(1, kind, 7)], [make(7)], WUHAN)
    officer = scores[7]
    assert officer.total == F(points)
    assert officer.subtotal == F(points)
    assert officer.bonus == 0
    assert [line.share for line in officer.lines] == [F(points)]
    assert officer.counts == {kind: 1}


def test_base_points_add_up_over_the_year():
    kinds = ["achievement", "demand", "event", "conversion", "case", "video"] * 2
    assert score_officers(solo(kinds), [city(1)], WUHAN)[1].total == F(2 * (5 + 5 + 10 + 100))


def test_base_points_come_from_the_policy():
    rules = dataclasses.replace(WUHAN, points={**WUHAN.points, "event": 7, "case": 3})
    scores = score_officers(solo(["event", "case", "event"]), [city(1)], rules)
    assert scores[1].total == F(17)


# --- rule 2: collaborative split ----------------------------------------------

OFFICERS = [city(1), city(2), city(3), district(11), district(12, "b")]
GROUPS = {o.id: o.group for o in OFFICERS}


@pytest.mark.parametrize(
    ("kind", "credited", "expected"),
    [
        pytest.param("event", (1,), {1: F(10)}, id="one city officer"),
        pytest.param(
            "event", (1, 2, 3), {1: F(10, 3), 2: F(10, 3), 3: F(10, 3)}, id="3 city on an event"
        ),
        pytest.param(
            "conversion", (1, 2, 11), {1: F(50), 2: F(50), 11: F(100)}, id="2 city + 1 district"
        ),
        pytest.param(
            "achievement",
            (1, 11, 12),
            {1: F(5), 11: F(5, 2), 12: F(5, 2)},
            id="1 city + 2 district",
        ),
        pytest.param("event", (1, 1, 2), {1: F(5), 2: F(5)}, id="credited twice counts once"),
        pytest.param("event", (1, 2, 1, 2, 2), {1: F(5), 2: F(5)}, id="many repeats count once"),
        pytest.param("event", (1, 99), {1: F(10)}, id="officer not in facts gets nothing"),
        pytest.param("event", (98, 99), {}, id="nobody in facts"),
        pytest.param("case", (1, 2), {1: F(0), 2: F(0)}, id="zero-point kind"),
    ],
)
def test_collaborative_split(kind, credited, expected):
    e = entry(1, kind, *credited)
    points = WUHAN.points[kind]
    assert split_entry(e, GROUPS, points) == expected
    scores = score_officers([e], OFFICERS, WUHAN)
    assert {o: s.total for o, s in scores.items() if s.lines} == expected
    assert set(scores) == {o.id for o in OFFICERS}  # nobody outside the facts
    # each group that has a credited officer gets exactly the entry's points
    by_group: dict[str, F] = {}
    for officer, share in expected.items():
        by_group[GROUPS[officer]] = by_group.get(GROUPS[officer], F(0)) + share
    assert all(total == points for total in by_group.values())


def test_three_city_shares_sum_exactly_to_the_entry():
    shares = split_entry(entry(1, "event", 1, 2, 3), GROUPS, 10)
    assert shares[1] == F(10, 3)
    assert sum(shares.values(), F(0)) == 10
    assert sum(shares.values(), F(0)) == F(10, 3) + F(10, 3) + F(10, 3)


def test_officer_credited_twice_counts_once_in_counts_and_lines():
    scores = score_officers([entry(1, "event", 1, 1, 2)], OFFICERS, WUHAN)
    assert scores[1].counts == {"event": 1}
    assert len(scores[1].lines) == 1
    assert scores[1].lines[0].credited == (1, 2)


def test_officers_not_in_the_facts_are_not_scored():
    scores = score_officers([entry(1, "conversion", 1, 99)], [city(1)], WUHAN)
    assert set(scores) == {1}
    assert scores[1].total == F(100)  # 99 does not take half of it


def test_split_reason_names_the_sharing():
    scores = score_officers([entry(1, "event", 1, 2, 3, 11)], OFFICERS, WUHAN)
    assert "3" in scores[1].lines[0].reason
    assert scores[11].lines[0].reason  # a single-officer group has a reason too


# --- rule 3: bonus ----------------------------------------------------------------

CONVERSION_1005 = ["conversion"] + ["event"] * 90 + ["achievement"]  # 100 + 900 + 5
SEVERAL_CONVERSIONS_1005 = ["conversion"] * 10 + ["demand"]  # 1000 + 5
EXACTLY_1000 = ["conversion"] * 10
NO_CONVERSION_1005 = ["event"] * 100 + ["achievement"]
BELOW = ["conversion"] * 9 + ["event"] * 9 + ["demand"] * 2  # 900 + 90 + 10


@pytest.mark.parametrize(
    ("kinds", "rules", "subtotal", "bonus", "reason"),
    [
        pytest.param(CONVERSION_1005, WUHAN, 1005, 100, "conversion", id="1005 with a conversion"),
        pytest.param(SEVERAL_CONVERSIONS_1005, WUHAN, 1005, 100, "conversion", id="once only"),
        pytest.param(EXACTLY_1000, WUHAN, 1000, 0, "", id="exactly 1000: must exceed"),
        pytest.param(BELOW, WUHAN, 1000, 0, "", id="1000 from mixed kinds"),
        pytest.param(NO_CONVERSION_1005, WUHAN, 1005, 0, "no credited conversion", id="no conv"),
        pytest.param(
            NO_CONVERSION_1005,
            dataclasses.replace(WUHAN, bonus_requires_conversion=False),
            1005,
            100,
            "above 1000",
            id="conversion not required",
        ),
        pytest.param(
            ["event"] * 6,
            dataclasses.replace(WUHAN, bonus_threshold=50, bonus_amount=7),
            60,
            0,
            "no credited conversion",
            id="policy threshold and amount, no conversion",
        ),
        pytest.param(
            ["conversion"],
            dataclasses.replace(WUHAN, bonus_threshold=50, bonus_amount=7),
            100,
            7,
            "above 50",
            id="policy threshold and amount",
        ),
    ],
)
def test_bonus(kinds, rules, subtotal, bonus, reason):
    officer = score_officers(solo(kinds), [city(1)], rules)[1]
    assert officer.subtotal == F(subtotal)
    assert officer.bonus == bonus
    assert officer.total == F(subtotal + bonus)
    if reason:
        assert reason in officer.bonus_reason
    else:
        assert officer.bonus_reason == ""


def test_bonus_when_a_fraction_tips_the_total_over():
    # 1000 from conversions plus a third of an event: 1000 + 10/3 > 1000
    entries = [*solo(["conversion"] * 10), entry(99, "event", 1, 2, 3)]
    officer = score_officers(entries, [city(1), city(2), city(3)], WUHAN)[1]
    assert officer.subtotal == F(3010, 3)
    assert officer.bonus == 100
    assert officer.total == F(3310, 3)


def test_bonus_counts_a_shared_conversion():
    # the officer's conversion is shared (50) and the rest brings it past 1000
    entries = [entry(1, "conversion", 1, 2), *solo(["event"] * 96)[1:]]
    officer = score_officers(entries, [city(1), city(2)], WUHAN)[1]
    assert officer.subtotal == F(50 + 950)  # exactly 1000: no bonus
    assert officer.bonus == 0
    entries.append(entry(500, "achievement", 1))
    officer = score_officers(entries, [city(1), city(2)], WUHAN)[1]
    assert officer.subtotal == F(1005)
    assert officer.bonus == 100


# --- rule 4: exactness --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(10, 3), "3.33"),
        (F(20, 3), "6.67"),
        (F(5, 8), "0.63"),
        (F(1, 8), "0.13"),
        (F(1, 200), "0.01"),
        (F(1, 201), "0.00"),
        (F(0), "0.00"),
        (F(100), "100.00"),
        (F(2, 3), "0.67"),
        (F(5, 2), "2.50"),
        (F(3310, 3), "1103.33"),
        (F(999999, 200), "5000.00"),  # 4999.995 rounds half up
    ],
)
def test_two_decimals(value, text):
    assert two_decimals(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(10, 3), "10/3"),
        (F(10), "10"),
        (F(20, 2), "10"),
        (F(0), "0"),
        (F(5, 2), "5/2"),
        (F(100, 6), "50/3"),
    ],
)
def test_exact_text(value, text):
    assert exact_text(value) == text


def test_totals_compare_exactly():
    officers = [city(1), city(2), city(3), city(4)]
    entries = [entry(n, "event", 1, 2, 3) for n in range(1, 4)] + [entry(9, "event", 4)]
    scores = score_officers(entries, officers, WUHAN)
    assert scores[1].total == F(10) == scores[4].total
    assert isinstance(scores[1].total, F)
    ranked = rank_pool("city", officers, scores, WUHAN)
    assert {row.rank for row in ranked.rows} == {1}  # 10/3 × 3 ties 10


# --- rule 5: ranking ----------------------------------------------------------


def test_competition_ranks_1_2_2_4():
    officers = [city(1), city(2), city(3), city(4)]
    entries = [
        *solo(["event"] * 3, officer_id=4),  # 30
        *(entry(10 + n, "event", 1) for n in range(2)),  # 20
        *(entry(20 + n, "event", 3) for n in range(2)),  # 20
        entry(30, "event", 2),  # 10
    ]
    result = rank_pool("city", officers, score_officers(entries, officers, WUHAN), WUHAN)
    assert [(r.officer, r.rank, r.total) for r in result.rows] == [
        (4, 1, F(30)),
        (1, 2, F(20)),
        (3, 2, F(20)),
        (2, 4, F(10)),
    ]


@pytest.mark.parametrize(
    ("totals", "ranks"),
    [
        ([30, 20, 20, 10], [1, 2, 2, 4]),
        ([10, 10, 10], [1, 1, 1]),
        ([5, 4, 3], [1, 2, 3]),
        ([30, 20, 20, 10, 0, 0], [1, 2, 2, 4, 5, 5]),
        ([F(10, 3), F(10, 3), 3], [1, 1, 3]),
        ([], []),
    ],
)
def test_competition_ranks_table(totals, ranks):
    officers, scores = pool_of(totals)
    result = rank_pool("city", officers, scores, WUHAN)
    assert [r.rank for r in result.rows] == ranks
    assert [r.total for r in result.rows] == [F(t) for t in totals]


def test_every_officer_of_the_pool_appears_with_0_if_idle():
    officers = [city(1), city(2), city(3)]
    scores = score_officers([entry(1, "event", 2)], officers, WUHAN)
    result = rank_pool("city", officers, scores, WUHAN)
    assert result.size == 3
    assert [(r.officer, r.rank, r.total) for r in result.rows] == [
        (2, 1, F(10)),
        (1, 2, F(0)),
        (3, 2, F(0)),
    ]
    assert all(r.reason == "no points" for r in result.rows if r.total == 0)


def test_rank_pools_orders_city_all_then_districts_by_name():
    officers = [
        district(1, "b"),
        OfficerFact(id=2, pool="all", group="A"),
        district(3, "a"),
        city(4),
        district(5, "c"),
        city(6),
        district(7, "a"),
    ]
    scores = score_officers([], officers, WUHAN)
    pools = rank_pools(officers, scores, WUHAN)
    assert [p.pool for p in pools] == ["city", "all", "district:a", "district:b", "district:c"]
    members = {p.pool: sorted(r.officer for r in p.rows) for p in pools}
    assert members == {
        "city": [4, 6],
        "all": [2],
        "district:a": [3, 7],
        "district:b": [1],
        "district:c": [5],
    }


def test_rank_pools_ranks_each_pool_on_its_own():
    officers = [city(1), city(2), district(11), district(12)]
    entries = [entry(1, "event", 1), entry(2, "conversion", 11), entry(3, "event", 12)]
    pools = rank_pools(officers, score_officers(entries, officers, WUHAN), WUHAN)
    assert [[(r.officer, r.rank) for r in p.rows] for p in pools] == [
        [(1, 1), (2, 2)],
        [(11, 1), (12, 2)],
    ]


# --- rule 6: excellence -------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "rules", "places"),
    [
        (10, WUHAN, 3),
        (7, WUHAN, 2),
        (3, WUHAN, 0),
        (0, WUHAN, 0),
        (20, WUHAN, 6),
        (5, WUHAN, 1),
        (5, WUHAN_ROUND, 2),  # 1.5 rounds half up
        (4, WUHAN_ROUND, 1),  # 1.2
        (15, WUHAN_ROUND, 5),  # 4.5
        (3, WUHAN_ROUND, 1),  # 0.9
        (10, YANGQUAN, 2),
        (9, YANGQUAN, 1),
        (4, YANGQUAN, 0),
    ],
)
def test_excellence_places(size, rules, places):
    assert excellence_places(size, rules) == places
    officers, scores = pool_of([1] * size)
    assert rank_pool("city", officers, scores, rules).places == places


TEN_DESC = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10]


@pytest.mark.parametrize(
    ("totals", "ineligible", "rules", "expected"),
    [
        pytest.param(TEN_DESC, (), WUHAN, {1, 2, 3}, id="top 3 of 10"),
        pytest.param(TEN_DESC[:7], (), WUHAN, {1, 2}, id="top 2 of 7"),
        pytest.param([50, 40, 30, 20, 10], (), WUHAN_ROUND, {1, 2}, id="round 1.5 -> 2"),
        pytest.param([50, 40, 30], (), WUHAN, set(), id="pool of 3: no places"),
        pytest.param([50, 40, 0, 0, 0, 0, 0, 0, 0, 0], (), WUHAN, {1, 2}, id="0 points never"),
        pytest.param([0] * 10, (), WUHAN, set(), id="nobody has points"),
        pytest.param(TEN_DESC, (1,), WUHAN, {2, 3, 4}, id="ineligible place goes on"),
        pytest.param(TEN_DESC, (1, 3), WUHAN, {2, 4, 5}, id="two ineligible"),
        pytest.param(TEN_DESC, tuple(range(1, 11)), WUHAN, set(), id="all ineligible"),
        pytest.param([100, 90, 0, 0, 0, 0, 0, 0, 0, 0], (1,), WUHAN, {2}, id="ineligible and zero"),
        pytest.param(
            [100, 90, 80, 80, 80, 50, 40, 30, 20, 10],
            (),
            WUHAN,
            {1, 2, 3, 4, 5},
            id="tie on last place, include: past places",
        ),
        pytest.param(
            [100, 90, 80, 80, 80, 50, 40, 30, 20, 10],
            (),
            WUHAN_EXCLUDE,
            {1, 2},
            id="tie on last place, exclude: none of the tied",
        ),
        pytest.param(
            [100, 100, 80, 80, 60, 50, 40, 30, 20, 10],
            (),
            WUHAN,
            {1, 2, 3, 4},
            id="tie above and on the boundary, include",
        ),
        pytest.param(
            [100, 100, 80, 80, 60, 50, 40, 30, 20, 10],
            (),
            WUHAN_EXCLUDE,
            {1, 2},
            id="tie above the boundary kept, exclude",
        ),
        pytest.param(
            [100, 100, 100, 70, 60, 50, 40, 30, 20, 10],
            (),
            WUHAN_EXCLUDE,
            {1, 2, 3},
            id="tie exactly fills the places",
        ),
        pytest.param(
            [100, 90, 90, 70, 60, 50, 40, 30, 20, 10],
            (),
            WUHAN_EXCLUDE,
            {1, 2, 3},
            id="tie inside the places, exclude",
        ),
        pytest.param([100] * 10, (), WUHAN_EXCLUDE, set(), id="everyone tied, exclude: nobody"),
        pytest.param([100] * 10, (), WUHAN, set(range(1, 11)), id="everyone tied, include"),
        pytest.param(
            [100, 90, 80, 80, 80, 50, 40, 30, 20, 10],
            (3,),
            WUHAN,
            {1, 2, 4, 5},
            id="ineligible tied officer skipped, include",
        ),
        pytest.param(
            [100, 90, 80, 80, 80, 50, 40, 30, 20, 10],
            (3,),
            WUHAN_EXCLUDE,
            {1, 2},
            id="ineligible tied officer skipped, exclude",
        ),
        pytest.param(
            [100, 90, 80, 80, 50, 50, 40, 30, 20, 10],
            (3,),
            WUHAN_EXCLUDE,
            {1, 2, 4},
            id="ineligible officer breaks the tie",
        ),
        pytest.param(
            [100, 90, 90, 80, 60, 50, 40, 30, 20, 10],
            (),
            YANGQUAN,
            {1},
            id="yangquan: 20% and ties excluded",
        ),
        pytest.param(
            [F(10, 3) * 3, 10, 10, 10, 9, 8, 7, 6, 5, 4],
            (),
            WUHAN_EXCLUDE,
            set(),
            id="exact fractions tie",
        ),
    ],
)
def test_excellence(totals, ineligible, rules, expected):
    officers, scores = pool_of(totals, ineligible)
    result = rank_pool("city", officers, scores, rules)
    assert excellent_ids(result) == expected
    if rules.tie == "exclude":
        assert len(expected) <= result.places
    for row in result.rows:
        if row.total == 0 or row.officer in ineligible:
            assert not row.excellent


def test_excellence_reasons():
    totals = [100, 90, 80, 80, 80, 50, 0, 30, 20, 10]
    officers, scores = pool_of(totals, ineligible=(1,))
    rows = {r.officer: r for r in rank_pool("city", officers, scores, WUHAN).rows}
    assert rows[1].reason == "discipline violation"
    assert rows[2].reason == "within the places"
    assert rows[3].reason == rows[4].reason == rows[5].reason
    assert "tie" in rows[3].reason
    assert rows[7].reason == "no points"
    assert rows[6].reason == "outside the places"
    assert all(r.reason for r in rows.values())


def test_ineligible_without_a_reason_still_explains():
    officers = [city(n) for n in range(1, 11)]
    officers[0] = city(1, eligible=False)
    scores = {o.id: score(o.id, 100 - o.id) for o in officers}
    rows = {r.officer: r for r in rank_pool("city", officers, scores, WUHAN).rows}
    assert not rows[1].excellent
    assert rows[1].reason  # "not eligible"
    assert rows[1].rank == 1  # still ranked by its total


# --- rule 7: awards -----------------------------------------------------------


def test_awards_gold_and_top_ten_across_pools():
    officers = [city(n) for n in range(1, 8)] + [district(n, "a") for n in range(11, 19)]
    officers.append(district(21, "b", eligible=False))
    totals = {
        1: 500, 2: 90, 3: 80, 4: 0, 5: 70, 6: 60, 7: 0,
        11: 450, 12: 300, 13: 55, 14: 55, 15: 50, 16: 40, 17: 30, 18: 0,
        21: 900,
    }  # fmt: skip
    scores = {o.id: score(o.id, totals[o.id]) for o in officers}
    pools = rank_pools(officers, scores, WUHAN)
    gold, top_ten = award_candidates(pools, {o.id: o.eligible for o in officers})
    assert gold == [1]  # 21 (900) is ineligible
    assert top_ten == [11, 12, 2, 3, 5, 6, 13, 14, 15, 16]  # 17 is 12th; zeros skipped


def test_awards_skip_zero_points_even_when_short():
    officers = [city(1), city(2), district(11), district(12)]
    scores = {1: score(1, 0), 2: score(2, 10), 11: score(11, 20), 12: score(12, 0)}
    pools = rank_pools(officers, scores, WUHAN)
    assert award_candidates(pools, {o.id: True for o in officers}) == ([11], [2])


def test_awards_with_nobody_scoring():
    officers = [city(1), city(2)]
    pools = rank_pools(officers, {1: score(1, 0), 2: score(2, 0)}, WUHAN)
    assert award_candidates(pools, {1: True, 2: True}) == ([], [])


def test_awards_ties_break_by_officer_id():
    officers = [city(3), district(1), city(2)]
    scores = {o.id: score(o.id, 40) for o in officers}
    pools = rank_pools(officers, scores, WUHAN)
    assert award_candidates(pools, {}) == ([1], [2, 3])


# --- rule 8: statement --------------------------------------------------------


def test_statement_lines():
    officers = [city(1), city(2), city(3), district(11)]
    entries = [
        entry(7, "event", 1, 2, 3, on=dt.date(2025, 5, 1)),
        entry(3, "conversion", 1, 11, on=dt.date(2025, 2, 1)),
        entry(5, "achievement", 1, on=dt.date(2025, 2, 1)),
        entry(2, "demand", 1, 2, 1, on=dt.date(2025, 6, 1)),
        entry(4, "event", 2, 3, on=dt.date(2025, 1, 1)),  # not crediting 1
    ]
    statement = score_officers(entries, officers, WUHAN)[1]
    assert [
        (line.entry, line.kind, line.occurred_on, line.credited, line.share)
        for line in statement.lines
    ] == [
        (3, "conversion", dt.date(2025, 2, 1), (1, 11), F(100)),
        (5, "achievement", dt.date(2025, 2, 1), (1,), F(5)),
        (7, "event", dt.date(2025, 5, 1), (1, 2, 3), F(10, 3)),
        (2, "demand", dt.date(2025, 6, 1), (1, 2), F(5, 2)),
    ]
    assert statement.total == F(100 + 5) + F(10, 3) + F(5, 2)
    assert sum((line.share for line in statement.lines), F(0)) + statement.bonus == statement.total
    assert all(line.reason for line in statement.lines)
    assert statement.counts == {"conversion": 1, "achievement": 1, "event": 1, "demand": 1}


def test_statement_with_bonus_matches_the_ranking_exactly():
    officers = [city(1), city(2), city(3)]
    entries = [
        *solo(["conversion"] * 10),
        entry(1000, "event", 1, 2, 3, on=dt.date(2025, 12, 31)),
    ]
    scores = score_officers(entries, officers, WUHAN)
    statement = scores[1]
    lines_sum = sum((line.share for line in statement.lines), F(0))
    assert lines_sum == F(3010, 3)
    assert statement.bonus == 100
    assert lines_sum + statement.bonus == statement.total == F(3310, 3)
    row = next(r for r in rank_pool("city", officers, scores, WUHAN).rows if r.officer == 1)
    assert row.total == lines_sum + statement.bonus
    assert row.bonus == 100
    assert two_decimals(row.total) == "1103.33"
    assert exact_text(row.total) == "3310/3"


def test_statement_is_sorted_by_date_then_entry_id_whatever_the_input_order():
    on = [dt.date(2025, 4, 1), dt.date(2025, 1, 1), dt.date(2025, 4, 1), dt.date(2025, 1, 1)]
    entries = [entry(n, "demand", 1, on=d) for n, d in zip([9, 8, 2, 5], on, strict=True)]
    lines = score_officers(entries, [city(1)], WUHAN)[1].lines
    assert [(line.occurred_on, line.entry) for line in lines] == [
        (dt.date(2025, 1, 1), 5),
        (dt.date(2025, 1, 1), 8),
        (dt.date(2025, 4, 1), 2),
        (dt.date(2025, 4, 1), 9),
    ]


def test_idle_officer_has_an_empty_statement():
    statement = score_officers([entry(1, "event", 2)], [city(1), city(2)], WUHAN)[1]
    assert statement.lines == ()
    assert statement.total == 0
    assert statement.bonus == 0
    assert statement.counts == {}
