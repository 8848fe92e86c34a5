"""Scheduled job of the duties' records (issue 13): remind the officer and
the centre (the admins, the officer's district managers) of an agreement
about to end and not yet renewed — once per agreement (``reminded_at``).
Per tenant, logged (JobRun)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant
from accounts.notifications import job_run, notify
from accounts.selectors import policy_in_force
from roster.selectors import officer_list

from .choices import DutyKind
from .selectors import agreements_ending, duties_of


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
        title = _("The agreement of %(name)s with %(host)s ends on %(day)s") % {
            "name": agreement.officer.full_name,
            "host": agreement.host_unit.name,
            "day": agreement.end,
        }
        body = _("Renew it (续签/续派) or let it end; renewing files a new agreement.")
        for user in _recipients(tenant, agreement):
            notify(
                tenant=tenant,
                user=user,
                key=f"agreement-ending:{agreement.pk}",
                title=title,
                body=body,
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
    done: dict[str, int] = {}
    with translation.override("zh-hans"):
        for tenant in Tenant.objects.order_by("slug"):
            with job_run("agreement-reminders", tenant) as detail:
                detail["reminded"] = done[tenant.slug] = remind_tenant(tenant, day)
    return done
