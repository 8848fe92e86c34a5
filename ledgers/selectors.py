"""Reads of the ledgers: entries in the caller's reach, and who may review."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.choices import Role
from accounts.models import Membership
from roster.models import Officer
from roster.selectors import districts_in_reach, officer_list

from .models import Credit, Entry, EntryEvent, Reference


def entry_list(*, membership: Membership, kind: str | None = None) -> QuerySet[Entry]:
    """Entries the member can see: every entry for admins and auditors; for
    the others, entries crediting at least one officer they can see (a
    manager's districts, a reviewer's units, an officer's own appointments)."""
    entries = Entry.objects.for_tenant(membership.tenant)
    if kind is not None:
        entries = entries.filter(kind=kind)
    if not membership.reads_all:
        visible = officer_list(membership=membership).order_by().values("id")
        entries = entries.filter(
            id__in=Credit.objects.filter(officer_id__in=visible).values("entry_id")
        )
    return entries.select_related("duplicate_of").prefetch_related(
        Prefetch("officers", queryset=Officer.objects.order_by("id"))
    )


def entry_detail_list(*, membership: Membership, kind: str | None = None) -> QuerySet[Entry]:
    """Entries with their history and evidence, for detail views."""
    return entry_list(membership=membership, kind=kind).prefetch_related(
        Prefetch(
            "history", queryset=EntryEvent.objects.select_related("actor").order_by("at", "id")
        ),
        "evidence",
        "matched",
    )


def credited_officers(entry: Entry) -> list[Officer]:
    return [c.officer for c in entry.credits.select_related("officer", "officer__district")]


def is_credited_user(*, membership: Membership, entry: Entry) -> bool:
    """Whether the member's login is one of the officers the entry credits."""
    return Credit.objects.filter(entry=entry, officer__user=membership.user).exists()


def may_review(*, membership: Membership, entry: Entry) -> bool:
    """A tenant admin, or a district manager with a credited officer in their
    districts, and never an officer the entry credits."""
    if is_credited_user(membership=membership, entry=entry):
        return False
    if membership.role == Role.ADMIN:
        return True
    if membership.role == Role.DISTRICT_MANAGER:
        return Credit.objects.filter(
            entry=entry, officer__district__in=districts_in_reach(membership=membership)
        ).exists()
    return False


def reference_list(*, membership: Membership, library: str | None = None) -> QuerySet[Reference]:
    """Reference libraries are shared by every member of the tenant."""
    refs = Reference.objects.for_tenant(membership.tenant).select_related("district")
    if library:
        refs = refs.filter(library=library)
    return refs.order_by("library", "name")


def review_queue(*, membership: Membership) -> QuerySet[Entry]:
    """Submitted entries the member may verify or return."""
    entries = entry_list(membership=membership).filter(status="submitted")
    if membership.role == Role.DISTRICT_MANAGER:
        entries = entries.filter(
            id__in=Credit.objects.filter(
                officer__district__in=districts_in_reach(membership=membership)
            ).values("entry_id")
        )
    elif membership.role != Role.ADMIN:
        return entries.none()
    own = Credit.objects.filter(entry__tenant=membership.tenant, officer__user=membership.user)
    return entries.exclude(id__in=own.values("entry_id")).order_by("submitted_at", "id")
