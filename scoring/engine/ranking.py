"""Ranking per pool, excellence and award candidates (SPEC.md §6 rules 5–7)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from fractions import Fraction

from .model import OfficerFact, OfficerScore, PoolResult, RankedRow, Rules


def places(size: int, ratio: Fraction, rounding: str) -> int:
    """``size`` × ``ratio``, rounded down (``floor``) or half up (``round``),
    exactly."""
    exact = size * Fraction(ratio)
    if rounding == "round":
        return int((exact * 2 + 1) // 2)
    return int(exact // 1)


def excellence_places(size: int, rules: Rules) -> int:
    """Pool size × the policy's excellence ratio (see :func:`places`)."""
    return places(size, rules.ratio, rules.rounding)


def _competition_ranks(totals: list[Fraction]) -> list[int]:
    """Equal totals share a rank: 1, 2, 2, 4 (``totals`` sorted descending)."""
    ranks, previous = [], None
    for position, total in enumerate(totals, start=1):
        ranks.append(ranks[-1] if total == previous else position)
        previous = total
    return ranks


def _excellent(
    ordered: list[tuple[OfficerFact, Fraction]], places: int, rules: Rules
) -> dict[int, str]:
    """Officer id -> reason, for the officers rated excellent. Officers with
    0 points or marked ineligible never are; the places go to the best
    eligible ones; a tie on the last place follows the policy's tie rule."""
    eligible = [(o, t) for o, t in ordered if o.eligible and t > 0]
    if places <= 0 or not eligible:
        return {}
    if len(eligible) <= places:
        return {o.id: "within the places" for o, _ in eligible}
    boundary = eligible[places - 1][1]
    above = [o for o, t in eligible if t > boundary]
    tied = [o for o, t in eligible if t == boundary]
    chosen = {o.id: "within the places" for o in above}
    if len(above) + len(tied) <= places or rules.tie == "include":
        reason = (
            "within the places"
            if len(above) + len(tied) <= places
            else "tied for the last place (ties included)"
        )
        chosen.update({o.id: reason for o in tied})
    return chosen


def rank_pool(
    pool: str, officers: Iterable[OfficerFact], scores: Mapping[int, OfficerScore], rules: Rules
) -> PoolResult:
    """Every officer of the pool, total descending (ties by officer id for a
    stable order), with competition ranks and excellence marks."""
    members = list(officers)
    totals = {o.id: scores[o.id].total for o in members}
    # sort on exact integers: every total over the lcm of the denominators
    scale = math.lcm(1, *{t.denominator for t in totals.values()})
    keys = {i: -(t.numerator * (scale // t.denominator)) for i, t in totals.items()}
    ordered = [(o, totals[o.id]) for o in sorted(members, key=lambda o: (keys[o.id], o.id))]
    places = excellence_places(len(members), rules)
    excellent = _excellent(ordered, places, rules)
    ranks = _competition_ranks([t for _, t in ordered])
    rows = []
    for (officer, total), rank in zip(ordered, ranks, strict=True):
        if officer.id in excellent:
            reason = excellent[officer.id]
        elif total == 0:
            reason = "no points"
        elif not officer.eligible:
            reason = officer.ineligible_reason or "not eligible"
        else:
            reason = "outside the places"
        rows.append(
            RankedRow(
                officer=officer.id,
                rank=rank,
                total=total,
                bonus=scores[officer.id].bonus,
                excellent=officer.id in excellent,
                reason=reason,
                counts=scores[officer.id].counts,
                eligible=officer.eligible,
            )
        )
    return PoolResult(pool=pool, size=len(members), places=places, rows=tuple(rows))


def rank_pools(
    officers: Iterable[OfficerFact], scores: Mapping[int, OfficerScore], rules: Rules
) -> list[PoolResult]:
    """One result per pool, pools in name order (``city`` first)."""
    pools: dict[str, list[OfficerFact]] = defaultdict(list)
    for officer in officers:
        pools[officer.pool].append(officer)
    order = sorted(pools, key=lambda name: (name != "city", name != "all", name))
    return [rank_pool(name, pools[name], scores, rules) for name in order]


def award_candidates(
    pools: Iterable[PoolResult], eligible: Mapping[int, bool], top: int = 10
) -> tuple[list[int], list[int]]:
    """Across all pools: the gold-medal candidate and the next ``top``
    candidates, by total (ties by officer id), eligible officers with points."""
    rows = [
        row
        for pool in pools
        for row in pool.rows
        if row.total > 0 and eligible.get(row.officer, True)
    ]
    rows.sort(key=lambda r: (-r.total, r.officer))
    ids = [r.officer for r in rows]
    return ids[:1], ids[1 : 1 + top]
