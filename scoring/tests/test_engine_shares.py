"""The engine over stored shares: group sizes at verification, totals from
shares counted per (officer, kind, points, group size), statements from the
shares one by one. Exact values, and the same figures as scoring entry by
entry (a property over generated ledgers)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from fractions import Fraction as F

from hypothesis import given

from accounts.presets import preset_rules
from scoring.engine import (
    CreditGroup,
    OfficerFact,
    Rules,
    ShareFact,
    group_sizes,
    score_from_groups,
    score_from_shares,
    score_officers,
)

from .test_engine_properties import PROFILE, facts_st

WUHAN = Rules.from_policy(preset_rules("wuhan"))
GROUPS = {1: "city", 2: "city", 3: "city", 4: "district", 5: "district"}


def city(officer_id: int) -> OfficerFact:
    return OfficerFact(id=officer_id, pool="city", group="city")


def test_group_sizes_count_the_credited_officers_of_each_group_once():
    assert group_sizes((1, 2, 4), GROUPS) == {1: 2, 2: 2, 4: 1}
    assert group_sizes((1, 1, 2, 3, 4, 5), GROUPS) == {1: 3, 2: 3, 3: 3, 4: 2, 5: 2}
    assert group_sizes((9, 4), GROUPS) == {4: 1}  # 9 is not an officer of the year
    assert group_sizes((9,), GROUPS) == {}


def test_totals_from_counted_shares_are_exact():
    groups = [
        CreditGroup(officer=1, kind="event", points=10, group_size=3, count=3),  # 3 × 10/3
        CreditGroup(officer=1, kind="demand", points=5, group_size=2, count=1),  # 5/2
        CreditGroup(officer=1, kind="conversion", points=100, group_size=1, count=10),
        CreditGroup(officer=2, kind="event", points=10, group_size=6, count=1),  # 5/3
        CreditGroup(officer=9, kind="event", points=10, group_size=1, count=4),  # not an officer
    ]
    scores = score_from_groups(groups, [city(1), city(2), city(3)], WUHAN)
    assert scores[1].subtotal == F(2025, 2)  # 10 + 5/2 + 1000
    assert (scores[1].bonus, scores[1].total) == (100, F(2225, 2))
    assert scores[1].counts == {"event": 3, "demand": 1, "conversion": 10}
    assert (scores[2].subtotal, scores[2].bonus) == (F(5, 3), 0)
    assert (scores[3].subtotal, scores[3].counts) == (F(0), {})
    assert set(scores) == {1, 2, 3}


def test_stored_points_count_not_todays_policy():
    """The points a share was stored with decide, whatever the rules say now."""
    groups = [CreditGroup(officer=1, kind="event", points=20, group_size=1, count=2)]
    assert score_from_groups(groups, [city(1)], WUHAN)[1].subtotal == 40


def test_statement_from_shares_lists_each_share_by_date_with_its_reason():
    day = dt.date(2025, 5, 1)
    shares = [
        ShareFact(7, "event", day, officer=1, points=10, group_size=3, credited=(1, 2, 3)),
        ShareFact(4, "conversion", day - dt.timedelta(days=9), officer=1, points=100, group_size=1),
    ]
    score = score_from_shares(1, shares, WUHAN)
    assert [(line.entry, line.share, line.credited, line.reason) for line in score.lines] == [
        (4, F(100), (1,), "conversion: 100"),
        (7, F(10, 3), (1, 2, 3), "event: 10 shared by 3 officers of the group"),
    ]
    assert (score.subtotal, score.bonus, score.total) == (F(310, 3), 0, F(310, 3))
    assert score.counts == {"event": 1, "conversion": 1}


@PROFILE
@given(facts_st())
def test_counted_shares_give_the_entry_by_entry_figures(facts):
    officers, entries = facts
    groups = {o.id: o.group for o in officers}
    stored = [
        ShareFact(e.id, e.kind, e.occurred_on, o, WUHAN.points[e.kind], n, e.officers)
        for e in entries
        for o, n in group_sizes(e.officers, groups).items()
    ]
    counted = Counter((s.officer, s.kind, s.points, s.group_size) for s in stored)
    fast = score_from_groups(
        [CreditGroup(o, k, p, n, c) for (o, k, p, n), c in counted.items()], officers, WUHAN
    )
    exact = score_officers(entries, officers, WUHAN)
    for officer in officers:
        statement = score_from_shares(
            officer.id, [s for s in stored if s.officer == officer.id], WUHAN
        )
        expected = exact[officer.id]
        assert (fast[officer.id].subtotal, fast[officer.id].bonus) == (
            expected.subtotal,
            expected.bonus,
        )
        assert fast[officer.id].counts == expected.counts
        assert [line.share for line in statement.lines] == [line.share for line in expected.lines]
        assert statement.total == expected.total
