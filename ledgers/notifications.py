"""Who the ledger tells (issue 14): the officers an entry credits when it is
returned or verified; a colleague asked to confirm a shared credit. Sent
after commit by :func:`accounts.notifications.announce`, once per event."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import NotificationKind
from accounts.models import Membership
from accounts.notifications import announce

from .choices import EntryAction
from .models import Entry, EntryEvent


def _link(entry: Entry) -> str:
    return reverse("entry-detail", kwargs={"tenant_slug": entry.tenant.slug, "pk": entry.pk})


def _credited_users(entry: Entry) -> list:
    """The logins of the officers the entry credits, still members of the tenant."""
    members = set(
        Membership.objects.for_tenant(entry.tenant)
        .filter(is_active=True)
        .values_list("user_id", flat=True)
    )
    return [
        c.officer.user
        for c in entry.credits.select_related("officer__user")
        if c.officer.user_id in members
    ]


def entry_reviewed(*, entry: Entry, actor) -> None:
    """A verified or returned entry tells each officer it credits (not the reviewer)."""
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    title = entry.title
    if event.action == EntryAction.RETURNED:
        reason = event.reason

        def message():
            return (
                _("Your entry was returned: %(title)s") % {"title": title},
                _("Reason: %(reason)s. Correct it and submit it again.") % {"reason": reason},
            )

        kind = NotificationKind.ENTRY_RETURNED
    elif event.action == EntryAction.VERIFIED:

        def message():
            return (
                _("Your entry was verified: %(title)s") % {"title": title},
                _("It now counts towards your points."),
            )

        kind = NotificationKind.ENTRY_VERIFIED
    else:
        return
    announce(
        tenant=entry.tenant,
        users=_credited_users(entry),
        key=f"entry-{event.action}:{event.pk}",
        kind=kind,
        message=message,
        link=_link(entry),
        actor=actor,
    )


def co_credit_requested(*, entry: Entry, officer, by) -> None:
    """A colleague an officer credits is asked to confirm (once per entry)."""
    title, who = entry.title, str(by) if by else "—"

    def message():
        return (
            _("Confirm a shared credit: %(title)s") % {"title": title},
            _(
                "%(who)s logged “%(title)s” and credits you. "
                "Confirm it, or decline it with a reason."
            )
            % {"who": who, "title": title},
        )

    announce(
        tenant=entry.tenant,
        users=[officer.user],
        key=f"co-credit:{entry.pk}:{officer.pk}",
        kind=NotificationKind.CO_CREDIT,
        message=message,
        link=_link(entry),
        actor=by,
    )
