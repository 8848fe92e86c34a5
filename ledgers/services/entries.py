"""Creating and editing entries (with their credits), and the helpers the
other ledger services share."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant
from liaison.errors import Conflict
from roster.models import Officer
from roster.selectors import terms_served
from scoring.selectors import snapshot_get
from scoring.shares import shares_refresh

from ..choices import EntryAction, EntryKind, EntryStatus, Library
from ..models import Credit, Entry, EntryEvent
from ..notifications import co_credit_requested
from ..selectors import creditable_officers, credited_officers, is_credited_user

#: Kind-specific fields each kind may carry (besides title and occurred_on).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    EntryKind.ACHIEVEMENT: ("expert", "institution", "field", "maturity", "summary"),
    EntryKind.DEMAND: ("enterprise", "summary", "field", "budget", "wanted_by", "is_valid"),
    EntryKind.EVENT: ("event_type", "venue", "participants", "summary", "matched"),
    EntryKind.CONVERSION: (
        "achievement",
        "enterprise",
        "mode",
        "contract_amount",
        "contract_date",
        "registration_no",
        "summary",
        "matched",
    ),
    EntryKind.CASE: ("summary", "conversion"),
    EntryKind.VIDEO: ("platform", "link", "summary"),
}
COMMON_FIELDS = ("title", "occurred_on")
#: The kinds of entry each kind's ``matched`` may link.
MATCHABLE_KINDS: dict[str, tuple[str, ...]] = {
    EntryKind.EVENT: (EntryKind.ACHIEVEMENT, EntryKind.DEMAND),
    EntryKind.CONVERSION: (EntryKind.DEMAND,),
}

EDITABLE_BY_OFFICERS = (EntryStatus.DRAFT, EntryStatus.RETURNED)

#: Callables ``(entry) → None`` run after an entry's verification, or a
#: correction of a verified entry, commits; apps above the ledgers register
#: theirs in ``AppConfig.ready`` (matching: a verified demand or achievement
#: is matched again), so no import runs upward.
ON_VERIFIED: list[Callable[[Entry], None]] = []


# --- helpers ---------------------------------------------------------------------------


def _record(
    *, entry: Entry, action: str, actor, from_status: str = "", changes=None, reason: str = ""
) -> EntryEvent:
    return EntryEvent.objects.create(
        entry=entry,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=entry.status,
        changes=changes or {},
        reason=reason,
    )


def _jsonable(value):
    if isinstance(value, dt.date | decimal.Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return sorted(_jsonable(v) for v in value)
    return value


def _snapshot(entry: Entry, fields: Iterable[str]) -> dict:
    """Field values of an entry as JSON-able data, for history rows."""
    out = {}
    for name in fields:
        if name == "matched":
            out[name] = sorted(entry.matched.values_list("id", flat=True)) if entry.pk else []
        elif name == "officers":
            out[name] = sorted(entry.credits.values_list("officer_id", flat=True))
        else:
            out[name] = _jsonable(getattr(entry, name))
    return out


def _own_officers(membership: Membership) -> list[Officer]:
    return list(Officer.objects.for_tenant(membership.tenant).filter(user=membership.user))


def _check_credits(*, membership: Membership, officers: list[Officer]) -> None:
    """Who may credit whom (:func:`ledgers.selectors.creditable_officers`):
    an admin any officer of the tenant; a district manager only officers of
    their districts; an officer themselves plus colleagues of the tenant
    (who then confirm). An officer outside the caller's reach is refused
    exactly like an unknown one."""
    if membership.role not in (Role.ADMIN, Role.DISTRICT_MANAGER, Role.OFFICER):
        raise PermissionDenied(_("Your role does not log ledger entries."))
    if not officers:
        raise ValidationError({"officers": _("Name at least one credited officer.")})
    reach = creditable_officers(membership=membership).filter(id__in=[o.id for o in officers])
    if set(reach.values_list("id", flat=True)) != {o.id for o in officers}:
        raise ValidationError({"officers": _("Unknown officer.")})
    if membership.role == Role.OFFICER:
        own = {o.id for o in _own_officers(membership)}
        if not own & {o.id for o in officers}:
            raise ValidationError(
                {"officers": _("An entry you log must credit you; add yourself to the officers.")}
            )


def _check_date(*, occurred_on: dt.date | None, officers: list[Officer]) -> None:
    """Not after today (Asia/Shanghai), and inside a term of at least one
    credited officer: the current term or, for a renewed appointment, an
    earlier one (an open end counts as open)."""
    if occurred_on is None:
        return
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date cannot be later than today.")})
    if officers and not any(
        start <= occurred_on <= end
        for served in terms_served(officers=list(officers)).values()
        for start, end in served
    ):
        raise ValidationError(
            {
                "occurred_on": _(
                    "The date lies outside the term of every credited officer; "
                    "choose a date within a credited officer's term."
                )
            }
        )


def _check_year_open(*, tenant: Tenant, occurred_on: dt.date | None) -> None:
    """A finalised year takes no new entries (409)."""
    if occurred_on is not None and snapshot_get(tenant=tenant, year=occurred_on.year):
        raise Conflict(
            _("The year %(year)s is finalised: it takes no new entries.")
            % {"year": occurred_on.year}
        )


def _add_credits(*, entry: Entry, membership: Membership, officers: Iterable[Officer]) -> None:
    """Credit ``officers``. When an officer logs, the colleagues they name
    start unconfirmed (and are told); their own credit and every credit a
    manager or admin gives are confirmed from the start."""
    now = timezone.now()
    own = {o.id for o in _own_officers(membership)} if membership.role == Role.OFFICER else None
    rows = []
    for officer in officers:
        confirmed = own is None or officer.id in own
        rows.append(
            Credit(
                entry=entry,
                officer=officer,
                confirmed=confirmed,
                confirmed_at=now if confirmed else None,
            )
        )
    Credit.objects.bulk_create(rows)
    for row in rows:
        if not row.confirmed and row.officer.user_id:
            _notify_co_credit(entry=entry, officer=row.officer, by=membership.user)


def _notify_co_credit(*, entry: Entry, officer: Officer, by) -> None:
    co_credit_requested(entry=entry, officer=officer, by=by)


def _check_links(*, tenant: Tenant, kind: str, data: dict) -> None:
    """Linked rows must be of this tenant and of the right kind or library."""
    errors: dict[str, str] = {}
    ref_rules = {"expert": Library.EXPERT, "enterprise": Library.ENTERPRISE}
    for name, library in ref_rules.items():
        ref = data.get(name)
        if ref is not None and (ref.tenant_id != tenant.id or ref.library != library):
            errors[name] = _("Choose an entry of the %(library)s library.") % {
                "library": Library(library).label
            }
    entry_rules = {"achievement": EntryKind.ACHIEVEMENT, "conversion": EntryKind.CONVERSION}
    for name, linked_kind in entry_rules.items():
        linked = data.get(name)
        if linked is not None and (linked.tenant_id != tenant.id or linked.kind != linked_kind):
            errors[name] = _("Choose a ledger entry of kind %(kind)s.") % {
                "kind": EntryKind(linked_kind).label
            }
    # an event links achievements and demands; a conversion names the demands it
    # meets (issue 15: the funnel counts a demand converted by this link only)
    matchable = MATCHABLE_KINDS.get(kind, ())
    for linked in data.get("matched") or []:
        if linked.tenant_id != tenant.id or linked.kind not in matchable:
            errors["matched"] = (
                _("A conversion names the demands it meets only.")
                if kind == EntryKind.CONVERSION
                else _("An event matches achievements and demands only.")
            )
    if errors:
        raise ValidationError(errors)


def _allowed_fields(kind: str, data: dict) -> dict:
    allowed = set(COMMON_FIELDS) | set(KIND_FIELDS[kind])
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(
            {name: _("This field does not belong to this kind of entry.") for name in unknown}
        )
    return data


def find_duplicate(entry: Entry) -> Entry | None:
    """A likely duplicate logged earlier in the tenant: same kind and title
    (ignoring case and surrounding spaces) with the same institution
    (achievements) or enterprise (demands, conversions); kinds without either
    compare the date instead."""
    same = Entry.objects.for_tenant(entry.tenant).filter(
        kind=entry.kind, title__iexact=entry.title.strip()
    )
    if entry.pk:
        same = same.exclude(pk=entry.pk)
    if entry.kind == EntryKind.ACHIEVEMENT:
        if not entry.institution.strip():
            return None
        same = same.filter(institution__iexact=entry.institution.strip())
    elif entry.kind in (EntryKind.DEMAND, EntryKind.CONVERSION):
        if entry.enterprise_id is None:
            return None
        same = same.filter(enterprise_id=entry.enterprise_id)
    else:
        same = same.filter(occurred_on=entry.occurred_on)
    return same.order_by("created_at", "id").first()


def _assign(entry: Entry, data: dict) -> None:
    for name, value in data.items():
        if name != "matched":
            setattr(entry, name, value.strip() if isinstance(value, str) else value)


# --- create and edit -------------------------------------------------------------------


@transaction.atomic
def entry_create(
    *, tenant: Tenant, membership: Membership, kind: str, data: dict, officers: list[Officer]
) -> Entry:
    """Log an entry as a draft, crediting ``officers``."""
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("Unknown kind of entry.")})
    data = _allowed_fields(kind, dict(data))
    officers = list(dict.fromkeys(officers))  # an officer named twice is credited once
    _check_credits(membership=membership, officers=officers)
    _check_links(tenant=tenant, kind=kind, data=data)
    entry = Entry(tenant=tenant, kind=kind, created_by=membership.user)
    _assign(entry, data)
    entry.full_clean(exclude=["officers", "matched"])
    _check_date(occurred_on=entry.occurred_on, officers=officers)
    _check_year_open(tenant=tenant, occurred_on=entry.occurred_on)
    entry.duplicate_of = find_duplicate(entry)
    entry.save()
    _add_credits(entry=entry, membership=membership, officers=officers)
    if data.get("matched"):
        entry.matched.set(data["matched"])
    fields = (*COMMON_FIELDS, *KIND_FIELDS[kind], "officers")
    _record(
        entry=entry,
        action=EntryAction.CREATED,
        actor=membership.user,
        changes={
            k: [None, v] for k, v in _snapshot(entry, fields).items() if v not in (None, "", [])
        },
    )
    return entry


def _lock(tenant: Tenant, entry: Entry) -> Entry:
    return Entry.objects.for_tenant(tenant).select_for_update().get(pk=entry.pk)


def _check_may_edit(*, membership: Membership, entry: Entry, reason: str) -> str:
    """The history action an edit records, or an error: officers edit their
    drafts and returned entries; managers and admins in reach edit anything,
    a verified entry only as a correction with a reason."""
    if membership.role == Role.OFFICER:
        if not is_credited_user(membership=membership, entry=entry):
            raise PermissionDenied(_("You may only edit entries that credit you."))
        if not entry.credits.filter(officer__user=membership.user, confirmed=True).exists():
            raise PermissionDenied(_("Confirm or decline your credit on this entry first."))
        if entry.status == EntryStatus.VERIFIED:
            raise PermissionDenied(_("A verified entry cannot be edited by its officers."))
        if entry.status == EntryStatus.SUBMITTED:
            raise Conflict(_("The entry is awaiting review; withdraw it before editing."))
        return EntryAction.UPDATED
    if membership.role not in (Role.ADMIN, Role.DISTRICT_MANAGER):
        raise PermissionDenied(_("Your role does not edit ledger entries."))
    if entry.status == EntryStatus.VERIFIED:
        if not reason.strip():
            raise ValidationError({"reason": _("A correction of a verified entry needs a reason.")})
        return EntryAction.CORRECTED
    return EntryAction.UPDATED


@transaction.atomic
def entry_update(
    *,
    tenant: Tenant,
    membership: Membership,
    entry: Entry,
    data: dict,
    officers: list[Officer] | None = None,
    reason: str = "",
) -> Entry:
    """Edit an entry; the history row keeps every changed field before/after."""
    entry = _lock(tenant, entry)
    action = _check_may_edit(membership=membership, entry=entry, reason=reason)
    data = _allowed_fields(entry.kind, dict(data))
    if officers is not None:
        officers = list(dict.fromkeys(officers))  # an officer named twice is credited once
        _check_credits(membership=membership, officers=officers)
    _check_links(tenant=tenant, kind=entry.kind, data=data)
    fields = [*data, *(["officers"] if officers is not None else [])]
    before = _snapshot(entry, fields)
    old_date = entry.occurred_on
    _assign(entry, data)
    entry.full_clean(exclude=["officers", "matched"])
    if "occurred_on" in data or officers is not None:
        _check_date(
            occurred_on=entry.occurred_on,
            officers=officers if officers is not None else credited_officers(entry),
        )
    if entry.occurred_on.year != old_date.year:  # moved into another year
        _check_year_open(tenant=tenant, occurred_on=entry.occurred_on)
    if {"title", "institution", "enterprise", "occurred_on"} & set(data):
        entry.duplicate_of = find_duplicate(entry)
    entry.save()
    if "matched" in data:
        entry.matched.set(data["matched"] or [])
    if officers is not None:
        entry.credits.exclude(officer__in=officers).delete()
        have = set(entry.credits.values_list("officer_id", flat=True))
        _add_credits(
            entry=entry,
            membership=membership,
            officers=[o for o in officers if o.id not in have],
        )
    if entry.status == EntryStatus.VERIFIED:  # a correction re-scores the entry
        shares_refresh(tenant=tenant, entries=[entry.id])
    after = _snapshot(entry, fields)
    changes = {k: [before[k], after[k]] for k in fields if before[k] != after[k]}
    if changes:
        _record(
            entry=entry,
            action=action,
            actor=membership.user,
            from_status=entry.status,
            changes=changes,
            reason=reason.strip(),
        )
        if entry.status == EntryStatus.VERIFIED:  # issue 15 matching
            for hook in ON_VERIFIED:
                transaction.on_commit(functools.partial(hook, entry))
    return entry
