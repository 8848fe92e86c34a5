"""Writes of the ledgers. Every change is one atomic action that also writes
its history row; transitions lock the entry and check the state they start
from, so concurrent requests change an entry once.

Errors: ``ValidationError`` for bad input, ``PermissionDenied`` when the
caller sees the entry but may not do this, :class:`liaison.errors.Conflict`
when the entry's state does not allow it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from collections.abc import Iterable

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant
from liaison.errors import Conflict
from roster.models import Officer
from roster.selectors import officer_list
from scoring.shares import shares_refresh

from .choices import EntryAction, EntryKind, EntryStatus, Library
from .models import Credit, Entry, EntryEvent, Evidence, Reference
from .selectors import is_credited_user, may_review

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
    ),
    EntryKind.CASE: ("summary", "conversion"),
    EntryKind.VIDEO: ("platform", "link", "summary"),
}
COMMON_FIELDS = ("title", "occurred_on")

#: Evidence types accepted, by MIME type detected from the content.
EVIDENCE_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "video/mp4": "MP4",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
}

EDITABLE_BY_OFFICERS = (EntryStatus.DRAFT, EntryStatus.RETURNED)


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
    """Who may credit whom: an officer credits themselves (and may add
    co-credited officers of the tenant); a manager or admin logs for officers
    in reach (at least one credited officer must be)."""
    if not officers:
        raise ValidationError({"officers": _("Name at least one credited officer.")})
    if any(o.tenant_id != membership.tenant_id for o in officers):
        raise ValidationError({"officers": _("Unknown officer.")})
    if membership.role == Role.OFFICER:
        own = {o.id for o in _own_officers(membership)}
        if not own & {o.id for o in officers}:
            raise ValidationError(
                {"officers": _("An entry you log must credit you; add yourself to the officers.")}
            )
    elif membership.role in (Role.ADMIN, Role.DISTRICT_MANAGER):
        reach = set(officer_list(membership=membership).values_list("id", flat=True))
        if not reach & {o.id for o in officers}:
            raise ValidationError(
                {"officers": _("At least one credited officer must be in your districts.")}
            )
    else:
        raise PermissionDenied(_("Your role does not log ledger entries."))


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
    for linked in data.get("matched") or []:
        if linked.tenant_id != tenant.id or linked.kind not in (
            EntryKind.ACHIEVEMENT,
            EntryKind.DEMAND,
        ):
            errors["matched"] = _("An event matches achievements and demands only.")
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
    entry.duplicate_of = find_duplicate(entry)
    entry.save()
    Credit.objects.bulk_create([Credit(entry=entry, officer=o) for o in officers])
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
    _assign(entry, data)
    entry.full_clean(exclude=["officers", "matched"])
    if {"title", "institution", "enterprise", "occurred_on"} & set(data):
        entry.duplicate_of = find_duplicate(entry)
    entry.save()
    if "matched" in data:
        entry.matched.set(data["matched"] or [])
    if officers is not None:
        entry.credits.exclude(officer__in=officers).delete()
        have = set(entry.credits.values_list("officer_id", flat=True))
        Credit.objects.bulk_create(
            [Credit(entry=entry, officer=o) for o in officers if o.id not in have]
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
    return entry


# --- transitions -----------------------------------------------------------------------


def _check_may_submit(membership: Membership, entry: Entry) -> None:
    if membership.role == Role.OFFICER:
        if not is_credited_user(membership=membership, entry=entry):
            raise PermissionDenied(_("You may only submit entries that credit you."))
    elif membership.role not in (Role.ADMIN, Role.DISTRICT_MANAGER):
        raise PermissionDenied(_("Your role does not submit ledger entries."))


def _check_may_review(membership: Membership, entry: Entry) -> None:
    if is_credited_user(membership=membership, entry=entry):
        raise PermissionDenied(_("An officer the entry credits cannot verify or return it."))
    if not may_review(membership=membership, entry=entry):
        raise PermissionDenied(
            _(
                "Only the centre or the credited officers' district managers "
                "verify or return entries."
            )
        )


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
        check=_check_may_submit,
        allowed_from=EDITABLE_BY_OFFICERS,
        to=EntryStatus.SUBMITTED,
        action=EntryAction.SUBMITTED,
        stamp=stamp,
    )


def entry_withdraw(*, tenant: Tenant, membership: Membership, entry: Entry) -> Entry:
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

    return _transition(
        tenant=tenant,
        membership=membership,
        entry=entry,
        check=_check_may_review,
        allowed_from=(EntryStatus.SUBMITTED,),
        to=EntryStatus.VERIFIED,
        action=EntryAction.VERIFIED,
        stamp=stamp,
    )


def entry_return(*, tenant: Tenant, membership: Membership, entry: Entry, reason: str) -> Entry:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the entry is returned.")})

    def stamp(e):
        e.return_reason = reason.strip()

    return _transition(
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


# --- evidence ---------------------------------------------------------------------------


def _sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


@transaction.atomic
def evidence_add(
    *, tenant: Tenant, membership: Membership, entry: Entry, upload: UploadedFile
) -> Evidence:
    """Attach a file: size-limited, type checked by content (never by name)."""
    entry = _lock(tenant, entry)
    if membership.role == Role.OFFICER:
        _check_may_edit(membership=membership, entry=entry, reason="")
    elif membership.role not in (Role.ADMIN, Role.DISTRICT_MANAGER):
        raise PermissionDenied(_("Your role does not add evidence."))
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
                % {"size": upload.size / 2**20, "limit": limit / 2**20}
            }
        )
    mime = _sniff(upload)
    if mime not in EVIDENCE_TYPES:
        raise ValidationError(
            {
                "file": _("This type of file is not accepted. Upload %(types)s.")
                % {"types": _(", ").join(EVIDENCE_TYPES.values())}
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "evidence").rsplit("/", 1)[-1][:200]
    evidence = Evidence(
        entry=entry,
        original_name=name,
        content_type=mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=membership.user,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    _record(
        entry=entry,
        action=EntryAction.EVIDENCE_ADDED,
        actor=membership.user,
        from_status=entry.status,
        changes={"evidence": [None, name]},
    )
    return evidence


# --- reference libraries ----------------------------------------------------------------


@transaction.atomic
def reference_create(
    *, tenant: Tenant, membership: Membership, library: str, name: str, **fields
) -> Reference:
    """Add a row to a reference library (any member but auditors)."""
    if membership.role == Role.AUDITOR:
        raise PermissionDenied(_("Auditors change nothing."))
    name = (name or "").strip()
    if Reference.objects.for_tenant(tenant).filter(library=library, name__iexact=name).exists():
        raise ValidationError(
            {"name": _("“%(name)s” is already in this library.") % {"name": name}}
        )
    district = fields.get("district")
    if district is not None and district.tenant_id != tenant.id:
        raise ValidationError({"district": _("Unknown district.")})
    ref = Reference(tenant=tenant, library=library, name=name, created_by=membership.user, **fields)
    ref.full_clean()
    ref.save()
    return ref
