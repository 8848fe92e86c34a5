"""The quota engine (SPEC.md §7): pure, like the points engine.

Entries count in full for every officer they credit; submitted and verified
entries count, verified ones are shown beside. Monthly quotas apply to months
wholly inside the officer's term; quarterly and yearly quotas are pro-rated
by the months served, and a month's report shows the progress to date
against the pro-rated expectation to date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
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


#: counts of entries from a period's start to the report month's end:
#: (subject, kind, basis, period start) → (counted, verified), where the
#: subject is an officer id (officer rows) or a district code (district rows)
#: and the basis "valid" or "logged"; a missing key counts (0, 0)
QuotaCounts = Mapping[tuple[int | str, str, str, dt.date], tuple[int, int]]
Counter = Callable[[int | str, Quota, dt.date], tuple[int, int]]


def basis_of(quota: Quota) -> str:
    """The counting basis: "valid" (only entries marked valid) or "logged"."""
    return "valid" if quota.basis == "valid" else "logged"


def period_starts(month: str, quotas: Iterable[Quota]) -> list[dt.date]:
    """The distinct starts of the quotas' periods containing the month
    (each period is counted from its start to the month's end)."""
    month_start = month_bounds(month)[0]
    return sorted({_period(q.period, month_start)[0] for q in quotas})


def _entry_counter(
    entries: Iterable[QuotaEntry], subject: Callable[[QuotaEntry], int | str | None], month: str
) -> Counter:
    """A :data:`Counter` over the entries themselves: each grouped under
    ``subject(entry)`` (left out when None), counted from a period's start
    to the month's end."""
    month_end = month_bounds(month)[1]
    grouped: dict[int | str, list[QuotaEntry]] = {}
    for entry in entries:
        key = subject(entry)
        if key is not None:
            grouped.setdefault(key, []).append(entry)

    def count(key: int | str, quota: Quota, start: dt.date) -> tuple[int, int]:
        return _counts(grouped.get(key, []), quota, start, month_end)

    return count


def _from_counts(counts: QuotaCounts) -> Counter:
    def count(subject: int | str, quota: Quota, start: dt.date) -> tuple[int, int]:
        return counts.get((subject, quota.kind, basis_of(quota), start), (0, 0))

    return count


def officer_rows(
    month: str,
    quotas: Iterable[Quota],
    officers: Iterable[QuotaOfficer],
    entries: Iterable[QuotaEntry],
) -> list[QuotaRow]:
    """One row per officer and quota of their category for the month."""
    count = _entry_counter(entries, lambda e: e.officer, month)
    return list(_officer_rows(month, quotas, officers, count))


def officer_rows_counted(
    month: str, quotas: Iterable[Quota], officers: Iterable[QuotaOfficer], counts: QuotaCounts
) -> Iterator[QuotaRow]:
    """:func:`officer_rows` from counts made beforehand (by the database):
    ``counts`` keyed by officer id; one row at a time, officer by officer as
    ``officers`` come (a report of any size in constant memory)."""
    return _officer_rows(month, quotas, officers, _from_counts(counts))


def _officer_rows(
    month: str, quotas: Iterable[Quota], officers: Iterable[QuotaOfficer], count: Counter
) -> Iterator[QuotaRow]:
    month_start, month_end = month_bounds(month)
    quotas = list(quotas)
    periods = {q.period: _period(q.period, month_start) for q in quotas}
    # what a term pattern requires depends on the terms only: worked out
    # once per distinct pattern (most officers share their terms)
    plans: dict[tuple, list[tuple[Quota, dt.date, dt.date, Fraction, int]] | None] = {}
    for officer in officers:
        terms = (officer.category, officer.term_start, officer.term_end, officer.earlier_terms)
        if terms not in plans:
            plans[terms] = _plan(officer, quotas, periods, month_start, month_end)
        for quota, start, end, required, least in plans[terms] or ():
            counted, verified = count(officer.id, quota, start)
            yield QuotaRow(
                subject=f"officer:{officer.id}",
                officer=officer.id,
                district=officer.district,
                quota=quota.code,
                period_start=start,
                period_end=end,
                required=required,
                counted=counted,
                verified=verified,
                met=counted >= least,
            )


def _plan(
    officer: QuotaOfficer,
    quotas: list[Quota],
    periods: dict[str, tuple[dt.date, dt.date]],
    month_start: dt.date,
    month_end: dt.date,
) -> list[tuple[Quota, dt.date, dt.date, Fraction, int]] | None:
    """The officer's quotas for the month with their periods and what each
    requires to date; None when the officer did not serve in the month."""
    if not officer.serves(month_start, month_end):
        return None
    plan = []
    for quota in quotas:
        if quota.scope != "officer" or quota.category != officer.category:
            continue
        start, end = periods[quota.period]
        if quota.period == "month":
            if not officer.serves_whole(month_start, month_end):
                continue  # monthly quotas: months wholly inside a term
            required = Fraction(quota.count)
        else:  # to date, pro-rated by months served
            served = _served(officer, start, month_end)
            required = Fraction(quota.count * served, PERIOD_MONTHS[quota.period])
        # counts are whole: counted >= required is counted >= its ceiling
        plan.append((quota, start, end, required, math.ceil(required)))
    return plan


def district_rows(
    month: str,
    quotas: Iterable[Quota],
    officers: Iterable[QuotaOfficer],
    entries: Iterable[QuotaEntry],
) -> list[QuotaRow]:
    """One row per district and district quota: entries crediting any of the
    district's officers, each entry once; required to date pro-rated by the
    months of the period elapsed."""
    officers = list(officers)
    district_of = {o.id: o.district for o in officers if o.district}
    count = _entry_counter(entries, lambda e: district_of.get(e.officer), month)
    return _district_rows(month, quotas, officers, count)


def district_rows_counted(
    month: str, quotas: Iterable[Quota], officers: Iterable[QuotaOfficer], counts: QuotaCounts
) -> list[QuotaRow]:
    """:func:`district_rows` from counts made beforehand (by the database):
    ``counts`` keyed by district code, each entry counted once per district
    (among entries crediting the district's officers in ``officers``)."""
    return _district_rows(month, quotas, officers, _from_counts(counts))


def _district_rows(
    month: str, quotas: Iterable[Quota], officers: Iterable[QuotaOfficer], count: Counter
) -> list[QuotaRow]:
    month_start, month_end = month_bounds(month)
    codes = sorted({o.district for o in officers if o.district})
    rows = []
    for quota in quotas:
        if quota.scope != "district":
            continue
        start, end = _period(quota.period, month_start)
        elapsed = len(_months(start, month_end))
        required = Fraction(quota.count * elapsed, PERIOD_MONTHS[quota.period])
        for code in codes:
            counted, verified = count(code, quota, start)
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
