"""Due days of plans and reports (duties.schedule): pure date arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duties.schedule import due_on, period_bounds, period_of, periods_due

D = dt.date


@pytest.mark.parametrize(
    ("kind", "period", "bounds"),
    [
        ("weekly_plan", "2026-W01", (D(2025, 12, 29), D(2026, 1, 4))),
        ("weekly_plan", "2026-W53", (D(2026, 12, 28), D(2027, 1, 3))),
        ("monthly_plan", "2026-02", (D(2026, 2, 1), D(2026, 2, 28))),
        ("monthly_plan", "2024-02", (D(2024, 2, 1), D(2024, 2, 29))),
        ("monthly_plan", "2026-12", (D(2026, 12, 1), D(2026, 12, 31))),
        ("quarterly_report", "2026-Q1", (D(2026, 1, 1), D(2026, 3, 31))),
        ("quarterly_report", "2026-Q4", (D(2026, 10, 1), D(2026, 12, 31))),
        ("annual_summary", "2026", (D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_period_bounds(kind, period, bounds):
    assert period_bounds(kind, period) == bounds


@pytest.mark.parametrize(
    ("kind", "period"),
    [
        ("weekly_plan", "2025-W53"),  # 2025 has 52 ISO weeks
        ("weekly_plan", "2026-W00"),
        ("weekly_plan", "2026-03"),
        ("monthly_plan", "2026-13"),
        ("monthly_plan", "2026-00"),
        ("monthly_plan", "2026-3"),
        ("quarterly_report", "2026-Q5"),
        ("annual_summary", "26"),
        ("annual_summary", "1899"),
        ("unknown", "2026"),
    ],
)
def test_bad_periods_are_refused(kind, period):
    with pytest.raises(ValueError):
        period_bounds(kind, period)


@pytest.mark.parametrize(
    ("kind", "period", "offset", "due"),
    [
        ("weekly_plan", "2026-W05", 0, D(2026, 1, 26)),  # Wuhan: each Monday
        ("monthly_plan", "2026-03", 9, D(2026, 3, 10)),  # before the 10th
        ("quarterly_report", "2026-Q1", 10, D(2026, 4, 11)),  # ten days after
        ("quarterly_report", "2026-Q4", 0, D(2027, 1, 1)),
        ("annual_summary", "2026", 15, D(2027, 1, 16)),
    ],
)
def test_due_on(kind, period, offset, due):
    assert due_on(kind, period, offset) == due


def test_quarterly_reports_due_in_a_year_within_the_term():
    due = list(
        periods_due(
            "quarterly_report",
            10,
            since=D(2026, 1, 1),
            until=D(2026, 11, 30),
            active=(D(2026, 2, 1), D(2027, 1, 31)),
        )
    )
    # 2025-Q4 (due 11 January) lies before the term
    assert due == [
        ("2026-Q1", D(2026, 4, 11)),
        ("2026-Q2", D(2026, 7, 11)),
        ("2026-Q3", D(2026, 10, 11)),
    ]


def test_weekly_plans_of_january():
    due = list(
        periods_due(
            "weekly_plan",
            0,
            since=D(2026, 1, 1),
            until=D(2026, 1, 31),
            active=(D(2025, 1, 1), D(2026, 12, 31)),
        )
    )
    assert due == [
        ("2026-W02", D(2026, 1, 5)),
        ("2026-W03", D(2026, 1, 12)),
        ("2026-W04", D(2026, 1, 19)),
        ("2026-W05", D(2026, 1, 26)),
    ]


KINDS = st.sampled_from(["weekly_plan", "monthly_plan", "quarterly_report", "annual_summary"])
DAYS = st.dates(min_value=D(2001, 1, 1), max_value=D(2099, 12, 31))


@given(kind=KINDS, day=DAYS)
def test_the_period_of_a_day_holds_it(kind, day):
    start, end = period_bounds(kind, period_of(kind, day))
    assert start <= day <= end


@given(kind=KINDS, since=DAYS, length=st.integers(0, 400), offset=st.integers(0, 90))
def test_periods_due_are_exactly_those_due_in_the_window(kind, since, length, offset):
    until = since + dt.timedelta(days=length)
    got = list(
        periods_due(kind, offset, since=since, until=until, active=(D(2000, 1, 1), D(2100, 12, 31)))
    )
    assert all(since <= due <= until for _, due in got)
    assert [due for _, due in got] == sorted({due for _, due in got})
    # every day of the window that is some period's due day is listed
    day = since
    periods = {p for p, _ in got}
    while day <= until:
        period = period_of(kind, day)
        for candidate in {period, period_of(kind, day - dt.timedelta(days=offset + 1))}:
            if due_on(kind, candidate, offset) == day:
                assert candidate in periods
        day += dt.timedelta(days=max(1, length // 20))
