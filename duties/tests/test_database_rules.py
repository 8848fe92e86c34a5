"""The database keeps the duties' rules even against raw writes: choices,
ordered dates, a returned report's reason, a filed agreement's file, one
report per period, and rows that never join two tenants."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from duties import services
from duties.models import Agreement, Attendance, Report, ServiceDay, Training
from tests.test_database_constraints import refused
from tests.world import PNG

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def duties(world):
    admin = Membership.objects.get(tenant=world.tenant, user=world.users["admin"])
    officer = Membership.objects.get(tenant=world.tenant, user=world.users["officer"])
    with time_machine.travel("2026-03-20 12:00:00+08:00", tick=False):
        report = services.report_create(
            tenant=world.tenant,
            membership=officer,
            officer=world.officers["mine"],
            kind="monthly_plan",
            period="2026-03",
            body="走访",
        )
        agreement = services.agreement_create(
            tenant=world.tenant,
            membership=admin,
            officer=world.officers["d1"],
            host_unit=world.units["u1"],
            start=D(2025, 3, 1),
            end=D(2026, 2, 28),
            upload=SimpleUploadedFile("a.png", PNG),
        )
        days = services.service_days_create(
            tenant=world.tenant,
            membership=admin,
            officer=world.officers["d1"],
            host_unit=world.units["u1"],
            start=D(2026, 3, 1),
            end=D(2026, 3, 5),
        )
        training = services.training_create(
            tenant=world.tenant,
            membership=admin,
            title="培训",
            kind="training",
            held_on=D(2026, 3, 6),
            attendees=[world.officers["d1"]],
        )
    return report, agreement, days, training


@pytest.mark.parametrize(
    ("model", "column", "rule"),
    [
        (Report, "kind", "report_kind_valid"),
        (Report, "status", "report_status_valid"),
        (Training, "kind", "training_kind_valid"),
    ],
)
def test_choices(duties, model, column, rule):
    refused(rule, lambda: model.objects.update(**{column: "hacked"}))


def test_dates_and_states(duties):
    report, *_ = duties
    refused("agreement_ordered", lambda: Agreement.objects.update(end=D(2025, 1, 1)))
    refused("serviceday_ordered", lambda: ServiceDay.objects.update(end=D(2026, 2, 1)))
    refused("report_returned_has_reason", lambda: Report.objects.update(status="returned"))
    refused("report_submitted_has_time", lambda: Report.objects.update(status="accepted"))
    refused("agreement_filed_with_file", lambda: Agreement.objects.update(file=""))
    refused(
        "report_one_per_period",
        lambda: Report.objects.create(
            tenant=report.tenant,
            officer=report.officer,
            kind=report.kind,
            period=report.period,
            body="又一份",
            due_on=report.due_on,
            created_by=report.created_by,
        ),
        sqlite_says="UNIQUE constraint failed",
    )


def test_rows_never_join_two_tenants(duties, world, other_world):
    *_, training = duties
    theirs = other_world
    refused(
        "report_same_tenant (officer_id)",
        lambda: Report.objects.update(officer=theirs.officers["d1"]),
    )
    refused(
        "agreement_same_tenant (host_unit_id)",
        lambda: Agreement.objects.update(host_unit=theirs.units["u1"]),
    )
    refused(
        "serviceday_same_tenant (officer_id)",
        lambda: ServiceDay.objects.update(officer=theirs.officers["d1"]),
    )
    refused(
        "attendance_same_tenant (officer_id)",
        lambda: Attendance.objects.create(training=training, officer=theirs.officers["d2"]),
    )
    assert list(training.attendance.values_list("officer_id", flat=True)) == [
        world.officers["d1"].id
    ]
