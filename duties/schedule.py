"""When plans and reports fall due: pure date arithmetic, no Django.

A period names what a report covers: ``2026-W05`` (ISO week, weekly plan),
``2026-03`` (month, monthly plan), ``2026-Q1`` (quarter, quarterly report),
``2026`` (year, annual summary). A plan is due ``offset`` days after its
period starts (Wuhan's weekly plan: Monday + 0; the monthly plan before the
10th: the 1st + 9); a report or summary ``offset`` days after its period ends
(the day after the quarter or year + ``offset``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

PLANS = ("weekly_plan", "monthly_plan")
_PATTERNS = {
    "weekly_plan": re.compile(r"^(\d{4})-W(\d{2})$"),
    "monthly_plan": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarterly_report": re.compile(r"^(\d{4})-Q([1-4])$"),
    "annual_summary": re.compile(r"^(\d{4})$"),
}
#: The years a period may name, and a day asked about may fall in.
FIRST_YEAR, LAST_YEAR = 1900, 2199
#: How each kind's period is written, for messages.
PERIOD_FORMATS = {
    "weekly_plan": "2026-W05",
    "monthly_plan": "2026-03",
    "quarterly_report": "2026-Q1",
    "annual_summary": "2026",
}


def period_bounds(kind: str, period: str) -> tuple[date, date]:
    """The first and last day of ``period``; ``ValueError`` when it is not a
    period of ``kind``."""
    pattern = _PATTERNS.get(kind)
    match = pattern.match(period) if pattern else None
    if match is None:
        raise ValueError(period)
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(period)
    if kind == "weekly_plan":
        week = int(match.group(2))
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(period) from None
        return start, start + timedelta(days=6)
    if kind == "monthly_plan":
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(period)
        return date(year, month, 1), _month_end(year, month)
    if kind == "quarterly_report":
        quarter = int(match.group(2))
        first = 3 * quarter - 2
        return date(year, first, 1), _month_end(year, first + 2)
    return date(year, 1, 1), date(year, 12, 31)


def day_in_range(day: date) -> bool:
    """Can the duties' schedule answer for ``day`` (its year and the next's
    periods fall between :data:`FIRST_YEAR` and :data:`LAST_YEAR`)?"""
    return FIRST_YEAR < day.year < LAST_YEAR


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def due_on(kind: str, period: str, offset: int) -> date:
    """The day ``period``'s plan or report is due."""
    start, end = period_bounds(kind, period)
    if kind in PLANS:
        return start + timedelta(days=offset)
    return end + timedelta(days=1 + offset)


def period_of(kind: str, day: date) -> str:
    """The period of ``kind`` holding ``day``."""
    if kind == "weekly_plan":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "monthly_plan":
        return f"{day.year}-{day.month:02d}"
    if kind == "quarterly_report":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _next(kind: str, period: str) -> str:
    _, end = period_bounds(kind, period)
    return period_of(kind, end + timedelta(days=1))


def periods_due(
    kind: str, offset: int, *, since: date, until: date, active: tuple[date, date]
) -> Iterator[tuple[str, date]]:
    """Every ``(period, due_on)`` of ``kind`` due from ``since`` to ``until``
    (both included) whose period overlaps ``active`` (an officer's term)."""
    term_start, term_end = active
    # the earliest period that could fall due on ``since``: a report's period
    # ends before it is due, a plan's starts before (or on) its due day
    period = period_of(kind, since - timedelta(days=offset + (0 if kind in PLANS else 400)))
    while True:
        due = due_on(kind, period, offset)
        if due > until:
            return
        start, end = period_bounds(kind, period)
        if due >= since and start <= term_end and end >= term_start:
            yield period, due
        period = _next(kind, period)
