"""Demo records of the duties (issue 13), dated from ``today`` so the lists,
the reminders and the yearly totals have something to show.

Yangquan: a one-year agreement per active commissioner with their host,
filed with its signed file — one ending within 30 days, one ended and
renewed (续签), one not yet filed — and some days on site. Wuhan: this
year's half-yearly trainings and the city officers' monthly exchange
meetings, with a few absences. Everything through the services."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.choices import Role
from accounts.models import Membership, Tenant
from roster.choices import OfficerStatus
from roster.hosts import current_hosts
from roster.models import Officer

from . import services
from .choices import TrainingKind
from .record_forms import add_months

#: A one-page blank PDF: enough for the file check and a PDF reader.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
#: Trainings a year (Wuhan 第十五条: every half year) and their day.
TRAININGS = [((3, 20), "上半年联络员集中业务培训"), ((9, 18), "下半年联络员集中业务培训")]
#: The monthly exchange meeting's day.
MEETING_DAY = 25


def _admin(tenant: Tenant) -> Membership:
    return (
        Membership.objects.filter(tenant=tenant, role=Role.ADMIN)
        .select_related("user", "tenant")
        .order_by("id")
        .first()
    )


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _active(tenant: Tenant, today: dt.date):
    return Officer.objects.for_tenant(tenant).filter(
        status=OfficerStatus.ACTIVE, term_start__lte=today, term_end__gte=today
    )


def load_demo_records(*, tenant: Tenant, today: dt.date) -> None:
    if tenant.preset == "yangquan":
        _yangquan(tenant, today)
    elif tenant.preset == "wuhan":
        _wuhan(tenant, today)


def _year_from(start: dt.date) -> dt.date:
    return add_months(start, 12) - dt.timedelta(days=1)


def _yangquan(tenant: Tenant, today: dt.date) -> None:
    admin = _admin(tenant)
    officers = _active(tenant, today).order_by("id")
    hosts = {
        a.officer_id: a.unit
        for a in current_hosts(officers=officers, on=today).select_related("unit").order_by("start")
    }
    officers = [o for o in officers if o.id in hosts]
    for i, officer in enumerate(officers):
        host = hosts[officer.id]
        common = {"tenant": tenant, "membership": admin, "officer": officer, "host_unit": host}
        if i == 0:  # ends within 30 days
            end = today + dt.timedelta(days=20)
            start = end - dt.timedelta(days=364)
        elif i == 1:  # ended ten days ago, renewed for a year
            end = today - dt.timedelta(days=10)
            start = end - dt.timedelta(days=364)
        else:
            start = today - dt.timedelta(days=120)
            end = _year_from(start)
        agreement = services.agreement_create(
            **common,
            start=start,
            end=end,
            signed_on=min(start, today),
            upload=None if i == 2 else _pdf(f"三方服务合作协议-{officer.full_name}.pdf"),
        )
        if i == 1:
            services.agreement_renew(
                tenant=tenant,
                membership=admin,
                agreement=agreement,
                end=_year_from(end + dt.timedelta(days=1)),
                signed_on=end - dt.timedelta(days=15),
                upload=_pdf(f"续签协议-{officer.full_name}.pdf"),
            )
        if i < 4:  # ten days on site two months ago; five more a month ago for some
            services.service_days_create(
                **common,
                start=today - dt.timedelta(days=60),
                end=today - dt.timedelta(days=51),
                note="驻点开展技术指导",
            )
            if i % 2 == 0:
                services.service_days_create(
                    **common,
                    start=today - dt.timedelta(days=30),
                    end=today - dt.timedelta(days=26),
                    note="田间技术服务",
                )


def _wuhan(tenant: Tenant, today: dt.date) -> None:
    admin = _admin(tenant)
    active = list(_active(tenant, today).order_by("id"))
    for n, ((month, day), title) in enumerate(TRAININGS):
        held_on = dt.date(today.year, month, day)
        if held_on > today:
            continue
        # every seventh officer missed the training (a different seventh each time)
        present = [o for k, o in enumerate(active) if (k + n) % 7 != 3]
        services.training_create(
            tenant=tenant,
            membership=admin,
            title=f"{today.year}年{title}",
            kind=TrainingKind.TRAINING,
            held_on=held_on,
            attendees=present,
        )
    city = [o for o in active if o.category == "city"]
    for month in range(1, 13):
        held_on = dt.date(today.year, month, MEETING_DAY)
        if held_on > today:
            break
        # one city officer missed the meetings of March, July and October
        present = [o for k, o in enumerate(city) if not (month in (3, 7, 10) and k == month % 2)]
        services.training_create(
            tenant=tenant,
            membership=admin,
            title=f"{today.year}年{month}月市派联络员交流会",
            kind=TrainingKind.EXCHANGE_MEETING,
            held_on=held_on,
            attendees=present,
        )
