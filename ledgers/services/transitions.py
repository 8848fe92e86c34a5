"""Submit, withdraw, verify, return: each locks the entry and checks the
state it starts from."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant
from liaison.errors import Conflict
from scoring.shares import shares_refresh

from ..choices import EntryAction, EntryStatus
from ..models import Entry
from ..notifications import entry_reviewed
from ..selectors import is_creator, is_credited_user, may_review, unconfirmed_officers
from .entries import EDITABLE_BY_OFFICERS, ON_VERIFIED, _lock, _record

# --- transitions -----------------------------------------------------------------------


def _check_may_submit(membership: Membership, entry: Entry) -> None:
    if membership.role == Role.OFFICER:
        if not is_credited_user(membership=membership, entry=entry):
            raise PermissionDenied(_("You may only submit entries that credit you."))
    elif membership.role not in (Role.ADMIN, Role.DISTRICT_MANAGER):
        raise PermissionDenied(_("Your role does not submit ledger entries."))


def _check_submit(membership: Membership, entry: Entry) -> None:
    """Who may submit, and not while a co-credited colleague has yet to confirm."""
    _check_may_submit(membership, entry)
    waiting = unconfirmed_officers(entry)
    if waiting:
        raise Conflict(
            _("Waiting for %(names)s to confirm the shared credit before it can be submitted.")
            % {"names": _(", ").join(o.full_name for o in waiting)}
        )


def _check_may_review(membership: Membership, entry: Entry) -> None:
    """Four eyes (:func:`ledgers.selectors.may_review`), with the reason why not."""
    if is_creator(membership=membership, entry=entry):
        raise PermissionDenied(_("You logged this entry: another member verifies or returns it."))
    if is_credited_user(membership=membership, entry=entry):
        raise PermissionDenied(_("An officer the entry credits cannot verify or return it."))
    if not may_review(membership=membership, entry=entry):
        raise PermissionDenied(
            _(
                "Only the centre, or a district manager holding the districts of every "
                "credited officer, verifies or returns this entry."
            )
        )


def review_refusal(*, membership: Membership, entry: Entry) -> str:
    """Why this member may not verify or return the entry ("" when they may),
    for the entry page to say so instead of silently showing no buttons."""
    try:
        _check_may_review(membership, entry)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def _transition(
    *, tenant, membership, entry, check, allowed_from, to, action, reason: str = "", stamp=None
) -> Entry:
    with transaction.atomic():
        entry = _lock(tenant, entry)
        check(membership, entry)
        if entry.status not in allowed_from:
            raise Conflict(
                _("Not allowed while the entry is %(status)s.")
                % {"status": EntryStatus(entry.status).label}
            )
        before = entry.status
        entry.status = to
        if stamp:
            stamp(entry)
        entry.save()
        if EntryStatus.VERIFIED in (before, to):  # shares follow the verified state
            shares_refresh(tenant=tenant, entries=[entry.id])
        _record(
            entry=entry, action=action, actor=membership.user, from_status=before, reason=reason
        )
    return entry


def entry_submit(*, tenant: Tenant, membership: Membership, entry: Entry) -> Entry:
    def stamp(e):
        e.submitted_at = timezone.now()
        e.return_reason = ""

    return _transition(
        tenant=tenant,
        membership=membership,
        entry=entry,
        check=_check_submit,
        allowed_from=EDITABLE_BY_OFFICERS,
        to=EntryStatus.SUBMITTED,
        action=EntryAction.SUBMITTED,
        stamp=stamp,
    )


def withdraw_is_return(*, membership: Membership, entry: Entry) -> bool:
    """A manager's or admin's withdraw of someone else's submitted entry is a
    return (reason required, four eyes); the officers' own withdraw, and a
    manager's of an entry they logged, take it back to draft."""
    return (
        membership.role in (Role.ADMIN, Role.DISTRICT_MANAGER)
        and not is_creator(membership=membership, entry=entry)
        and not is_credited_user(membership=membership, entry=entry)
    )


def entry_withdraw(
    *, tenant: Tenant, membership: Membership, entry: Entry, reason: str = ""
) -> Entry:
    if withdraw_is_return(membership=membership, entry=entry):
        return entry_return(tenant=tenant, membership=membership, entry=entry, reason=reason)
    return _transition(
        tenant=tenant,
        membership=membership,
        entry=entry,
        check=_check_may_submit,
        allowed_from=(EntryStatus.SUBMITTED,),
        to=EntryStatus.DRAFT,
        action=EntryAction.WITHDRAWN,
    )


def entry_verify(*, tenant: Tenant, membership: Membership, entry: Entry) -> Entry:
    def stamp(e):
        e.verified_at = timezone.now()
        e.verified_by = membership.user

    entry = _transition(
        tenant=tenant,
        membership=membership,
        entry=entry,
        check=_check_may_review,
        allowed_from=(EntryStatus.SUBMITTED,),
        to=EntryStatus.VERIFIED,
        action=EntryAction.VERIFIED,
        stamp=stamp,
    )
    entry_reviewed(entry=entry, actor=membership.user)  # issue 14: after commit
    for hook in ON_VERIFIED:  # issue 15 matching
        transaction.on_commit(functools.partial(hook, entry))
    return entry


def entry_return(*, tenant: Tenant, membership: Membership, entry: Entry, reason: str) -> Entry:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the entry is returned.")})

    def stamp(e):
        e.return_reason = reason.strip()

    entry = _transition(
        tenant=tenant,
        membership=membership,
        entry=entry,
        check=_check_may_review,
        allowed_from=(EntryStatus.SUBMITTED,),
        to=EntryStatus.RETURNED,
        action=EntryAction.RETURNED,
        reason=reason.strip(),
        stamp=stamp,
    )
    entry_reviewed(entry=entry, actor=membership.user)  # issue 14: after commit
    return entry


def entry_verify_many(
    *, tenant: Tenant, membership: Membership, entries: Iterable[Entry]
) -> tuple[list[Entry], list[tuple[Entry, str]]]:
    """Bulk verify from the review queue: each entry in its own transaction;
    returns the verified ones and the refused ones with the reason."""
    done, refused = [], []
    for entry in entries:
        try:
            done.append(entry_verify(tenant=tenant, membership=membership, entry=entry))
        except (PermissionDenied, Conflict) as exc:
            refused.append((entry, str(exc)))
    return done, refused
