"""Background jobs of the accounts app."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import webhooks
from .choices import EmailMode, JobOutcome
from .models import JobRun, Notification, NotificationPreference, TenantWebhook
from .notifications import absolute, per_tenant_job

log = logging.getLogger(__name__)

#: A run still "running" after this long lost its worker (the longest job,
#: a tenant's re-scoring, takes minutes).
STALE_AFTER = dt.timedelta(hours=6)


@shared_task
def close_stale_job_runs() -> int:
    """Runs whose worker stopped mid-task (killed, redeployed) never record
    an end; after ``STALE_AFTER`` they are marked failed, with why, so the
    jobs page does not show them running for ever. (The redelivered task
    records a run of its own.)"""
    now = timezone.now()
    return JobRun.objects.filter(
        outcome=JobOutcome.RUNNING, started_at__lt=now - STALE_AFTER
    ).update(
        outcome=JobOutcome.FAILED,
        finished_at=now,
        detail={"error": "no end recorded: the worker stopped while running it"},
    )


# --- notify: webhook delivery and the daily digest (issue 14) ---------------------------


def backoff(retries: int) -> int:
    """Seconds before the next try: the base doubled after each failure."""
    return settings.NOTIFICATION_WEBHOOK_BACKOFF_SECONDS * 2**retries


@shared_task(bind=True, max_retries=5, acks_late=True)
def deliver_webhook(self, tenant_id: int, message: dict) -> int | str:
    """POST one notification to the tenant's robot; a network error, a 429
    or a 5xx answer is retried with exponential backoff, 5 times at most."""
    hook = TenantWebhook.objects.filter(tenant_id=tenant_id, enabled=True).first()
    if hook is None:
        return "no webhook"
    try:
        with translation.override(settings.LANGUAGE_CODE):
            body = webhooks.payload(hook.format, message)
        status = webhooks.post(hook.url, body)
    except OSError as exc:
        log.warning("webhook of tenant %s: %s", tenant_id, exc)
        status = 0
    if status == 0 or status == 429 or status >= 500:
        raise self.retry(countdown=backoff(self.request.retries))
    return status


def _digest(pref: NotificationPreference, now: dt.datetime) -> bool:
    """One member's digest: the notifications since the last one (or the
    last day), in one e-mail; nothing when there are none."""
    since = pref.digest_sent_at or now - dt.timedelta(days=1)
    notes = list(
        Notification.objects.for_tenant(pref.tenant)
        .filter(user=pref.user, created_at__gt=since, created_at__lte=now)
        .order_by("created_at", "id")
    )
    pref.digest_sent_at = now
    pref.save(update_fields=["digest_sent_at"])
    if not notes:
        return False
    with translation.override(pref.language):
        subject = _("%(tenant)s: your %(count)d notifications of the day") % {
            "tenant": pref.tenant.name,
            "count": len(notes),
        }
        lines = []
        for note in notes:
            lines.append(f"· {note.title}")
            if note.body:
                lines.append(f"  {note.body}")
            if note.link:
                lines.append(f"  {absolute(note.link)}")
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [pref.user.email])
    return True


@shared_task(acks_late=True)
def send_daily_digests(now: str | None = None) -> int:
    """Daily: members who chose the digest get one e-mail with the
    notifications since their last digest. Returns the e-mails sent."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()

    def send(tenant, _detail) -> int:
        prefs = (
            NotificationPreference.objects.for_tenant(tenant)
            .filter(email=EmailMode.DAILY)
            .exclude(user__email="")
            .select_related("tenant", "user")
            .order_by("id")
        )
        return sum(_digest(pref, moment) for pref in prefs)

    return sum(per_tenant_job("notification-digests", send, key="notified").values())
