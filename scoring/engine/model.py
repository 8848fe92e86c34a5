"""Facts in, results out: the engine's frozen data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple


@dataclass(frozen=True)
class Rules:
    """The policy values the engine needs."""

    points: Mapping[str, int]
    bonus_threshold: int = 1000
    bonus_amount: int = 100
    bonus_requires_conversion: bool = True
    ratio: Fraction = Fraction(3, 10)
    rounding: str = "floor"  # or "round" (half up)
    tie: str = "include"  # or "exclude"
    has_bonus: bool = True  # False: the policy has no bonus rule (``bonus`` null)
    has_excellence: bool = True  # False: nobody is excellent by points (``excellence`` null)

    @property
    def has_points(self) -> bool:
        """Does the programme score entries at all (``points`` not ``{}``)?"""
        return any(int(v) for v in self.points.values())

    @classmethod
    def from_policy(cls, rules: Mapping) -> Rules:
        """From a policy's rules dict (``accounts.presets`` schema); ``bonus``
        and ``excellence`` may be ``None`` (no bonus, nobody excellent) and
        ``points`` ``{}`` (every entry worth 0)."""
        bonus, excellence = rules.get("bonus"), rules.get("excellence")
        values = {"points": dict(rules.get("points") or {})}
        if bonus is None:
            values.update(has_bonus=False, bonus_threshold=0, bonus_amount=0)
        else:
            values.update(
                bonus_threshold=int(bonus["threshold"]),
                bonus_amount=int(bonus["amount"]),
                bonus_requires_conversion=bool(bonus["requires_conversion"]),
            )
        if excellence is None:
            values.update(has_excellence=False, ratio=Fraction(0))
        else:
            values.update(
                ratio=Fraction(str(excellence["ratio"])),
                rounding=excellence["rounding"],
                tie=excellence["tie"],
            )
        return cls(**values)


@dataclass(frozen=True)
class OfficerFact:
    """An officer who held an appointment in the year."""

    id: int
    pool: str
    group: str
    eligible: bool = True  # False: disqualified in the year or a discipline violation
    ineligible_reason: str = ""


@dataclass(frozen=True)
class EntryFact:
    """A verified entry of the year and the officers it credits."""

    id: int
    kind: str
    occurred_on: dt.date
    officers: tuple[int, ...]


@dataclass(frozen=True)
class Line:
    """One line of an officer's statement."""

    entry: int
    kind: str
    occurred_on: dt.date
    credited: tuple[int, ...]
    share: Fraction
    reason: str


@dataclass(frozen=True)
class OfficerScore:
    officer: int
    lines: tuple[Line, ...]
    subtotal: Fraction
    bonus: int
    bonus_reason: str
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> Fraction:
        return self.subtotal + self.bonus


@dataclass(frozen=True)
class RankedRow:
    officer: int
    rank: int
    total: Fraction
    bonus: int
    excellent: bool
    reason: str
    counts: Mapping[str, int]
    eligible: bool = True


@dataclass(frozen=True)
class PoolResult:
    pool: str
    size: int
    places: int
    rows: tuple[RankedRow, ...]


class CreditGroup(NamedTuple):
    """Aggregated shares: ``count`` verified entries of ``kind``, worth
    ``points`` each, credit ``officer`` together with ``group_size - 1``
    others of the officer's scoring group. Counted in the database, scored
    exactly here."""

    officer: int
    kind: str
    points: int
    group_size: int
    count: int


@dataclass(frozen=True)
class ShareFact:
    """A stored share: ``officer``'s part of a verified entry, ``points``
    shared by ``group_size`` officers of the officer's scoring group."""

    entry: int
    kind: str
    occurred_on: dt.date
    officer: int
    points: int
    group_size: int
    credited: tuple[int, ...] = ()
