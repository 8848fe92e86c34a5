"""The record of every Excel file the portal produced, and the auditors'
check of an uploaded file (issue 14; the ``来源`` sheet and the sha256 are
defined in ``liaison.excel``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Tenant
from liaison.excel import PROVENANCE_KEYS, NotAWorkbook, read_back
from liaison.security import check_archive, is_zip

from .models import ExportRecord


def export_record_create(
    *, tenant: Tenant, user, at, kind: str, rows: int, sha256: str, provenance: dict
) -> ExportRecord:
    """Record one export (called by ``liaison.excel.seal`` as the file is
    saved)."""
    return ExportRecord.objects.create(
        tenant=tenant,
        export_id=provenance["export_id"],
        at=at,
        user_id=getattr(user, "pk", None),
        username=user.get_username() if user is not None else "",
        kind=kind,
        rows=rows,
        sha256=sha256,
        provenance=provenance,
    )


def export_verify(*, tenant: Tenant, handle) -> dict:
    """``{"valid": bool, "reason", "provenance", "sha256", "sheets", "rows"}``
    for an uploaded file. Valid only when the rows hash to the ``来源``
    sheet's sha256 and this tenant's record of that export holds the same
    digest and the same ``来源`` values. Writes nothing. Raises
    :class:`liaison.excel.NotAWorkbook` for a file that is no workbook."""
    back = read_back(handle)
    answer = {
        "valid": False,
        "reason": "",
        "provenance": {k: back.provenance.get(k, "") for k in PROVENANCE_KEYS}
        if back.has_provenance
        else {},
        "sha256": back.sha256,
        "sheets": back.sheets,
        "rows": back.rows,
    }
    if not back.has_provenance:
        answer["reason"] = _("The file has no 来源 (provenance) sheet: the portal did not make it.")
        return answer
    claimed = back.provenance.get("sha256", "")
    if claimed != back.sha256:
        answer["reason"] = _(
            "The rows were changed after export: their SHA-256 differs from the one "
            "in the 来源 sheet."
        )
        return answer
    record = (
        ExportRecord.objects.for_tenant(tenant)
        .filter(export_id=back.provenance.get("export_id", ""))
        .first()
    )
    if record is None or record.sha256 != back.sha256:
        answer["reason"] = _("The portal has no record of this export for this tenant.")
        return answer
    written = {k: record.provenance.get(k, "") for k in PROVENANCE_KEYS}
    if written != answer["provenance"]:
        answer["reason"] = _(
            "The 来源 sheet was changed: it differs from the portal's record of this export."
        )
        return answer
    answer["valid"] = True
    answer["reason"] = _("This file was produced by the portal and is unchanged.")
    return answer


def export_verify_upload(*, tenant: Tenant, upload) -> dict:
    """:func:`export_verify` for an uploaded file, after the checks every
    upload gets: a file that is no .xlsx workbook (not a zip, an archive that
    promises too much, a zip openpyxl cannot read) raises ``ValidationError``
    on ``file`` (400); nothing is written either way."""
    if upload is None:
        raise ValidationError({"file": _("Choose the Excel file to check.")})
    if not is_zip(upload):
        raise ValidationError({"file": _("This is not an Excel .xlsx file.")})
    check_archive(upload)
    try:
        return export_verify(tenant=tenant, handle=upload)
    except NotAWorkbook:
        raise ValidationError(
            {"file": _("The file cannot be read as an Excel workbook: it is damaged or not .xlsx.")}
        ) from None


__all__ = ["NotAWorkbook", "export_record_create", "export_verify", "export_verify_upload"]
