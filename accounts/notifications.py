"""Notifications: in-app (the bell in the menu) and e-mail (console backend
locally), sent once per key, and the job-run log of scheduled jobs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import EmailMode, NotificationKind
from .models import (
    JobRun,
    Membership,
    Notification,
    NotificationPreference,
    Tenant,
    TenantWebhook,
    User,
)

log = logging.getLogger(__name__)


def notify(
    *,
    tenant: Tenant,
    user: User,
    key: str,
    title: str,
    body: str = "",
    link: str = "",
    kind: str = NotificationKind.REMINDER,
    webhook: bool = True,
) -> Notification | None:
    """Send once: a second call with the same key for the same person does
    nothing. In the app always; by e-mail after commit unless the member chose
    the daily digest or no e-mail; to the tenant's webhook (when it takes
    ``kind``) unless ``webhook`` is off (:func:`announce` posts once per event)."""
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                tenant=tenant,
                user=user,
                key=key[:120],
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
            )
    except IntegrityError:
        return None
    if user.email and preference_for(tenant=tenant, user=user).email == EmailMode.EACH:
        transaction.on_commit(
            lambda: send_mail(
                title,
                f"{body}\n\n{absolute(link)}".strip(),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
                fail_silently=True,
            )
        )
    if webhook:
        webhook_enqueue(tenant=tenant, kind=kind, title=title, body=body, link=link)
    return note


def absolute(link: str) -> str:
    """A page path as a full address (e-mails and robots need the host)."""
    if not link or "://" in link:
        return link
    return settings.NOTIFICATION_SITE_URL.rstrip("/") + link


def preference_for(*, tenant: Tenant, user: User) -> NotificationPreference:
    """The member's preference, or the defaults (unsaved) when never set."""
    found = NotificationPreference.objects.for_tenant(tenant).filter(user=user).first()
    return found or NotificationPreference(tenant=tenant, user=user)


def announce(*, users: Iterable[User | None], **event) -> None:
    """An event addressed to people, sent after the transaction commits (the
    arguments of :func:`announce_now`): each distinct recipient but the actor
    gets one notification (``key`` makes the event idempotent), its title and
    body rendered by ``message()`` in the recipient's language, its link
    ``links[user id]`` or ``link``; the tenant's webhook gets the event once,
    in the tenant's language, with ``link``."""
    users = list(users)
    transaction.on_commit(lambda: announce_now(users=users, **event))


def announce_now(
    *,
    tenant: Tenant,
    users: Iterable[User | None],
    key: str,
    kind: str,
    message: Callable[[], tuple[str, str]],
    link: str = "",
    links: dict[int, str] | None = None,
    actor: User | None = None,
    webhook: bool = True,
) -> int:
    """:func:`announce` at once (scheduled jobs, outside any request): the
    number of notifications created (0 when every recipient had it already,
    and then the webhook is not posted again; never with ``webhook`` off, for
    a job that posts one summary of its own)."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if actor is not None:
        recipients.pop(actor.pk, None)
    if not recipients:
        return 0
    links = links or {}
    languages = dict(
        NotificationPreference.objects.for_tenant(tenant)
        .filter(user__in=list(recipients))
        .values_list("user_id", "language")
    )
    sent = 0
    for user in recipients.values():
        with translation.override(languages.get(user.pk, settings.LANGUAGE_CODE)):
            title, body = message()
        note = notify(
            tenant=tenant,
            user=user,
            key=key,
            title=str(title),
            body=str(body),
            link=links.get(user.pk, link),
            kind=kind,
            webhook=False,
        )
        sent += note is not None
    if sent and webhook:
        with translation.override(settings.LANGUAGE_CODE):
            title, body = message()
        webhook_enqueue(tenant=tenant, kind=kind, title=str(title), body=str(body), link=link)
    return sent


def members_with_role(*, tenant: Tenant, role: str) -> list[User]:
    """The active users holding ``role`` in the tenant."""
    return [
        m.user
        for m in Membership.objects.for_tenant(tenant)
        .filter(role=role, is_active=True, user__is_active=True)
        .select_related("user")
    ]


def webhook_enqueue(*, tenant: Tenant, kind: str, title: str, body: str, link: str) -> None:
    """Post to the tenant's webhook by a Celery task after commit, when the
    tenant has one that takes ``kind``; never blocks the request."""
    hook = TenantWebhook.objects.for_tenant(tenant).first()
    if hook is None or not hook.sends(kind):
        return
    from .tasks import deliver_webhook  # the tasks module imports this one

    message = {"kind": kind, "title": title, "body": body, "link": absolute(link)}

    def enqueue() -> None:
        try:
            deliver_webhook.delay(tenant.pk, message)
        except Exception:  # a broker outage, or an eager run's failure: never the request's
            log.exception("webhook of tenant %s not queued", tenant.slug)

    transaction.on_commit(enqueue)


def unread(*, membership: Membership) -> QuerySet[Notification]:
    return Notification.objects.for_tenant(membership.tenant).filter(
        user=membership.user, read_at__isnull=True
    )


def notification_list(*, membership: Membership) -> QuerySet[Notification]:
    return Notification.objects.for_tenant(membership.tenant).filter(user=membership.user)


def mark_read(*, membership: Membership) -> int:
    return unread(membership=membership).update(read_at=timezone.now())


def notification_mark_read(*, membership: Membership, notification_id: int) -> Notification:
    """Mark one of the member's own notifications read (another member's or
    another tenant's: :class:`Notification.DoesNotExist`, a 404)."""
    note = notification_list(membership=membership).get(pk=notification_id)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


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


def per_tenant_job(
    name: str, fn: Callable[[Tenant, dict], Any], *, key: str | None = None
) -> dict[str, Any]:
    """Run a scheduled job once per tenant in service, by slug: a suspended
    tenant (or one marked for deletion) is skipped. Each tenant's run is
    recorded by :func:`job_run`; ``fn(tenant, detail)`` does the work, may
    fill ``detail`` and returns the tenant's result (also stored as
    ``detail[key]`` when ``key`` is given). Returns the results by slug.

    ``fn`` is called inside :func:`job_run`, so an error marks that tenant's
    run failed and stops the job (the worker logs it; a redelivery runs it
    again, every job being idempotent)."""
    done: dict[str, Any] = {}
    for tenant in Tenant.objects.in_service().order_by("slug"):
        with job_run(name, tenant) as detail:
            result = fn(tenant, detail)
            if key is not None:
                detail[key] = result
            done[tenant.slug] = result
    return done


# --- preferences (issue 14) ------------------------------------------------------------


@transaction.atomic
def preference_set(*, membership: Membership, email: str, language: str) -> NotificationPreference:
    """The member's own choice: e-mail for each, a daily digest, or none; the language."""
    errors = {}
    if email not in EmailMode.values:
        errors["email"] = _("Choose how you are e-mailed.")
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose a language.")
    if errors:
        raise ValidationError(errors)
    pref, _created = NotificationPreference.objects.for_tenant(membership.tenant).update_or_create(
        tenant=membership.tenant,
        user=membership.user,
        defaults={"email": email, "language": language},
    )
    return pref
