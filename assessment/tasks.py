"""Scheduled jobs of the annual assessment: remind whoever sent a rating
link that is about to expire unanswered (issue 12). Per tenant, logged
(JobRun), once per request (``reminded_at``)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import NotificationKind
from accounts.models import Tenant
from accounts.notifications import announce_now, per_tenant_job

from .ratings import rating_requests_to_remind


def _remind(tenant: Tenant, day: dt.date) -> int:
    """Notify the sender of each request due a reminder; mark it reminded."""
    sent = 0
    for request in rating_requests_to_remind(tenant=tenant, today=day):
        facts = {
            "name": request.officer.full_name,
            "rater": request.rater_name,
            "day": request.expires_on,
        }
        announce_now(
            tenant=tenant,
            users=[request.created_by],
            key=f"rating-link:{request.pk}",
            kind=NotificationKind.REMINDER,
            message=lambda facts=facts: (
                _("The rating link for %(name)s (%(rater)s) expires on %(day)s") % facts,
                _("%(rater)s has not answered yet. Reissue the link or remind the rater.") % facts,
            ),
            link=reverse("rating-page", kwargs={"tenant_slug": tenant.slug, "year": request.year}),
        )
        request.reminded_at = timezone.now()
        request.save(update_fields=["reminded_at"])
        sent += 1
    return sent


@shared_task(acks_late=True)
def remind_rating_links(today: str | None = None) -> dict:
    """Daily: each unanswered request expiring within 3 days notifies the
    member who sent it, once."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with translation.override("zh-hans"):
        return per_tenant_job(
            "rating-link-reminders", lambda tenant, _detail: _remind(tenant, day), key="reminded"
        )
