"""Background jobs of the matcher: thin, they re-fetch through the tenant
and call the services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts.models import Tenant
from ledgers.models import Entry

from . import services


@shared_task
def match_entry(*, tenant_id: int, entry_id: int, cascade: bool = True) -> int:
    """Match one entry (after its verification); returns how many
    suggestions. With ``cascade``, the entries it was matched with are
    matched again too (once, without cascading), so that a new achievement
    shows in the lists of the demands it suits, and the reverse."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    entry = tenant and Entry.objects.for_tenant(tenant).filter(pk=entry_id).first()
    if not entry:
        return 0
    rows = services.matches_for(tenant=tenant, entry=entry)
    if cascade:
        for other_id in services.matched_entries(entry=entry, matches=rows):
            match_entry.delay(tenant_id=tenant_id, entry_id=other_id, cascade=False)
    return len(rows)


@shared_task
def match_published(*, published_id: int) -> int:
    """A newly published network item: the other members' entries it suits
    are matched again; returns how many."""
    from network.models import PublishedItem

    item = PublishedItem.objects.filter(pk=published_id).select_related("network").first()
    return services.rematch_for_published(item=item) if item else 0


@shared_task
def rematch_tenant(*, tenant_id: int) -> int:
    """Match a whole tenant again (batched); returns how many entries."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    return services.rematch_tenant(tenant=tenant) if tenant else 0


# --- weekly digest (issue 15 item 2) -----------------------------------------------------


def week_key(day) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_tenant(tenant: Tenant, now) -> int:
    """One notification per officer with a login and new matches in their
    area over the past seven days; keyed by the ISO week, so a second run in
    the same week sends nothing. Returns how many were sent."""
    import datetime as dt

    from django.urls import reverse
    from django.utils.translation import gettext as _

    from accounts.choices import NotificationKind, Role
    from accounts.models import Membership
    from accounts.notifications import announce_now
    from roster.models import Officer

    from .selectors import match_feed

    since = now - dt.timedelta(days=7)
    week = week_key(timezone.localtime(now).date())
    link = reverse("match-list", kwargs={"tenant_slug": tenant.slug})
    members = {
        m.user_id: m
        for m in Membership.objects.filter(tenant=tenant, role=Role.OFFICER).select_related(
            "tenant", "user"
        )
    }
    sent = 0
    officers = (
        Officer.objects.for_tenant(tenant)
        .filter(user__isnull=False, status="active")
        .select_related("user")
        .order_by("id")
    )
    for officer in officers:
        membership = members.get(officer.user_id)
        if membership is None:
            continue
        count = match_feed(membership=membership).filter(computed_at__gte=since).count()
        if not count:
            continue

        def message(count=count):
            return (
                _("%(n)d new matches in your area this week") % {"n": count},
                _("Open the matches: arrange a matchmaking event, or mark a pair not relevant."),
            )

        sent += announce_now(
            tenant=tenant,
            users=[officer.user],
            key=f"matches-week:{officer.id}:{week}",
            kind=NotificationKind.REMINDER,
            message=message,
            link=link,
        )
    return sent


@shared_task(acks_late=True)
def send_weekly_match_digests(now: str | None = None) -> dict:
    """Weekly: each officer's new matches, one notification per officer per week."""
    import datetime as dt

    from django.utils import translation

    from accounts.notifications import per_tenant_job

    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    with translation.override("zh-hans"):
        return per_tenant_job(
            "match-digests", lambda tenant, _detail: digest_tenant(tenant, moment), key="sent"
        )
