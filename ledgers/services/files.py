"""Evidence files and the reference libraries."""

from __future__ import annotations

import hashlib

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant
from liaison.security import check_archive, is_zip

from ..choices import EntryAction
from ..models import Entry, Evidence, Reference
from .entries import _check_may_edit, _lock, _record

#: Evidence types accepted, by MIME type detected from the content. No XML
#: type (svg, xml) is accepted: nothing here parses XML.
EVIDENCE_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "video/mp4": "MP4",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
}

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
    if is_zip(upload):  # docx, xlsx: the directory is checked before anything parses it
        check_archive(upload)
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
