"""Points per officer (SPEC.md §6 rules 1–4 and 8)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from fractions import Fraction

from .model import CreditGroup, EntryFact, Line, OfficerFact, OfficerScore, Rules


def split_entry(entry: EntryFact, groups: Mapping[int, str], points: int) -> dict[int, Fraction]:
    """The collaborative split: each scoring group with at least one credited
    officer receives the entry's full points, shared equally among that
    group's credited officers. Officers not in ``groups`` get nothing."""
    members: dict[str, list[int]] = defaultdict(list)
    for officer in dict.fromkeys(entry.officers):  # de-duplicated, order kept
        if officer in groups:
            members[groups[officer]].append(officer)
    shares: dict[int, Fraction] = {}
    for officers in members.values():
        share = Fraction(points, len(officers))
        for officer in officers:
            shares[officer] = share
    return shares


def _reason(entry: EntryFact, points: int, group_size: int) -> str:
    if group_size == 1:
        return f"{entry.kind}: {points}"
    return f"{entry.kind}: {points} shared by {group_size} officers of the group"


def score_officers(
    entries: Iterable[EntryFact], officers: Iterable[OfficerFact], rules: Rules
) -> dict[int, OfficerScore]:
    """Lines, subtotal, bonus and counts per kind for every officer given
    (officers with no entry get an empty statement)."""
    officers = list(officers)
    groups = {o.id: o.group for o in officers}
    lines: dict[int, list[Line]] = {o.id: [] for o in officers}
    counts: dict[int, Counter] = {o.id: Counter() for o in officers}
    for entry in sorted(entries, key=lambda e: (e.occurred_on, e.id)):
        points = int(rules.points.get(entry.kind, 0))
        shares = split_entry(entry, groups, points)
        group_sizes = Counter(groups[o] for o in shares)
        for officer, share in shares.items():
            lines[officer].append(
                Line(
                    entry=entry.id,
                    kind=entry.kind,
                    occurred_on=entry.occurred_on,
                    credited=tuple(dict.fromkeys(entry.officers)),
                    share=share,
                    reason=_reason(entry, points, group_sizes[groups[officer]]),
                )
            )
            counts[officer][entry.kind] += 1
    result = {}
    for officer in officers:
        subtotal = sum((line.share for line in lines[officer.id]), Fraction(0))
        bonus, why = _bonus(subtotal, counts[officer.id], rules)
        result[officer.id] = OfficerScore(
            officer=officer.id,
            lines=tuple(lines[officer.id]),
            subtotal=subtotal,
            bonus=bonus,
            bonus_reason=why,
            counts=dict(counts[officer.id]),
        )
    return result


def _bonus(subtotal: Fraction, counts: Counter, rules: Rules) -> tuple[int, str]:
    """+amount once a year when the year total exceeds the threshold (and,
    if the policy says so, the officer has a credited conversion)."""
    if subtotal <= rules.bonus_threshold:
        return 0, ""
    if rules.bonus_requires_conversion and counts["conversion"] == 0:
        return 0, f"total above {rules.bonus_threshold} but no credited conversion"
    return rules.bonus_amount, f"total above {rules.bonus_threshold}" + (
        " with a credited conversion" if rules.bonus_requires_conversion else ""
    )


def score_from_groups(
    groups: Iterable[CreditGroup], officers: Iterable[OfficerFact], rules: Rules
) -> dict[int, OfficerScore]:
    """The same totals as :func:`score_officers`, from credits aggregated per
    (officer, kind, group size): each row adds ``count × points / group_size``
    exactly. Statements (lines) need the per-entry facts; rankings do not."""
    officers = list(officers)
    subtotals: dict[int, Fraction] = {o.id: Fraction(0) for o in officers}
    counts: dict[int, Counter] = {o.id: Counter() for o in officers}
    for row in groups:
        if row.officer not in subtotals:
            continue
        points = int(rules.points.get(row.kind, 0))
        subtotals[row.officer] += Fraction(points * row.count, row.group_size)
        counts[row.officer][row.kind] += row.count
    result = {}
    for officer in officers:
        bonus, why = _bonus(subtotals[officer.id], counts[officer.id], rules)
        result[officer.id] = OfficerScore(
            officer=officer.id,
            lines=(),
            subtotal=subtotals[officer.id],
            bonus=bonus,
            bonus_reason=why,
            counts=dict(counts[officer.id]),
        )
    return result
