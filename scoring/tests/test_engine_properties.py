"""Properties of the points engine (SPEC.md §6) over generated facts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.presets import KINDS, preset_rules
from scoring.engine import (
    EntryFact,
    OfficerFact,
    OfficerScore,
    Rules,
    rank_pool,
    score_officers,
    split_entry,
)

WUHAN = Rules.from_policy(preset_rules("wuhan"))
PROFILE = settings(max_examples=200, deadline=None, database=None)
GROUPS = ("city", "district", "A")


@st.composite
def officers_st(draw, min_size: int = 1, max_size: int = 12) -> list[OfficerFact]:
    n = draw(st.integers(min_size, max_size))
    return [
        OfficerFact(
            id=i,
            pool=draw(st.sampled_from(["city", "district:a", "all"])),
            group=draw(st.sampled_from(GROUPS)),
            eligible=draw(st.booleans()),
        )
        for i in range(1, n + 1)
    ]


@st.composite
def facts_st(draw):
    """Officers, and entries crediting them (with repeats and strangers)."""
    officers = draw(officers_st())
    ids = st.integers(1, len(officers) + 3)  # ids above len(officers) are not in the facts
    entries = draw(
        st.lists(
            st.builds(
                EntryFact,
                id=st.integers(1, 10_000),
                kind=st.sampled_from(KINDS),
                occurred_on=st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                officers=st.lists(ids, min_size=1, max_size=6).map(tuple),
            ),
            max_size=25,
            unique_by=lambda e: e.id,
        )
    )
    return officers, entries


rules_st = st.builds(
    lambda ratio, rounding, tie, threshold: dataclasses.replace(
        WUHAN, ratio=ratio, rounding=rounding, tie=tie, bonus_threshold=threshold
    ),
    st.sampled_from([F(3, 10), F(1, 5), F(1, 2), F(1, 3), F(0), F(1)]),
    st.sampled_from(["floor", "round"]),
    st.sampled_from(["include", "exclude"]),
    st.sampled_from([0, 20, 100, 1000]),
)


@st.composite
def pool_st(draw):
    """A pool with few distinct totals (so ties are common) and its scores."""
    officers = [
        dataclasses.replace(o, pool="city") for o in draw(officers_st(min_size=0, max_size=15))
    ]
    values = st.sampled_from([F(0), F(5), F(10), F(10, 3), F(20, 3), F(100), F(1105)])
    scores = {
        o.id: OfficerScore(officer=o.id, lines=(), subtotal=draw(values), bonus=0, bonus_reason="")
        for o in officers
    }
    return officers, scores


@PROFILE
@given(facts_st())
def test_each_groups_shares_sum_to_the_entrys_points(facts):
    officers, entries = facts
    groups = {o.id: o.group for o in officers}
    for entry in entries:
        points = WUHAN.points[entry.kind]
        shares = split_entry(entry, groups, points)
        assert set(shares) == {o for o in entry.officers if o in groups}
        by_group: dict[str, list[F]] = defaultdict(list)
        for officer, share in shares.items():
            assert isinstance(share, F)
            by_group[groups[officer]].append(share)
        for group_shares in by_group.values():
            assert sum(group_shares, F(0)) == points
            assert len(set(group_shares)) == 1  # shared equally


@PROFILE
@given(facts_st(), rules_st, st.randoms(use_true_random=False))
def test_totals_do_not_depend_on_entry_order(facts, rules, random):
    officers, entries = facts
    shuffled = list(entries)
    random.shuffle(shuffled)
    before = score_officers(entries, officers, rules)
    after = score_officers(shuffled, officers, rules)
    assert before == after
    # and whatever the order, a statement adds up to its total
    for s in before.values():
        assert sum((line.share for line in s.lines), F(0)) + s.bonus == s.total
        keys = [(line.occurred_on, line.entry) for line in s.lines]
        assert keys == sorted(keys)


@PROFILE
@given(facts_st())
def test_points_are_conserved(facts):
    """Every entry hands out its points once per group it credits, no more."""
    officers, entries = facts
    groups = {o.id: o.group for o in officers}
    scores = score_officers(entries, officers, WUHAN)
    expected = sum(
        (
            WUHAN.points[e.kind] * len({groups[o] for o in e.officers if o in groups})
            for e in entries
        ),
        0,
    )
    assert sum((s.subtotal for s in scores.values()), F(0)) == expected


@PROFILE
@given(pool_st(), rules_st)
def test_excellence_count(pool, rules):
    officers, scores = pool
    result = rank_pool("city", officers, scores, rules)
    eligible = {o.id for o in officers if o.eligible and scores[o.id].total > 0}
    excellent = [row for row in result.rows if row.excellent]
    assert {row.officer for row in excellent} <= eligible
    if rules.tie == "exclude":
        assert len(excellent) <= result.places
    else:
        assert len(excellent) >= min(result.places, len(eligible))
        if len(excellent) > result.places:
            totals = [row.total for row in excellent]  # rows are total-descending
            last_place = totals[result.places - 1]
            assert all(t == last_place for t in totals[result.places :])
    # ties are never split, and a better eligible officer is never passed over
    excellent_totals = {row.total for row in excellent}
    for row in result.rows:
        if row.officer in eligible and not row.excellent:
            assert row.total not in excellent_totals
            assert all(row.total < t for t in excellent_totals)


@PROFILE
@given(pool_st(), rules_st)
def test_ranks(pool, rules):
    officers, scores = pool
    rows = rank_pool("city", officers, scores, rules).rows
    assert sorted(row.officer for row in rows) == sorted(o.id for o in officers)
    totals = [row.total for row in rows]
    ranks = [row.rank for row in rows]
    assert totals == sorted(totals, reverse=True)
    assert ranks == sorted(ranks)
    for row in rows:
        assert row.rank == 1 + sum(t > row.total for t in totals)
    for a, b in itertools.pairwise(rows):
        assert (a.rank == b.rank) == (a.total == b.total)
