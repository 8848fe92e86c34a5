"""Scheduled jobs of the duties (issue 13): the day before a report falls
due its officer is reminded; the day after it fell due without being handed
in, the officer and the district's managers (the centre for a city officer)
are told; an agreement about to end and not yet renewed is told to its
officer, the admins and the officer's managers. Per tenant, logged (JobRun),
once per report or agreement (the notification's key, ``reminded_at``)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import NotificationKind, Role
from accounts.models import Membership, Tenant, User
from accounts.notifications import announce_now, per_tenant_job
from accounts.selectors import policy_in_force
from roster.models import Officer
from roster.selectors import districts_in_reach, officer_list

from .choices import DutyKind, ReportKind
from .selectors import agreements_ending, duties_of, overdue, reports_due

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
        kind, period, due = row["kind"], row["period"], row["due_on"]

        def message(kind=kind, period=period, due=due):
            label = ReportKind(kind).label
            return (
                _("Your %(kind)s for %(period)s is due tomorrow (%(day)s)")
                % {"kind": label, "period": period, "day": due},
                _("Please write and submit it by %(day)s.") % {"day": due},
            )

        sent += announce_now(
            tenant=tenant,
            users=[user],
            key=f"report-due:{officer.id}:{kind}:{period}",
            kind=NotificationKind.REMINDER,
            message=message,
            link=_mine_link(tenant),
        )
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
        kind, period, due, name = row["kind"], row["period"], row["due_on"], officer.full_name
        key = f"report-late:{officer.id}:{kind}:{period}"

        def to_officer(kind=kind, period=period, due=due):
            return (
                _("Your %(kind)s for %(period)s is overdue")
                % {"kind": ReportKind(kind).label, "period": period},
                _("It was due on %(day)s. Please hand it in as soon as possible.") % {"day": due},
            )

        def to_overseer(kind=kind, period=period, due=due, name=name):
            return (
                _("%(name)s's %(kind)s for %(period)s is overdue")
                % {"name": name, "kind": ReportKind(kind).label, "period": period},
                _("It was due on %(day)s and has not been handed in.") % {"day": due},
            )

        user = _officer_user(tenant, officer)
        sent += announce_now(
            tenant=tenant,
            users=[user],
            key=key,
            kind=NotificationKind.REMINDER,
            message=to_officer,
            link=_mine_link(tenant),
        )
        sent += announce_now(
            tenant=tenant,
            users=_overseers(tenant, officer),
            key=key,
            kind=NotificationKind.REMINDER,
            message=to_overseer,
            link=reverse("report-overdue", kwargs={"tenant_slug": tenant.slug}),
            actor=officer.user if officer.user_id else None,
        )
    return sent


@shared_task(acks_late=True)
def remind_reports_due(today: str | None = None) -> dict:
    """Daily: each officer whose plan or report falls due tomorrow and is not
    handed in is reminded, once."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with translation.override("zh-hans"):
        return per_tenant_job(
            "report-reminders", lambda tenant, _detail: _remind(tenant, day), key="reminded"
        )


@shared_task(acks_late=True)
def notify_reports_late(today: str | None = None) -> dict:
    """Daily: each plan or report that fell due yesterday and was not handed
    in is told to its officer and to the district's managers (the centre for
    a city officer), once."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with translation.override("zh-hans"):
        return per_tenant_job(
            "report-late", lambda tenant, _detail: _late(tenant, day), key="notified"
        )


# --- agreements ending (issue 13 records) -----------------------------------------


def _recipients(tenant: Tenant, agreement) -> list:
    """The officer's login, the admins and the managers whose reach holds
    the officer (each once)."""
    users = {}
    if agreement.officer.user_id:
        users[agreement.officer.user_id] = agreement.officer.user
    for membership in (
        Membership.objects.filter(
            tenant=tenant, role__in=(Role.ADMIN, Role.DISTRICT_MANAGER), user__is_active=True
        )
        .select_related("user", "tenant")
        .order_by("id")
    ):
        if membership.role == Role.DISTRICT_MANAGER and not (
            officer_list(membership=membership).filter(id=agreement.officer_id).exists()
        ):
            continue
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def remind_tenant(tenant: Tenant, day: dt.date) -> int:
    """Remind of each agreement ending within the policy's ``remind_days``;
    an agreement already reminded is not reminded again."""
    rules = policy_in_force(tenant=tenant, on=day).rules
    duties = duties_of(rules, DutyKind.AGREEMENT)
    if not duties:
        return 0
    days = max(int(d.get("remind_days") or 0) for d in duties)
    if days <= 0:
        return 0
    sent = 0
    link = reverse("agreement-list", kwargs={"tenant_slug": tenant.slug}) + "?status=ending"
    for agreement in agreements_ending(tenant=tenant, on=day, days=days).filter(
        reminded_at__isnull=True
    ):
        facts = {
            "name": agreement.officer.full_name,
            "host": agreement.host_unit.name,
            "day": agreement.end,
        }

        def message(facts=facts):
            return (
                _("The agreement of %(name)s with %(host)s ends on %(day)s") % facts,
                _("Renew it (续签/续派) or let it end; renewing files a new agreement."),
            )

        announce_now(
            tenant=tenant,
            users=_recipients(tenant, agreement),
            key=f"agreement-ending:{agreement.pk}",
            kind=NotificationKind.REMINDER,
            message=message,
            link=link,
        )
        agreement.reminded_at = timezone.now()
        agreement.save(update_fields=["reminded_at"])
        sent += 1
    return sent


@shared_task(acks_late=True)
def remind_agreements_ending(today: str | None = None) -> dict:
    """Daily: agreements ending soon and not yet renewed, once each."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with translation.override("zh-hans"):
        return per_tenant_job(
            "agreement-reminders",
            lambda tenant, _detail: remind_tenant(tenant, day),
            key="reminded",
        )
