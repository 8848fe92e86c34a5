"""The daily reminder of agreements ending soon (issue 13): the officer,
the admins and the officer's district managers, once per agreement."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from accounts.models import JobRun, Membership, Notification
from duties import services
from duties.models import Agreement
from duties.tasks import remind_agreements_ending
from roster import services as roster
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
TERM = (dt.date(2025, 1, 1), dt.date(2027, 12, 31))


@pytest.fixture
def yq(db):
    """Yangquan (agreements: 12 months, reminded 30 days ahead): an officer
    with a login in d1 and one in d2, and their agreements."""
    w = build_world("yqj", preset="yangquan")
    admin = Membership.objects.get(user=w.users["admin"])
    for key, district, login in (("mine", "d1", "yqj-officer"), ("d2", "d2", None)):
        w.officers[key] = roster.officer_create(
            tenant=w.tenant,
            full_name={"mine": "张三", "d2": "王五"}[key],
            category="commissioner",
            district=w.districts[district],
            term_start=TERM[0],
            term_end=TERM[1],
            username=login,
            password=PASSWORD if login else None,
        )
    w.users["officer"] = w.officers["mine"].user

    def agreement(key, start, end):
        return services.agreement_create(
            tenant=w.tenant,
            membership=admin,
            officer=w.officers[key],
            host_unit=w.units["u1" if key == "mine" else "u2"],
            start=start,
            end=end,
        )

    with time_machine.travel(dt.datetime(2026, 6, 15, 10), tick=False):
        w.ending = agreement("mine", dt.date(2025, 7, 6), dt.date(2026, 7, 5))  # in 20 days
        w.d2_ending = agreement("d2", dt.date(2025, 7, 15), dt.date(2026, 7, 14))  # in 29 days
        agreement("d2", dt.date(2026, 7, 16), dt.date(2027, 7, 25))  # in 40 days
        renewed = agreement("mine", dt.date(2024, 1, 1) + dt.timedelta(days=400), TODAY)
        agreement("mine", dt.date(2025, 1, 1), dt.date(2025, 12, 31))  # ended
    services.agreement_renew(
        tenant=w.tenant, membership=admin, agreement=renewed, end=dt.date(2026, 12, 31)
    )
    return w


def _notes():
    return sorted(
        Notification.objects.filter(key__startswith="agreement-ending:").values_list(
            "user__username", "key"
        )
    )


def test_ending_agreements_remind_once(yq):
    result = remind_agreements_ending(today=TODAY.isoformat())
    assert result["yqj"] == 2
    mine, d2 = f"agreement-ending:{yq.ending.pk}", f"agreement-ending:{yq.d2_ending.pk}"
    assert _notes() == sorted(
        [
            ("yqj-admin", mine),
            ("yqj-admin", d2),
            ("yqj-manager", mine),  # the d1 manager: not for the d2 officer
            ("yqj-officer", mine),
        ]
    )
    note = Notification.objects.get(user__username="yqj-officer")
    assert note.title == "张三 与yqj大学的协议将于 2026-07-05 到期"
    assert note.link == "/t/yqj/agreements/?status=ending"
    assert set(
        Agreement.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True)
    ) == {yq.ending.pk, yq.d2_ending.pk}
    # the next day: nothing new
    assert remind_agreements_ending(today="2026-06-16")["yqj"] == 0
    assert len(_notes()) == 4
    runs = JobRun.objects.filter(tenant=yq.tenant, name="agreement-reminders")
    assert [(r.outcome, r.detail) for r in runs.order_by("id")] == [
        ("ok", {"reminded": 2}),
        ("ok", {"reminded": 0}),
    ]


def test_a_policy_without_agreements_reminds_nobody(world):
    admin = Membership.objects.get(user=world.users["admin"])
    with time_machine.travel(dt.datetime(2026, 6, 15, 10), tick=False):
        services.agreement_create(
            tenant=world.tenant,
            membership=admin,
            officer=world.officers["mine"],
            host_unit=world.units["u1"],
            start=dt.date(2025, 7, 1),
            end=dt.date(2026, 6, 20),
        )
    assert remind_agreements_ending(today=TODAY.isoformat())["alpha"] == 0
    assert _notes() == []


def test_the_job_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["agreement-reminders"]
    assert entry["task"] == "duties.tasks.remind_agreements_ending"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {30})
