"""The duties' demo records (issue 13): exact counts on both demo tenants,
loaded on a fixed day through ``manage.py demo``."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import Tenant
from duties.models import Agreement, Attendance, ServiceDay, Training
from duties.selectors import agreements_ending, service_day_totals
from roster.models import Officer

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)


def test_demo_records_on_both_tenants():
    with time_machine.travel(dt.datetime(2026, 11, 30, 10), tick=False):
        call_command("demo")
    # Yangquan: nine commissioners' agreements, one of them renewed
    yq = Tenant.objects.get(slug="yangquan-demo")
    agreements = Agreement.objects.for_tenant(yq)
    assert agreements.count() == 10
    assert agreements.exclude(file="").count() == 9
    assert agreements.get(file="").filed_at is None
    renewal = agreements.get(renews__isnull=False)
    assert (renewal.start, renewal.end) == (dt.date(2026, 11, 21), dt.date(2027, 11, 20))
    assert renewal.renews.end == dt.date(2026, 11, 20)
    ending = list(agreements_ending(tenant=yq, on=TODAY, days=30))
    assert [a.end for a in ending] == [dt.date(2026, 12, 20)]
    for agreement in agreements.exclude(file=""):
        with agreement.file.open("rb") as f:
            assert f.read(5) == b"%PDF-"
    days = ServiceDay.objects.for_tenant(yq)
    assert days.count() == 6
    officers = sorted(set(days.values_list("officer_id", flat=True)))
    totals = service_day_totals(
        tenant=yq, officers=officers, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    assert sorted(totals.values()) == [10, 10, 15, 15]
    assert not Training.objects.for_tenant(yq).exists()
    # Wuhan: two trainings and eleven monthly meetings this year
    wh = Tenant.objects.get(slug="wuhan-demo")
    trainings = Training.objects.for_tenant(wh)
    assert [t.held_on for t in trainings.filter(kind="training").order_by("held_on")] == [
        dt.date(2026, 3, 20),
        dt.date(2026, 9, 18),
    ]
    active = Officer.objects.for_tenant(wh).filter(status="active")
    assert (active.count(), active.filter(category="city").count()) == (64, 24)
    # every seventh officer missed each training (nine of 64)
    assert [
        Attendance.objects.filter(training=t).count()
        for t in trainings.filter(kind="training").order_by("held_on")
    ] == [55, 55]
    meetings = trainings.filter(kind="exchange_meeting").order_by("held_on")
    assert [m.held_on for m in meetings] == [dt.date(2026, m, 25) for m in range(1, 12)]
    counts = [Attendance.objects.filter(training=m).count() for m in meetings]
    assert counts == [24, 24, 23, 24, 24, 24, 23, 24, 24, 23, 24]
    assert not Agreement.objects.for_tenant(wh).exists()
    assert not ServiceDay.objects.for_tenant(wh).exists()
