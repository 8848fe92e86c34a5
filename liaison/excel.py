"""Excel exports with openpyxl in write-only mode (constant memory).

Every sheet: a title row (tenant, subject, time of export), a frozen bold
header, an auto-filter, column widths fitted to Chinese text (a CJK
character counts as two), print setup (landscape, fit to one page wide, the
header row repeated on every page); numbers stay numbers and dates stay
dates; ids are written as text; text that a spreadsheet would run as a
formula is neutralised.

Provenance (issue 14)
---------------------
Every workbook is made by :func:`new_workbook` with a :class:`Provenance`
(tenant, who, kind, filters, policy version) and ends, when it is saved by
:func:`workbook_bytes` or :func:`workbook_file`, with a last sheet named
``来源`` (:data:`PROVENANCE_SHEET`). Its rows are ``key | label | value``;
the keys (column A) are fixed ASCII words, the labels follow the language of
the person who exported::

    export_id  导出编号      a random 32-hex id of the export record
    tenant     单位          tenant name (slug)
    kind       导出内容      what was exported
    user       导出人        full name (username)
    user_id    导出人编号     the user's id
    exported_at 导出时间     YYYY-MM-DD HH:MM:SS Asia/Shanghai
    filters    筛选条件      "label=value；label=value" (or 无)
    policy_version 工作规则版本 the policy version the rows were computed with
    rows       数据行数      data rows over all data sheets (headers excluded)
    sha256     sha256       see below

**sha256.** Every sheet except ``来源`` is a *data sheet*. For one data
sheet, each non-empty row (title row, header row and data rows, top to
bottom) is serialised as the compact JSON array (``ensure_ascii=False``,
separators ``,`` and ``:``) of its cells' canonical texts, trailing empty
cells dropped, followed by ``\n``; the sheet's digest is the SHA-256 of
those lines in UTF-8. A cell's canonical text (:func:`canonical`) is its
exported value as the file stores it, tagged with its type: empty → ``""``;
text → ``"s:" + text`` (CR LF and CR as LF); a boolean → ``"b:TRUE"`` or
``"b:FALSE"``; a number → ``"n:"`` + the integer if it is whole, else
Python's ``repr`` of the float; a date or time → ``"d:YYYY-MM-DD"`` at
midnight, else ``"d:YYYY-MM-DD HH:MM:SS"`` (rounded to the second). The
workbook's ``sha256`` is the SHA-256 of the lines ``[<sheet title>,
<sheet digest hex>]`` (the same JSON form, ``\n`` after each), one per data
sheet in workbook order. It is computed while the rows are streamed (the
writer keeps no rows) and recomputed from an uploaded file by
:func:`read_back`.

**Produced by the portal.** Each export is recorded (``audit.ExportRecord``:
tenant, who, when, kind, filters, policy version, row count, sha256 and the
``来源`` values exactly as written). A file is genuine when its rows hash to
the ``sha256`` of its ``来源`` sheet *and* a record of this tenant with its
``export_id`` holds that digest and the same ``来源`` values
(``audit.exports.export_verify``). A record table was chosen over a
signature: it needs no key management, a leaked or rotated ``SECRET_KEY``
cannot forge or orphan files, and it is also the audit of who exported what.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

#: A cell whose first non-blank character is one of these would be run as a
#: formula (full-width forms too: spreadsheets fold them to ASCII).
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: A cell starting with one of these is neutralised whatever follows.
CONTROL_STARTS = ("\t", "\r", "\n")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The provenance sheet's name, in every language (API.md).
PROVENANCE_SHEET = "来源"
#: Keys of the provenance sheet, in order (column A).
PROVENANCE_KEYS = (
    "export_id",
    "tenant",
    "kind",
    "user",
    "user_id",
    "exported_at",
    "filters",
    "policy_version",
    "rows",
    "sha256",
)
MAX_WIDTH = 60
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_TITLE_FONT = Font(bold=True, size=13)


def safe_text(value: str) -> str:
    """Text a spreadsheet would evaluate gets a leading apostrophe: its first
    non-blank character starts a formula (``=`` ``+`` ``-`` ``@`` or their
    full-width forms), or it starts with a tab, CR or LF."""
    value = str(value)
    if value.startswith(CONTROL_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_id(value) -> str:
    """An id as text (a spreadsheet keeps "0012" and long ids as they are)."""
    return "" if value is None else str(value)


def display_width(text: str) -> int:
    """Columns a text takes on screen: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in str(text))


def _round_second(value: dt.datetime) -> dt.datetime:
    return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def _cell_value(value):
    if value is None or isinstance(value, bool | int | Decimal | dt.date | dt.datetime):
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            return _round_second(value)
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Fraction):
        return float(value)  # a spreadsheet number; exact text goes in its own column
    return safe_text(str(value))


def canonical(value) -> str:
    """A cell's canonical text for the sha256 (see the module docstring):
    the same for the value written and the value an uploaded file holds."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "b:TRUE" if value else "b:FALSE"
    if isinstance(value, int | float | Decimal | Fraction):
        number = float(value)
        return f"n:{int(number)}" if number.is_integer() else f"n:{number!r}"
    if isinstance(value, dt.datetime | dt.date):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        value = _round_second(value.replace(tzinfo=None))
        if value.time() == dt.time(0):
            return f"d:{value:%Y-%m-%d}"
        return f"d:{value:%Y-%m-%d %H:%M:%S}"
    return "s:" + str(value).replace("\r\n", "\n").replace("\r", "\n")


def _line(items) -> bytes:
    return (json.dumps(list(items), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


class SheetDigest:
    """The SHA-256 of one data sheet's non-empty rows (module docstring)."""

    def __init__(self, title: str):
        self.title = title
        self.hash = hashlib.sha256()

    def add(self, values: Iterable) -> None:
        texts = [canonical(v) for v in values]
        while texts and texts[-1] == "":
            texts.pop()
        if texts:
            self.hash.update(_line(texts))


def workbook_digest(sheets: Iterable[SheetDigest]) -> str:
    total = hashlib.sha256()
    for sheet in sheets:
        total.update(_line([sheet.title, sheet.hash.hexdigest()]))
    return total.hexdigest()


@dataclass
class Provenance:
    """Who exported what: written to the ``来源`` sheet and recorded.
    ``filters`` maps a label to the value, both as people read them."""

    tenant: object
    user: object
    kind: str
    kind_label: str
    filters: dict = field(default_factory=dict)
    policy_version: str = ""


class ExportWorkbook(Workbook):
    """A write-only workbook that hashes what its sheets write and is sealed
    with a ``来源`` sheet when saved (:func:`workbook_bytes`)."""

    def __init__(self, provenance: Provenance):
        super().__init__(write_only=True)
        self.provenance = provenance
        self.digests: list[SheetDigest] = []
        self.writers: list[SheetWriter] = []
        self.sealed: dict | None = None


def _print_setup(ws, *, title_rows: str = "2:2") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


class SheetWriter:
    """One write-only sheet: ``header`` once, then ``row`` per record.
    A column's width is the larger of the one given and its header's
    display width (CJK counted as two) plus two."""

    def __init__(
        self, workbook: Workbook, title: str, *, heading: str, columns: Sequence[tuple[str, int]]
    ):
        self.ws = workbook.create_sheet(title=safe_sheet_title(title))
        self.columns = columns
        self.digest = SheetDigest(self.ws.title)
        if isinstance(workbook, ExportWorkbook):
            workbook.digests.append(self.digest)
            workbook.writers.append(self)
        for index, (label, width) in enumerate(columns, start=1):
            fitted = min(MAX_WIDTH, max(width, display_width(label) + 2))
            self.ws.column_dimensions[get_column_letter(index)].width = fitted
        self.ws.freeze_panes = "A3"
        _print_setup(self.ws)
        last = get_column_letter(len(columns))
        self.ws.auto_filter.ref = f"A2:{last}2"  # widened when closed
        self.count = 0
        title_cell = WriteOnlyCell(self.ws, value=safe_text(heading))
        title_cell.font = _TITLE_FONT
        self.ws.append([title_cell])
        self.digest.add([title_cell.value])
        header = []
        for label, _width in columns:
            cell = WriteOnlyCell(self.ws, value=safe_text(label))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            header.append(cell)
        self.ws.append(header)
        self.digest.add([c.value for c in header])

    def row(self, values: Iterable) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.ws, value=_cell_value(value))
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, Decimal | Fraction):
                cell.number_format = "0.00"
            cells.append(cell)
        self.ws.append(cells)
        self.digest.add([c.value for c in cells])
        self.count += 1

    def close(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A2:{last}{self.count + 2}"


def safe_sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    title = title[:31] or "Sheet"
    return "Sheet" if title == PROVENANCE_SHEET else title


def new_workbook(*, provenance: Provenance) -> ExportWorkbook:
    """A workbook of exported rows: sealed with ``来源`` when saved."""
    return ExportWorkbook(provenance)


def template_workbook() -> Workbook:
    """A blank import template (no exported rows, so no ``来源`` sheet)."""
    return Workbook(write_only=True)


def _filters_text(filters: dict) -> str:
    parts = [f"{label}={value}" for label, value in filters.items() if value not in (None, "")]
    return "；".join(parts) or _("none")


def provenance_labels() -> dict[str, str]:
    return {
        "export_id": _("Export id"),
        "tenant": _("Tenant"),
        "kind": _("Exported"),
        "user": _("Exported by"),
        "user_id": _("User id"),
        "exported_at": _("Exported at"),
        "filters": _("Filters"),
        "policy_version": _("Policy version"),
        "rows": _("Data rows"),
        "sha256": "sha256",
    }


def seal(workbook: ExportWorkbook) -> dict:
    """Add the ``来源`` sheet and record the export (once per workbook).
    Answers the provenance values written (key → text)."""
    if workbook.sealed is not None:
        return workbook.sealed
    from audit.exports import export_record_create  # the record lives with the audit log

    prov = workbook.provenance
    user = prov.user
    sha256 = workbook_digest(workbook.digests)
    rows = sum(w.count for w in workbook.writers)
    now = timezone.now()
    name = ""
    if user is not None:
        full = (user.get_full_name() or "").strip()
        name = f"{full}（{user.get_username()}）" if full else user.get_username()
    values = {
        "export_id": uuid.uuid4().hex,
        "tenant": f"{prov.tenant.name}（{prov.tenant.slug}）",
        "kind": str(prov.kind_label),
        "user": name,
        "user_id": text_id(getattr(user, "pk", None)),
        "exported_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S")
        + f" {timezone.get_current_timezone_name()}",
        "filters": _filters_text({str(k): str(v) for k, v in prov.filters.items()}),
        "policy_version": str(prov.policy_version or ""),
        "rows": str(rows),
        "sha256": sha256,
    }
    values = {key: safe_text(value) for key, value in values.items()}  # as the sheet holds them
    export_record_create(
        tenant=prov.tenant,
        user=user,
        at=now,
        kind=prov.kind,
        rows=rows,
        sha256=sha256,
        provenance=values,
    )
    ws = workbook.create_sheet(title=PROVENANCE_SHEET)
    for letter, width in (("A", 16), ("B", 16), ("C", 70)):
        ws.column_dimensions[letter].width = width
    _print_setup(ws)
    title = WriteOnlyCell(ws, value=safe_text(_("Provenance of this file")))
    title.font = _TITLE_FONT
    ws.append([title])
    header = []
    for label in (_("Provenance key"), _("Item"), _("Value")):
        cell = WriteOnlyCell(ws, value=label)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    ws.append(header)
    labels = provenance_labels()
    for key in PROVENANCE_KEYS:
        ws.append([key, labels[key], values[key] or None])
    workbook.sealed = values
    return values


def workbook_bytes(workbook: Workbook) -> bytes:
    if isinstance(workbook, ExportWorkbook):
        seal(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_file(workbook: Workbook):
    """The saved workbook as a temporary file (large exports: the rows were
    streamed to disk by write-only mode; nothing is held in memory)."""
    if isinstance(workbook, ExportWorkbook):
        seal(workbook)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def heading(*parts: str) -> str:
    """Title-row text: the parts, then the time of export in Asia/Shanghai."""
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return " · ".join([*(str(p) for p in parts), now])


# --- reading a file back (the auditors' check) ---------------------------------


class NotAWorkbook(Exception):
    """The upload is not an .xlsx workbook at all."""


@dataclass
class ReadBack:
    """What an uploaded file says about itself: its ``来源`` values (key →
    text; empty when it has no such sheet), the sha256 of its data sheets
    recomputed, its data sheets' titles and data rows (header rows, i.e. the
    first two of each sheet, excluded)."""

    provenance: dict
    sha256: str
    sheets: list[str]
    rows: int
    has_provenance: bool


def read_back(handle) -> ReadBack:
    """Read an uploaded workbook (read-only mode: constant memory) and
    recompute its sha256 as :class:`SheetWriter` computed it when writing.
    Raises :class:`NotAWorkbook` when it cannot be opened as one."""
    try:
        if not zipfile.is_zipfile(handle):
            raise NotAWorkbook
        handle.seek(0)
        book = load_workbook(handle, read_only=True, data_only=False)
    except NotAWorkbook:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise NotAWorkbook from exc
    try:
        digests, titles, provenance, rows, has_provenance = [], [], {}, 0, False
        for ws in book.worksheets:
            if ws.title == PROVENANCE_SHEET:
                has_provenance = True
                for values in ws.iter_rows(min_row=3, values_only=True):
                    if values and len(values) >= 1 and values[0] not in (None, ""):
                        value = values[2] if len(values) > 2 else None
                        provenance[str(values[0])] = "" if value is None else str(value)
                continue
            digest = SheetDigest(ws.title)
            titles.append(ws.title)
            count = 0
            for values in ws.iter_rows(values_only=True):
                digest.add(values)
                count += 1
            rows += max(0, count - 2)
            digests.append(digest)
    except Exception as exc:
        raise NotAWorkbook from exc
    finally:
        book.close()
    return ReadBack(
        provenance=provenance,
        sha256=workbook_digest(digests),
        sheets=titles,
        rows=rows,
        has_provenance=has_provenance,
    )


def describe_filters(query, form=None, *, skip=("page", "format")) -> dict[str, str]:
    """A list page's filters as people read them: the filter form's label
    (the parameter's name when it has none) → the value, a choice's label
    for a choice. Empty parameters are left out."""
    described = {}
    fields = getattr(form, "fields", {}) if form is not None else {}
    for name in sorted(query.keys()):
        if name in skip:
            continue
        values = [v for v in query.getlist(name) if v not in ("", None)]
        if not values:
            continue
        field = fields.get(name)
        label = str(getattr(field, "label", None) or name)
        choices = dict(getattr(field, "choices", ()) or ()) if field is not None else {}
        described[label] = "、".join(str(choices.get(v, v)) for v in values)
    return described
