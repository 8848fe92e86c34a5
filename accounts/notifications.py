"""Notifications: in-app (the bell in the menu) and e-mail (console backend
locally), sent once per key, and the job-run log of scheduled jobs."""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import JobRun, Membership, Notification, Tenant, User

log = logging.getLogger(__name__)


def notify(
    *, tenant: Tenant, user: User, key: str, title: str, body: str = "", link: str = ""
) -> Notification | None:
    """Send once: a second call with the same key for the same person does nothing."""
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                tenant=tenant, user=user, key=key[:120], title=title[:200], body=body, link=link
            )
    except IntegrityError:
        return None
    if user.email:
        transaction.on_commit(
            lambda: send_mail(
                title,
                f"{body}\n\n{link}".strip(),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
                fail_silently=True,
            )
        )
    return note


def unread(*, membership: Membership) -> QuerySet[Notification]:
    return Notification.objects.for_tenant(membership.tenant).filter(
        user=membership.user, read_at__isnull=True
    )


def notification_list(*, membership: Membership) -> QuerySet[Notification]:
    return Notification.objects.for_tenant(membership.tenant).filter(user=membership.user)


def mark_read(*, membership: Membership) -> int:
    return unread(membership=membership).update(read_at=timezone.now())


@contextlib.contextmanager
def job_run(name: str, tenant: Tenant):
    """Record a scheduled job's run for a tenant: start, end, outcome and the
    ``detail`` dict the job fills in."""
    run = JobRun.objects.create(tenant=tenant, name=name, started_at=timezone.now())
    try:
        yield run.detail
    except Exception as exc:
        run.outcome, run.detail["error"] = "failed", str(exc)[:500]
        log.exception("job %s failed for %s", name, tenant.slug)
        raise
    else:
        run.outcome = "ok"
    finally:
        run.finished_at = timezone.now()
        run.save()
