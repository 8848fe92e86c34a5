"""The plans and reports jobs (issue 13): reminders the day before a report
falls due, notices the day after it fell due unhanded; once each."""

from __future__ import annotations

import pytest

from accounts.models import JobRun, Membership, Notification
from duties import services
from duties.tasks import notify_reports_late, remind_reports_due


def notes(w):
    return sorted(
        Notification.objects.filter(tenant=w.tenant).values_list("user__username", "key", "title")
    )


def test_reminder_the_day_before(world) -> None:
    # Monday 9 March: the monthly plans are due on the 10th; only 张三 has a login
    assert remind_reports_due("2026-03-09") == {"alpha": 1}
    officer = world.officers["mine"].id
    assert notes(world) == [
        (
            "alpha-officer",
            f"report-due:{officer}:monthly_plan:2026-03",
            "您的月度工作计划（2026-03）明天（2026-03-10）到期",
        )
    ]
    assert remind_reports_due("2026-03-09") == {"alpha": 0}  # a rerun sends nothing new
    assert len(notes(world)) == 1
    assert list(
        JobRun.objects.filter(tenant=world.tenant, name="report-reminders")
        .order_by("id")
        .values_list("outcome", "detail")
    ) == [("ok", {"reminded": 1}), ("ok", {"reminded": 0})]


def test_no_reminder_once_handed_in(world) -> None:
    membership = Membership.objects.get(tenant=world.tenant, user=world.users["officer"])
    report = services.report_create(
        tenant=world.tenant,
        membership=membership,
        officer=world.officers["mine"],
        kind="monthly_plan",
        period="2026-03",
        body="计划",
    )
    services.report_submit(tenant=world.tenant, membership=membership, report=report)
    assert remind_reports_due("2026-03-09") == {"alpha": 0}
    assert notes(world) == []


def test_late_notices_to_officer_and_district_manager(world) -> None:
    # Wednesday 11 March: the monthly plans due on the 10th are late
    assert notify_reports_late("2026-03-11") == {"alpha": 3}
    mine, d1 = world.officers["mine"].id, world.officers["d1"].id
    assert notes(world) == [
        (
            "alpha-manager",
            f"report-late:{mine}:monthly_plan:2026-03",
            "张三的月度工作计划（2026-03）已逾期",
        ),
        (
            "alpha-manager",
            f"report-late:{d1}:monthly_plan:2026-03",
            "李四的月度工作计划（2026-03）已逾期",
        ),
        (
            "alpha-officer",
            f"report-late:{mine}:monthly_plan:2026-03",
            "您的月度工作计划（2026-03）已逾期",
        ),
    ]
    assert notify_reports_late("2026-03-11") == {"alpha": 0}
    assert len(notes(world)) == 3


def test_late_city_officer_tells_the_centre(world) -> None:
    # Tuesday 10 March: the city officer's weekly plan of Monday is late
    assert notify_reports_late("2026-03-10") == {"alpha": 1}
    city = world.officers["city"].id
    assert notes(world) == [
        (
            "alpha-admin",
            f"report-late:{city}:weekly_plan:2026-W11",
            "赵六的周工作安排（2026-W11）已逾期",
        )
    ]


@pytest.mark.parametrize("day", ["2026-03-12", "2026-03-08"])
def test_nothing_on_other_days(world, day) -> None:
    assert notify_reports_late(day) == {"alpha": 0}
    assert remind_reports_due("2026-03-11") == {"alpha": 0}
    assert notes(world) == []
