"""The ranking counts the shares stored as entries are verified, corrected
and re-scored; recomputing the ledger entry by entry must give every officer
exactly the same figures, and every statement must add up to its total."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import pytest

from accounts.presets import preset_rules
from ledgers import services as ledger
from roster.services import officer_create, officer_disqualify
from scoring.selectors import statement_for, tallies_match_shares, year_result
from scoring.tests.random_ledger import random_entry
from tests.world import TERM, centre

pytestmark = pytest.mark.django_db

KINDS = ["achievement", "demand", "event", "event", "conversion", "case", "video"]


def _in_a_term(officers, day: dt.date) -> bool:
    return any(o.term_start <= day <= o.term_end for o in officers)


def _ledger(world, rng: random.Random, entries: int) -> None:
    admin = world.users["admin"].memberships.get()
    logger = centre(world)  # four eyes: the admin verifies what the centre's other admin logged
    officers = list(world.officers.values())
    officers += [
        officer_create(
            tenant=world.tenant,
            full_name=f"城{i}",
            category="city",
            district=None,
            term_start=dt.date(2024, 1, 1),
            term_end=TERM[1],
        )
        for i in range(4)
    ]
    # one officer whose term ends before the year: credited, but never in a split
    officers.append(
        officer_create(
            tenant=world.tenant,
            full_name="旧人",
            category="city",
            district=None,
            term_start=dt.date(2023, 1, 1),
            term_end=dt.date(2024, 12, 31),
        )
    )
    for i in range(entries):
        credited = rng.sample(officers, rng.choice([1, 1, 1, 2, 3, 4]))
        if all(o.full_name == "旧人" for o in credited):
            credited.append(world.officers["city"])
        day = dt.date(rng.choice([2024, 2025, 2025]), rng.randint(1, 12), 1)
        if not _in_a_term(credited, day):  # a date lies inside a credited officer's term
            day = day.replace(year=2025)
        entry, status = random_entry(
            world,
            rng,
            logger=logger,
            admin=admin,
            kind=rng.choice(KINDS),
            day=day,
            officers=credited,
            title=f"条目{i}",
            statuses=["draft", "submitted", "verified", "verified", "verified"],
        )
        if status == "verified" and rng.random() < 0.1:  # a correction of the credits
            corrected = rng.sample(officers[:-1], rng.choice([1, 2, 3]))
            if not _in_a_term(corrected, day):
                corrected.append(officers[4])  # 城0, in office since 2024
            ledger.entry_update(
                tenant=world.tenant,
                membership=admin,
                entry=entry,
                data={},
                officers=corrected,
                reason="更正协作人",
            )
    # disqualified before the year (out of its splits) and within it (in, not eligible)
    reason = preset_rules("wuhan")["disqualification_reasons"][0]["code"]
    for officer, day in ((officers[-2], dt.date(2024, 12, 1)), (officers[-3], dt.date(2025, 6, 1))):
        officer_disqualify(
            tenant=world.tenant,
            officer=officer,
            reason=reason,
            effective_on=day,
            by=world.users["admin"],
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aggregated_totals_equal_entry_by_entry_totals(world, seed):
    _ledger(world, random.Random(seed), entries=120)
    fast = year_result(tenant=world.tenant, year=2025)
    exact = year_result(tenant=world.tenant, year=2025, recompute=True)
    assert set(fast.scores) == set(exact.scores)
    for officer_id, score in exact.scores.items():
        quick = fast.scores[officer_id]
        assert (quick.subtotal, quick.bonus, quick.counts) == (
            score.subtotal,
            score.bonus,
            score.counts,
        ), officer_id
        assert sum((line.share for line in score.lines), start=0) == score.subtotal
    assert [
        (p.pool, [(r.officer, r.rank, r.total, r.excellent) for r in p.rows]) for p in fast.pools
    ] == [
        (p.pool, [(r.officer, r.rank, r.total, r.excellent) for r in p.rows]) for p in exact.pools
    ]
    assert any(score.subtotal.denominator > 1 for score in exact.scores.values())
    assert any(not r.eligible for p in fast.pools for r in p.rows)
    assert tallies_match_shares(tenant=world.tenant, year=2025)
    assert tallies_match_shares(tenant=world.tenant, year=2024)
    for officer in world.officers.values():
        statement = statement_for(tenant=world.tenant, officer=officer, year=2025)
        lines = sum((Fraction(line["share_exact"]) for line in statement["lines"]), start=0)
        assert lines + int(statement["bonus"]) == Fraction(statement["total_exact"])
        assert Fraction(statement["total_exact"]) == exact.scores[officer.id].total


def test_pool_months_add_up_to_the_pool_totals_without_bonus(world):
    from scoring.selectors import pool_months

    _ledger(world, random.Random(7), entries=80)
    result = year_result(tenant=world.tenant, year=2025)
    months = pool_months(tenant=world.tenant, year=2025)
    assert pool_months(tenant=world.tenant, year=2025, draft=result) == months
    assert set(months) <= {p.pool for p in result.pools}
    for pool in result.pools:
        expected = sum((result.scores[r.officer].subtotal for r in pool.rows), start=0)
        assert sum(months.get(pool.pool, []), start=0) == expected, pool.pool
