"""Co-credit confirmation: a colleague an officer credits confirms the credit,
or declines it with a reason (the entry then drops them). Submission waits
until every credit is confirmed (see ``transitions.entry_submit``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Tenant
from liaison.errors import Conflict

from ..choices import EntryAction
from ..models import Credit, Entry
from .entries import _lock, _record


def _my_credits(membership: Membership, entry: Entry):
    credits = Credit.objects.filter(entry=entry, officer__user=membership.user)
    if not credits.exists():
        raise PermissionDenied(
            _("Only an officer the entry credits confirms or declines the credit.")
        )
    pending = credits.filter(confirmed=False)  # the entry's row lock serialises these
    if not pending.exists():
        raise Conflict(_("Your credit on this entry is already confirmed."))
    return pending


@transaction.atomic
def entry_confirm(*, tenant: Tenant, membership: Membership, entry: Entry) -> Entry:
    """The credited officer confirms they did this work with the colleague who logged it."""
    entry = _lock(tenant, entry)
    pending = _my_credits(membership, entry)
    officer_ids = sorted(pending.values_list("officer_id", flat=True))
    pending.update(confirmed=True, confirmed_at=timezone.now())
    _record(
        entry=entry,
        action=EntryAction.CONFIRMED,
        actor=membership.user,
        from_status=entry.status,
        changes={"confirmed": [[], officer_ids]},
    )
    return entry


@transaction.atomic
def entry_decline(*, tenant: Tenant, membership: Membership, entry: Entry, reason: str) -> Entry:
    """The credited officer declines: the entry no longer credits them."""
    entry = _lock(tenant, entry)
    pending = _my_credits(membership, entry)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why you decline the credit.")})
    before = sorted(entry.credits.values_list("officer_id", flat=True))
    dropped = set(pending.values_list("officer_id", flat=True))
    if not set(before) - dropped:
        raise Conflict(_("The entry would credit nobody; ask the manager to remove it."))
    pending.delete()
    _record(
        entry=entry,
        action=EntryAction.DECLINED,
        actor=membership.user,
        from_status=entry.status,
        changes={"officers": [before, sorted(set(before) - dropped)]},
        reason=reason.strip(),
    )
    return entry
