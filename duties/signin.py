"""Reading a training's sign-in sheet (签到表): an .xlsx whose header row
holds 姓名 and, optionally, 手机 or 手机号. Officers are matched by mobile
first, then by a full name that is unique among the officers in reach.
Nothing is written here: the page saves the matched officers with
``attendance_set(source="signin")``."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liaison.security import check_archive, is_zip
from roster.models import Officer

#: The largest sheet read (a sign-in sheet is a few kilobytes).
MAX_BYTES = 2 * 1024 * 1024
#: Rows read at most below the header.
MAX_ROWS = 2000
#: Parts of the workbook at most (a plain sheet has about ten).
MAX_MEMBERS = 100
NAME_HEADERS = ("姓名",)
MOBILE_HEADERS = ("手机", "手机号", "手机号码")


@dataclass
class SigninResult:
    """Officers matched, and the rows that were not: ``(row, name, why)``."""

    matched: list[Officer] = field(default_factory=list)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def read_signin(upload, officers: list[Officer]) -> SigninResult:
    """Match the sheet's rows to ``officers`` (those in reach). Raises
    ``ValidationError`` on ``file`` when the file is not a readable .xlsx
    with a 姓名 column."""
    from openpyxl import load_workbook

    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".xlsx"):
        raise ValidationError({"file": _("Upload the sign-in sheet as an Excel file (.xlsx).")})
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(limit)s MB.")
                % {"limit": MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    if not is_zip(upload):
        raise ValidationError(
            {"file": _("The file cannot be read as an Excel workbook (.xlsx).")}
        ) from None
    check_archive(upload, max_members=MAX_MEMBERS)  # a zip bomb is refused unread
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationError(
            {"file": _("The file cannot be read as an Excel workbook (.xlsx).")}
        ) from None
    try:
        rows = book.active.iter_rows(values_only=True)
        header_at, name_col, mobile_col = None, None, None
        for number, row in enumerate(rows, start=1):
            cells = [_text(c) for c in row]
            if any(c in NAME_HEADERS for c in cells):
                header_at = number
                name_col = next(i for i, c in enumerate(cells) if c in NAME_HEADERS)
                mobile_col = next((i for i, c in enumerate(cells) if c in MOBILE_HEADERS), None)
                break
            if number >= 20:
                break
        if header_at is None:
            raise ValidationError({"file": _("The sheet has no header row with a 姓名 column.")})
        by_mobile: dict[str, Officer] = {}
        by_name: dict[str, list[Officer]] = {}
        for officer in officers:
            if officer.mobile:
                by_mobile[_digits(officer.mobile)] = officer
            by_name.setdefault(officer.full_name.strip(), []).append(officer)
        result = SigninResult()
        seen: set[int] = set()
        for number, row in enumerate(rows, start=header_at + 1):
            if number - header_at > MAX_ROWS:
                raise ValidationError(
                    {"file": _("The sheet has more than %(n)s rows.") % {"n": MAX_ROWS}}
                )
            cells = [_text(c) for c in row]
            full_name = cells[name_col] if name_col < len(cells) else ""
            mobile = (
                _digits(cells[mobile_col])
                if mobile_col is not None and mobile_col < len(cells)
                else ""
            )
            if not full_name and not mobile:
                continue
            officer = by_mobile.get(mobile) if mobile else None
            if officer is None:
                named = by_name.get(full_name, [])
                if len(named) > 1:
                    result.unmatched.append(
                        (number, full_name, _("More than one officer has this name."))
                    )
                    continue
                if not named:
                    result.unmatched.append((number, full_name, _("No officer in reach matches.")))
                    continue
                officer = named[0]
            if officer.id not in seen:
                seen.add(officer.id)
                result.matched.append(officer)
        return result
    finally:
        book.close()
