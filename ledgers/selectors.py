"""Reads of the ledgers: entries in the caller's reach, and who may review."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.choices import Role
from accounts.models import Membership
from roster.models import Officer
from roster.selectors import districts_in_reach, officer_list

from .models import Credit, Entry, EntryEvent, Reference

#: the ledgers' order, newest first (issue 16 lists: the ``entry_list_*`` indexes)
ENTRY_ORDER = ("-occurred_on", "-id")


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
    return (
        entries.order_by(*ENTRY_ORDER)
        .select_related("duplicate_of")
        .prefetch_related(
            Prefetch("officers", queryset=Officer.objects.order_by("id")),
            Prefetch("credits", queryset=Credit.objects.order_by("officer_id")),
        )
    )


#: Callables ``(membership) → ids`` (a set or a values query) of entries a member may *link*
#: (an event's or a conversion's ``matched``, a conversion's achievement)
#: though they cannot open them; apps above the ledgers register theirs in
#: ``AppConfig.ready`` (matching: the other side of the pairs in the
#: member's area, so "arrange a matchmaking event" links both sides).
LINKABLE: list = []


def linkable_entries(*, membership: Membership, kinds, also=()) -> QuerySet[Entry]:
    """Entries of ``kinds`` the member may link: those in reach, those the
    :data:`LINKABLE` hooks offer, and ``also`` (the ids an entry links
    already, kept on an edit). Titles only: linking opens nothing."""
    reach = Q(id__in=entry_list(membership=membership).order_by().values("id"))
    if also:
        reach |= Q(id__in=list(also))
    for extra in LINKABLE:
        reach |= Q(id__in=extra(membership))
    return (
        Entry.objects.for_tenant(membership.tenant)
        .filter(reach, kind__in=list(kinds))
        .order_by(*ENTRY_ORDER)
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


def is_creator(*, membership: Membership, entry: Entry) -> bool:
    """Whether the member logged the entry."""
    return entry.created_by_id is not None and entry.created_by_id == membership.user_id


def creditable_officers(*, membership: Membership) -> QuerySet[Officer]:
    """Officers the member may credit on an entry they log or edit: any
    officer of the tenant for admins; their districts' officers for district
    managers; for officers, themselves and any colleague of the tenant (the
    colleague confirms the credit before the entry is submitted); nobody for
    the other roles. An officer outside this set is refused as if unknown."""
    officers = Officer.objects.for_tenant(membership.tenant).select_related("district", "user")
    if membership.role in (Role.ADMIN, Role.OFFICER):
        return officers
    if membership.role == Role.DISTRICT_MANAGER:
        return officers.filter(district__in=districts_in_reach(membership=membership))
    return officers.none()


def _outside_districts(membership: Membership) -> QuerySet[Credit]:
    """Credits of the tenant whose officer is outside the manager's
    districts; city officers (no district) always are: an entry crediting
    one goes to the centre."""
    return Credit.objects.filter(entry__tenant=membership.tenant).filter(
        Q(officer__district__isnull=True)
        | ~Q(officer__district__in=districts_in_reach(membership=membership))
    )


def may_review(*, membership: Membership, entry: Entry) -> bool:
    """Four eyes: never the member who logged the entry, never an officer it
    credits (whatever their role). Then a tenant admin, or a district manager
    whose districts hold every officer the entry credits. An entry crediting
    a city officer (no district) or officers of a district the manager does
    not hold goes to the centre (the tenant admin)."""
    if is_creator(membership=membership, entry=entry):
        return False
    if is_credited_user(membership=membership, entry=entry):
        return False
    if membership.role == Role.ADMIN:
        return True
    if membership.role == Role.DISTRICT_MANAGER:
        credits = Credit.objects.filter(entry=entry)
        return credits.exists() and not _outside_districts(membership).filter(entry=entry).exists()
    return False


def awaiting_confirmation(*, membership: Membership) -> QuerySet[Entry]:
    """Entries crediting the member's login that wait for them to confirm
    or decline the credit."""
    pending = Credit.objects.filter(
        entry__tenant=membership.tenant, officer__user=membership.user, confirmed=False
    )
    return (
        Entry.objects.for_tenant(membership.tenant)
        .filter(id__in=pending.values("entry_id"))
        .select_related("created_by")
        .prefetch_related(Prefetch("officers", queryset=Officer.objects.order_by("id")))
        .order_by("-occurred_on", "-id")
    )


def unconfirmed_officers(entry: Entry) -> list[Officer]:
    """Credited officers who have not confirmed yet."""
    return [
        c.officer
        for c in entry.credits.filter(confirmed=False).select_related("officer").order_by("id")
    ]


def reference_list(*, membership: Membership, library: str | None = None) -> QuerySet[Reference]:
    """Reference libraries are shared by every member of the tenant."""
    refs = Reference.objects.for_tenant(membership.tenant).select_related("district")
    if library:
        refs = refs.filter(library=library)
    return refs.order_by("library", "name")


def review_queue(*, membership: Membership) -> QuerySet[Entry]:
    """Submitted entries the member may verify or return (the same rule as
    :func:`may_review`): not logged by them, not crediting them, and for a
    district manager only entries whose every credited officer is in their
    districts."""
    if membership.role not in (Role.ADMIN, Role.DISTRICT_MANAGER):
        return Entry.objects.none()
    entries = entry_list(membership=membership).filter(status="submitted")
    if membership.role == Role.DISTRICT_MANAGER:
        entries = entries.exclude(id__in=_outside_districts(membership).values("entry_id"))
    own = Credit.objects.filter(entry__tenant=membership.tenant, officer__user=membership.user)
    return (
        entries.exclude(id__in=own.values("entry_id"))
        .exclude(created_by=membership.user)
        .order_by("submitted_at", "id")
    )
