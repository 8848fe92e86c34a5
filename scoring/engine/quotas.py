"""The quota engine (SPEC.md §7): pure, like the points engine.

Entries count in full for every officer they credit; submitted and verified
entries count, verified ones are shown beside. Monthly quotas apply to months
wholly inside the officer's term; quarterly and yearly quotas are pro-rated
by the months served, and a month's report shows the progress to date
against the pro-rated expectation to date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Quota:
    scope: str  # officer or district
    category: str | None
    kind: str
    count: int
    period: str  # month, quarter, year
    basis: str = "logged"  # logged, or valid (demands marked valid)

    @property
    def code(self) -> str:
        return f"{self.kind}/{self.period}" + ("/valid" if self.basis == "valid" else "")

    @classmethod
    def from_policy(cls, quotas: Iterable[Mapping]) -> list[Quota]:
        return [
            cls(
                scope=q["scope"],
                category=q.get("category"),
                kind=q["kind"],
                count=int(q["count"]),
                period=q["period"],
                basis=q.get("basis", "logged"),
            )
            for q in quotas
        ]


@dataclass(frozen=True)
class QuotaOfficer:
    """An appointment: its current term and, when it was renewed, the
    earlier terms (oldest first). Months of service count across them all."""

    id: int
    category: str
    district: str | None
    term_start: dt.date
    term_end: dt.date
    earlier_terms: tuple[tuple[dt.date, dt.date], ...] = ()

    @cached_property  # asked per month and quota: joined once per officer
    def terms(self) -> list[tuple[dt.date, dt.date]]:
        """The terms with consecutive ones (no day between) joined."""
        joined: list[tuple[dt.date, dt.date]] = []
        for start, end in sorted([*self.earlier_terms, (self.term_start, self.term_end)]):
            if joined and start <= joined[-1][1] + dt.timedelta(days=1):
                joined[-1] = (joined[-1][0], max(joined[-1][1], end))
            else:
                joined.append((start, end))
        return joined

    def serves(self, start: dt.date, end: dt.date) -> bool:
        """Whether a term overlaps [start, end]."""
        return any(s <= end and e >= start for s, e in self.terms)

    def serves_whole(self, start: dt.date, end: dt.date) -> bool:
        """Whether [start, end] lies wholly inside a term (consecutive terms
        joined)."""
        return any(s <= start and e >= end for s, e in self.terms)


@dataclass(frozen=True)
class QuotaEntry:
    """One entry as one credited officer sees it."""

    officer: int
    entry: int
    kind: str
    occurred_on: dt.date
    verified: bool
    valid: bool = True


@dataclass(frozen=True)
class QuotaRow:
    subject: str  # "officer:ID" or "district:CODE"
    officer: int | None
    district: str | None
    quota: str
    period_start: dt.date
    period_end: dt.date
    required: Fraction
    counted: int
    verified: int
    met: bool


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """``"2026-03"`` → (2026-03-01, 2026-03-31)."""
    year, number = (int(p) for p in month.split("-"))
    start = dt.date(year, number, 1)
    end = dt.date(year + (number == 12), number % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months, year, number = [], start.year, start.month
    while (year, number) <= (end.year, end.month):
        months.append((year, number))
        year, number = (year + (number == 12), number % 12 + 1)
    return months


def _served(officer: QuotaOfficer, start: dt.date, end: dt.date) -> int:
    """Months of [start, end] in which the officer held the appointment."""
    return sum(1 for y, m in _months(start, end) if officer.serves(*month_bounds(f"{y}-{m:02d}")))


def _period(period: str, month_start: dt.date) -> tuple[dt.date, dt.date]:
    """The period of a quota that contains the month (quarter or year)."""
    if period == "month":
        return month_bounds(f"{month_start.year}-{month_start.month:02d}")
    if period == "quarter":
        first = 3 * ((month_start.month - 1) // 3) + 1
        return dt.date(month_start.year, first, 1), month_bounds(
            f"{month_start.year}-{first + 2:02d}"
        )[1]
    return dt.date(month_start.year, 1, 1), dt.date(month_start.year, 12, 31)


def _counts(
    entries: Iterable[QuotaEntry], quota: Quota, start: dt.date, end: dt.date
) -> tuple[int, int]:
    chosen = {
        e.entry: e
        for e in entries
        if e.kind == quota.kind
        and start <= e.occurred_on <= end
        and (quota.basis != "valid" or e.valid)
    }
    return len(chosen), sum(1 for e in chosen.values() if e.verified)


def officer_rows(
    month: str,
    quotas: Iterable[Quota],
    officers: Iterable[QuotaOfficer],
    entries: Iterable[QuotaEntry],
) -> list[QuotaRow]:
    """One row per officer and quota of their category for the month."""
    month_start, month_end = month_bounds(month)
    by_officer: dict[int, list[QuotaEntry]] = {}
    for entry in entries:
        by_officer.setdefault(entry.officer, []).append(entry)
    rows = []
    for officer in officers:
        if not officer.serves(month_start, month_end):
            continue
        mine = by_officer.get(officer.id, [])
        for quota in quotas:
            if quota.scope != "officer" or quota.category != officer.category:
                continue
            start, end = _period(quota.period, month_start)
            if quota.period == "month":
                if not officer.serves_whole(month_start, month_end):
                    continue  # monthly quotas: months wholly inside a term
                required = Fraction(quota.count)
            else:  # to date, pro-rated by months served
                served = _served(officer, start, month_end)
                required = Fraction(quota.count * served, PERIOD_MONTHS[quota.period])
            counted, verified = _counts(mine, quota, start, month_end)
            rows.append(
                QuotaRow(
                    subject=f"officer:{officer.id}",
                    officer=officer.id,
                    district=officer.district,
                    quota=quota.code,
                    period_start=start,
                    period_end=end,
                    required=required,
                    counted=counted,
                    verified=verified,
                    met=counted >= required,
                )
            )
    return rows


def district_rows(
    month: str,
    quotas: Iterable[Quota],
    officers: Iterable[QuotaOfficer],
    entries: Iterable[QuotaEntry],
) -> list[QuotaRow]:
    """One row per district and district quota: entries crediting any of the
    district's officers, each entry once; required to date pro-rated by the
    months of the period elapsed."""
    month_start, month_end = month_bounds(month)
    district_of = {o.id: o.district for o in officers if o.district}
    per_district: dict[str, list[QuotaEntry]] = {}
    for entry in entries:
        code = district_of.get(entry.officer)
        if code:
            per_district.setdefault(code, []).append(entry)
    rows = []
    for quota in quotas:
        if quota.scope != "district":
            continue
        start, end = _period(quota.period, month_start)
        elapsed = len(_months(start, month_end))
        required = Fraction(quota.count * elapsed, PERIOD_MONTHS[quota.period])
        for code in sorted(set(district_of.values())):
            counted, verified = _counts(per_district.get(code, []), quota, start, month_end)
            rows.append(
                QuotaRow(
                    subject=f"district:{code}",
                    officer=None,
                    district=code,
                    quota=quota.code,
                    period_start=start,
                    period_end=end,
                    required=required,
                    counted=counted,
                    verified=verified,
                    met=counted >= required,
                )
            )
    return rows
