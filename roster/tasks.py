"""Scheduled jobs of the roster: close ended public notices, remind of terms
ending within 30 days, flag dormant officers. Each runs per tenant, is
logged (JobRun) and idempotent (notifications are keyed)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import NotificationKind, Role
from accounts.models import Membership, Tenant
from accounts.notifications import announce_now, per_tenant_job
from accounts.selectors import policy_in_force

from .models import Notice, Officer
from .selectors import districts_in_reach, dormant, terms_ending


def _managers_of(tenant: Tenant, officer: Officer) -> list[Membership]:
    """The admins, and the district managers of the officer's district."""
    members = (
        Membership.objects.for_tenant(tenant)
        .filter(is_active=True, role__in=[Role.ADMIN, Role.DISTRICT_MANAGER])
        .select_related("user", "tenant")
    )
    return [
        m
        for m in members
        if m.role == Role.ADMIN
        or (
            officer.district_id
            and districts_in_reach(membership=m).filter(pk=officer.district_id).exists()
        )
    ]


@shared_task(acks_late=True)
def close_notices(today: str | None = None) -> dict:
    day = dt.date.fromisoformat(today) if today else timezone.localdate()

    def close(tenant, _detail) -> int:
        return (
            Notice.objects.for_tenant(tenant)
            .filter(end__lt=day, closed_at__isnull=True)
            .update(closed_at=timezone.now())
        )

    return per_tenant_job("close-notices", close, key="closed")


@shared_task(acks_late=True)
def remind_terms_ending(today: str | None = None) -> dict:
    day = dt.date.fromisoformat(today) if today else timezone.localdate()

    def remind(tenant, _detail) -> int:
        sent = 0
        officers = terms_ending(officers=Officer.objects.for_tenant(tenant), on=day)
        for officer in officers.select_related("district"):
            facts = {"name": officer.full_name, "day": officer.term_end}
            sent += announce_now(
                tenant=tenant,
                users=[m.user for m in _managers_of(tenant, officer)],
                key=f"term-ending:{officer.pk}:{officer.term_end}",
                kind=NotificationKind.REMINDER,
                message=lambda facts=facts: (
                    _("%(name)s's term ends on %(day)s") % facts,
                    "",
                ),
                link=reverse("officer-list", kwargs={"tenant_slug": tenant.slug}) + "?flag=ending",
            )
        return sent

    with translation.override("zh-hans"):
        return per_tenant_job("terms-ending", remind, key="notified")


@shared_task(acks_late=True)
def flag_dormant_officers(today: str | None = None) -> dict:
    day = dt.date.fromisoformat(today) if today else timezone.localdate()

    def flag(tenant, detail) -> int:
        days = int(policy_in_force(tenant=tenant, on=day).rules.get("dormant_days", 90))
        sent = 0
        asleep = dormant(officers=Officer.objects.for_tenant(tenant), on=day, days=days)
        for officer in asleep.select_related("district"):
            facts = {"name": officer.full_name, "days": days}
            sent += announce_now(
                tenant=tenant,
                users=[m.user for m in _managers_of(tenant, officer)],
                key=f"dormant:{officer.pk}:{day:%Y-%m}",
                kind=NotificationKind.REMINDER,
                message=lambda facts=facts: (
                    _("%(name)s has submitted nothing for %(days)d days") % facts,
                    "",
                ),
                link=reverse("officer-list", kwargs={"tenant_slug": tenant.slug}) + "?flag=dormant",
            )
        detail["dormant"] = asleep.count()
        return sent

    with translation.override("zh-hans"):
        return per_tenant_job("dormant-officers", flag, key="notified")
