"""Points per officer (SPEC.md §6 rules 1–4 and 8)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction

from .model import CreditGroup, EntryFact, Line, OfficerFact, OfficerScore, Rules, ShareFact


def group_sizes(officers: Iterable[int], groups: Mapping[int, str]) -> dict[int, int]:
    """For each credited officer in ``groups``: how many credited officers of
    their scoring group share the entry (duplicates counted once). Officers
    not in ``groups`` are left out: they take no part in the split."""
    credited = [o for o in dict.fromkeys(officers) if o in groups]
    sizes = Counter(groups[o] for o in credited)
    return {o: sizes[groups[o]] for o in credited}


def split_entry(entry: EntryFact, groups: Mapping[int, str], points: int) -> dict[int, Fraction]:
    """The collaborative split: each scoring group with at least one credited
    officer receives the entry's full points, shared equally among that
    group's credited officers. Officers not in ``groups`` get nothing."""
    return {o: Fraction(points, n) for o, n in group_sizes(entry.officers, groups).items()}


def _share_reason(kind: str, points: int, group_size: int) -> str:
    if group_size == 1:
        return f"{kind}: {points}"
    return f"{kind}: {points} shared by {group_size} officers of the group"


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
        sizes = group_sizes(entry.officers, groups)
        for officer, size in sizes.items():
            lines[officer].append(
                Line(
                    entry=entry.id,
                    kind=entry.kind,
                    occurred_on=entry.occurred_on,
                    credited=tuple(dict.fromkeys(entry.officers)),
                    share=Fraction(points, size),
                    reason=_share_reason(entry.kind, points, sizes[officer]),
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


def _bonus(subtotal: Fraction, counts: Mapping[str, int], rules: Rules) -> tuple[int, str]:
    """+amount once a year when the year total exceeds the threshold (and,
    if the policy says so, the officer has a credited conversion)."""
    if not rules.has_bonus or subtotal <= rules.bonus_threshold:
        return 0, ""
    if rules.bonus_requires_conversion and counts.get("conversion", 0) == 0:
        return 0, f"total above {rules.bonus_threshold} but no credited conversion"
    return rules.bonus_amount, f"total above {rules.bonus_threshold}" + (
        " with a credited conversion" if rules.bonus_requires_conversion else ""
    )


def score_from_groups(
    groups: Iterable[CreditGroup], officers: Iterable[OfficerFact], rules: Rules
) -> dict[int, OfficerScore]:
    """The same totals as :func:`score_officers`, from shares counted per
    (officer, kind, points, group size): each row adds
    ``count × points / group_size`` exactly. The sums are kept as integers
    over the least common multiple of the group sizes, so one ``Fraction``
    is made per officer. Statements (lines) need the shares one by one;
    rankings do not."""
    officers = list(officers)
    groups = list(groups)
    scale = math.lcm(1, *{size for _o, _k, _p, size, _c in groups})
    numerators: dict[int, int] = dict.fromkeys((o.id for o in officers), 0)
    counts: dict[int, dict[str, int]] = {o.id: {} for o in officers}
    for officer, kind, points, size, count in groups:
        if officer not in numerators:
            continue
        numerators[officer] += points * count * (scale // size)
        tally = counts[officer]
        tally[kind] = tally.get(kind, 0) + count
    threshold = rules.bonus_threshold * scale
    result = {}
    for officer in officers:
        numerator = numerators[officer.id]
        subtotal = Fraction(numerator, scale)
        bonus, why = (
            (0, "") if numerator <= threshold else _bonus(subtotal, counts[officer.id], rules)
        )
        result[officer.id] = OfficerScore(
            officer=officer.id,
            lines=(),
            subtotal=subtotal,
            bonus=bonus,
            bonus_reason=why,
            counts=counts[officer.id],
        )
    return result


def score_from_shares(officer: int, shares: Iterable[ShareFact], rules: Rules) -> OfficerScore:
    """One officer's statement from their stored shares: a line per share
    (date order), the subtotal, the bonus and the counts per kind."""
    lines, counts = [], Counter()
    for share in sorted(shares, key=lambda s: (s.occurred_on, s.entry)):
        lines.append(
            Line(
                entry=share.entry,
                kind=share.kind,
                occurred_on=share.occurred_on,
                credited=share.credited or (share.officer,),
                share=Fraction(share.points, share.group_size),
                reason=_share_reason(share.kind, share.points, share.group_size),
            )
        )
        counts[share.kind] += 1
    subtotal = sum((line.share for line in lines), Fraction(0))
    bonus, why = _bonus(subtotal, counts, rules)
    return OfficerScore(
        officer=officer,
        lines=tuple(lines),
        subtotal=subtotal,
        bonus=bonus,
        bonus_reason=why,
        counts=dict(counts),
    )
