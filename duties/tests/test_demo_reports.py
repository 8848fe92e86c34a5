"""The demo's plans and reports (issue 13), loaded on Wednesday 18 November
2026: exact rows, statuses, late flags and what the overdue list shows."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import Tenant
from duties.demo import FILLED_BODY
from duties.models import Report
from duties.selectors import overdue, reports_due
from roster.models import Officer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = dt.date(2026, 11, 18)


@pytest.fixture
def demo():
    with time_machine.travel(NOW, tick=False):
        call_command("demo")
        yield


def rows(slug):
    return sorted(
        Report.objects.filter(tenant__slug=slug)
        .exclude(body=FILLED_BODY)  # the others' plans, handed in on time
        .values_list("officer__user__username", "kind", "period", "status", "late", "due_on"),
        key=lambda r: (r[1], r[2], r[0] or "", r[3]),
    )


def test_wuhan_plans(demo) -> None:
    d = dt.date
    assert rows("wuhan-demo") == [
        (None, "monthly_plan", "2026-10", "accepted", False, d(2026, 10, 10)),
        (None, "monthly_plan", "2026-10", "returned", False, d(2026, 10, 10)),
        ("demo-officer", "monthly_plan", "2026-10", "accepted", False, d(2026, 10, 10)),
        (None, "monthly_plan", "2026-11", "accepted", False, d(2026, 11, 10)),
        ("demo-officer", "monthly_plan", "2026-11", "submitted", False, d(2026, 11, 10)),
        ("demo-city-officer", "weekly_plan", "2026-W42", "accepted", False, d(2026, 10, 12)),
        ("demo-city-officer", "weekly_plan", "2026-W43", "accepted", False, d(2026, 10, 19)),
        ("demo-city-officer", "weekly_plan", "2026-W44", "accepted", False, d(2026, 10, 26)),
        ("demo-city-officer", "weekly_plan", "2026-W45", "accepted", True, d(2026, 11, 2)),
        ("demo-city-officer", "weekly_plan", "2026-W47", "submitted", False, d(2026, 11, 16)),
    ]
    returned = Report.objects.get(tenant__slug="wuhan-demo", status="returned")
    assert returned.return_reason == "请补充拟走访企业名单和具体时间安排。"
    assert returned.reviewed_by.username == "demo-manager"
    late = Report.objects.get(tenant__slug="wuhan-demo", late=True)
    assert late.submitted_at == dt.datetime(2026, 11, 4, 1, 0, tzinfo=dt.UTC)


def test_wuhan_overdue_shows_the_missing_ones(demo) -> None:
    tenant = Tenant.objects.get(slug="wuhan-demo")
    city = Officer.objects.get(tenant=tenant, user__username="demo-city-officer")
    own = Officer.objects.get(tenant=tenant, user__username="demo-officer")
    late = overdue(reports_due(officers=[city, own], tenant=tenant, on=TODAY), TODAY)
    recent = [
        (r["kind"], r["period"], r["status"]) for r in late if r["due_on"] >= dt.date(2026, 10, 1)
    ]
    assert recent == [
        ("weekly_plan", "2026-W41", "missing"),
        ("weekly_plan", "2026-W46", "missing"),
    ]


def test_the_others_handed_theirs_in_but_every_seventh_latest_is_missing(demo) -> None:
    tenant = Tenant.objects.get(slug="wuhan-demo")
    story = set(
        Report.objects.for_tenant(tenant)
        .exclude(body=FILLED_BODY)
        .values_list("officer", flat=True)
    )
    others = Officer.objects.for_tenant(tenant).filter(status="active").exclude(id__in=story)
    late = overdue(reports_due(officers=others, tenant=tenant, on=TODAY), TODAY)
    assert {r["officer"] % 7 for r in late} == {0}
    assert len({r["officer"] for r in late}) == len(late)  # one each: the latest
    assert len(late) == len([o for o in others if o.id % 7 == 0])


def test_yangquan_quarterly_reports(demo) -> None:
    got = list(
        Report.objects.filter(tenant__slug="yangquan-demo")
        .exclude(body=FILLED_BODY)
        .values_list(
            "kind",
            "period",
            "status",
            "late",
            "due_on",
            "created_by__username",
            "reviewed_by__username",
        )
    )
    assert (
        got
        == [
            (
                "quarterly_report",
                "2026-Q3",
                "accepted",
                False,
                dt.date(2026, 10, 11),
                "demo-yq-manager",
                "demo-yq-admin",
            ),
        ]
        * 2
    )
    tenant = Tenant.objects.get(slug="yangquan-demo")
    officers = Officer.objects.for_tenant(tenant).filter(district__code="yuxian", status="active")
    missing = [
        r
        for r in overdue(reports_due(officers=officers, tenant=tenant, on=TODAY), TODAY)
        if r["period"] == "2026-Q3"
    ]
    assert officers.count() == 3
    assert [r["status"] for r in missing] == ["missing"]
