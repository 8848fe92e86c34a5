"""Scheduled jobs of the plans and reports (issue 13): the day before a
report falls due its officer is reminded; the day after it fell due without
being handed in, the officer and the district's managers (the centre for a
city officer) are told. Per tenant, logged (JobRun), once per report (the
notification's key)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant, User
from accounts.notifications import job_run, notify
from roster.models import Officer
from roster.selectors import districts_in_reach

from .choices import ReportKind
from .selectors import overdue, reports_due

NOT_HANDED_IN = ("missing", "draft", "returned")


def _officers(tenant: Tenant) -> dict[int, Officer]:
    return {
        o.id: o
        for o in Officer.objects.for_tenant(tenant).filter(status="active").select_related("user")
    }


def _officer_user(tenant: Tenant, officer: Officer) -> User | None:
    """The officer's login, when it is an active member of the tenant."""
    if officer.user_id is None:
        return None
    active = Membership.objects.for_tenant(tenant).filter(user_id=officer.user_id, is_active=True)
    return officer.user if active.exists() else None


def _overseers(tenant: Tenant, officer: Officer) -> list[User]:
    """Who hears of a district officer's late report: the managers of their
    district; of a city officer's: the centre (admins)."""
    members = (
        Membership.objects.for_tenant(tenant)
        .filter(is_active=True)
        .select_related("user", "tenant")
        .order_by("user__username")
    )
    if officer.district_id is None:
        return [m.user for m in members.filter(role=Role.ADMIN)]
    return [
        m.user
        for m in members.filter(role=Role.DISTRICT_MANAGER)
        if districts_in_reach(membership=m).filter(pk=officer.district_id).exists()
    ]


def _mine_link(tenant: Tenant) -> str:
    return reverse("report-mine", kwargs={"tenant_slug": tenant.slug})


def _remind(tenant: Tenant, day: dt.date) -> int:
    tomorrow = day + dt.timedelta(days=1)
    officers = _officers(tenant)
    sent = 0
    for row in reports_due(officers=list(officers.values()), tenant=tenant, on=tomorrow):
        if row["due_on"] != tomorrow or row["status"] not in NOT_HANDED_IN:
            continue
        officer = officers[row["officer"]]
        user = _officer_user(tenant, officer)
        if user is None:
            continue
        label = ReportKind(row["kind"]).label
        note = notify(
            tenant=tenant,
            user=user,
            key=f"report-due:{officer.id}:{row['kind']}:{row['period']}",
            title=_("Your %(kind)s for %(period)s is due tomorrow (%(day)s)")
            % {"kind": label, "period": row["period"], "day": row["due_on"]},
            body=_("Please write and submit it by %(day)s.") % {"day": row["due_on"]},
            link=_mine_link(tenant),
        )
        sent += note is not None
    return sent


def _late(tenant: Tenant, day: dt.date) -> int:
    yesterday = day - dt.timedelta(days=1)
    officers = _officers(tenant)
    sent = 0
    rows = overdue(reports_due(officers=list(officers.values()), tenant=tenant, on=day), day)
    for row in rows:
        if row["due_on"] != yesterday:
            continue
        officer = officers[row["officer"]]
        label = ReportKind(row["kind"]).label
        key = f"report-late:{officer.id}:{row['kind']}:{row['period']}"
        user = _officer_user(tenant, officer)
        if user is not None:
            note = notify(
                tenant=tenant,
                user=user,
                key=key,
                title=_("Your %(kind)s for %(period)s is overdue")
                % {"kind": label, "period": row["period"]},
                body=_("It was due on %(day)s. Please hand it in as soon as possible.")
                % {"day": row["due_on"]},
                link=_mine_link(tenant),
            )
            sent += note is not None
        for overseer in _overseers(tenant, officer):
            if overseer.id == officer.user_id:
                continue
            note = notify(
                tenant=tenant,
                user=overseer,
                key=key,
                title=_("%(name)s's %(kind)s for %(period)s is overdue")
                % {"name": officer.full_name, "kind": label, "period": row["period"]},
                body=_("It was due on %(day)s and has not been handed in.")
                % {"day": row["due_on"]},
                link=reverse("report-overdue", kwargs={"tenant_slug": tenant.slug}),
            )
            sent += note is not None
    return sent


@shared_task(acks_late=True)
def remind_reports_due(today: str | None = None) -> dict:
    """Daily: each officer whose plan or report falls due tomorrow and is not
    handed in is reminded, once."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    done: dict[str, int] = {}
    with translation.override("zh-hans"):
        for tenant in Tenant.objects.order_by("slug"):
            with job_run("report-reminders", tenant) as detail:
                detail["reminded"] = done[tenant.slug] = _remind(tenant, day)
    return done


@shared_task(acks_late=True)
def notify_reports_late(today: str | None = None) -> dict:
    """Daily: each plan or report that fell due yesterday and was not handed
    in is told to its officer and to the district's managers (the centre for
    a city officer), once."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    done: dict[str, int] = {}
    with translation.override("zh-hans"):
        for tenant in Tenant.objects.order_by("slug"):
            with job_run("report-late", tenant) as detail:
                detail["notified"] = done[tenant.slug] = _late(tenant, day)
    return done
