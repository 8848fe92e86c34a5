"""Excel exports written by xlsxwriter in constant-memory mode; uploaded
files are read back with openpyxl (read-only mode).

Every sheet: a title row (tenant, subject, time of export), a frozen bold
header, an auto-filter, column widths fitted to Chinese text (a CJK
character counts as two), print setup (landscape, fit to one page wide, the
header row repeated on every page); numbers stay numbers and dates stay
dates; ids are written as text; text that a spreadsheet would run as a
formula is neutralised. Data cells are plain values written as they come
(rows go to disk as they are written: constant memory); only the title and
header cells and dates and fractional numbers carry a shared format.

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
Python's ``repr`` of the float as the file stores it (16 significant
digits, :func:`stored_number`); a date or time → ``"d:YYYY-MM-DD"`` at
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
import json
import math
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from xlsxwriter.utility import _preserve_whitespace
from xlsxwriter.worksheet import Worksheet as XlsxWorksheet

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
HEADER_FILL = "#DCE6F1"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DECIMAL_FORMAT = "0.00"
#: Excel's limit of one cell's text, in UTF-16 units.
MAX_TEXT = 32767
#: Integers written as they are (a file stores 16 significant digits).
EXACT_INT = 10**15
#: Characters no XML file can hold (XML 1.0 ``Char``): control characters
#: (openpyxl refused them), lone surrogates and the non-characters U+FFFE and
#: U+FFFF (written, they make a file Excel and openpyxl cannot open).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RISKY_FIRST = frozenset(FORMULA_STARTS + CONTROL_STARTS)


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


def cell_text(value) -> str:
    """A text as an exported cell holds it: without the control characters
    an XML file cannot hold, neutralised (:func:`safe_text`), cut to Excel's
    32,767 UTF-16 units."""
    value = str(value)
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    first = value[:1]
    if first in _RISKY_FIRST or first.isspace():
        value = safe_text(value)
    if len(value) > MAX_TEXT // 2:
        units = value.encode("utf-16-le")
        if len(units) > 2 * MAX_TEXT:
            value = units[: 2 * MAX_TEXT].decode("utf-16-le", errors="ignore")
    return value


def stored_number(value) -> float | None:
    """A number as the file stores it: 16 significant digits (xlsxwriter
    and openpyxl both write ``%.16g``), None for NaN and infinities (no
    cell)."""
    number = float(value)
    if not math.isfinite(number):
        return None
    return float(f"{number:.16g}")


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


#: ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` without
#: building an encoder per row.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _line(items) -> bytes:
    return (_encode(list(items)) + "\n").encode()


class SheetDigest:
    """The SHA-256 of one data sheet's non-empty rows (module docstring)."""

    def __init__(self, title: str):
        self.title = title
        self.hash = hashlib.sha256()

    def add(self, values: Iterable) -> None:
        self.add_texts([canonical(v) for v in values])

    def add_texts(self, texts: list[str]) -> None:
        """A row given as its cells' canonical texts."""
        while texts and texts[-1] == "":
            texts.pop()
        if texts:
            self.hash.update((_encode(texts) + "\n").encode())


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


class _Worksheet(XlsxWorksheet):
    """xlsxwriter's worksheet, every text written as plain text. In
    constant-memory mode xlsxwriter would copy a text that looks like
    ``<r>…</r>`` into the file unescaped (its own rich-text form) and would
    rewrite ``_xHHHH_`` sequences; the texts given here are already clean
    (:func:`cell_text`), so they are written as they are, as openpyxl wrote
    them and reads them back."""

    @staticmethod
    def _escape_control_characters(data):
        return data

    def _xml_rich_inline_string(self, string, attributes=()):
        self._xml_inline_string(string, _preserve_whitespace(string), list(attributes))


class XlsxBook:
    """A workbook written by xlsxwriter in constant-memory mode: each sheet's
    rows go to a temporary file as they are written (a row is flushed when
    the next one starts) and saving zips the sheets into one more temporary
    file. Data cells are plain values; only the title and header cells and
    dates and fractional numbers carry a (shared) format."""

    def __init__(self):
        self.handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the caller
        self.book = xlsxwriter.Workbook(
            self.handle,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        add = self.book.add_format
        self.title_format = add({"bold": True, "font_size": 13})
        self.header_format = add(
            {"bold": True, "bg_color": HEADER_FILL, "valign": "vcenter", "text_wrap": True}
        )
        self.key_header_format = add({"bold": True, "bg_color": HEADER_FILL})
        self.date_format = add({"num_format": DATE_FORMAT})
        self.datetime_format = add({"num_format": DATETIME_FORMAT})
        self.decimal_format = add({"num_format": DECIMAL_FORMAT})
        self.saved = False

    def add_sheet(self, title: str, *, exact: bool = False):
        """A new sheet named ``title`` (made safe unless ``exact``; a
        number appended when the name is taken, as openpyxl did)."""
        name = title if exact else safe_sheet_title(title)
        taken = {ws.name.lower() for ws in self.book.worksheets()}
        candidate, number = name, 1
        while candidate.lower() in taken:
            suffix = str(number)
            candidate, number = _cut_title(name, 31 - len(suffix)) + suffix, number + 1
        return self.book.add_worksheet(candidate, worksheet_class=_Worksheet)

    def save(self):
        """The finished file (a temporary file at its start)."""
        if self.saved:
            raise ValueError("This workbook has already been saved.")
        self.book.close()
        self.saved = True
        self.handle.seek(0)
        return self.handle


class ExportWorkbook(XlsxBook):
    """A workbook that hashes what its sheets write and is sealed with a
    ``来源`` sheet when saved (:func:`workbook_bytes`)."""

    def __init__(self, provenance: Provenance):
        super().__init__()
        self.provenance = provenance
        self.digests: list[SheetDigest] = []
        self.writers: list[SheetWriter] = []
        self.sealed: dict | None = None


def _print_setup(ws) -> None:
    """Landscape A4, one page wide, the header row (row 2) on every page."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(1)


class SheetWriter:
    """One streamed sheet: ``header`` once, then ``row`` per record.
    A column's width is the larger of the one given and its header's
    display width (CJK counted as two) plus two."""

    def __init__(self, workbook: XlsxBook, title: str, *, heading: str, columns: Sequence):
        self.book = workbook
        self.ws = workbook.add_sheet(title)
        self.columns = columns
        self.digest = SheetDigest(self.ws.name)
        if isinstance(workbook, ExportWorkbook):
            workbook.digests.append(self.digest)
            workbook.writers.append(self)
        for index, (label, width) in enumerate(columns):
            self.ws.set_column(index, index, min(MAX_WIDTH, max(width, display_width(label) + 2)))
        self.ws.freeze_panes(2, 0)
        _print_setup(self.ws)
        self.count = 0
        self._close_filter()  # widened when closed
        title = cell_text(heading)
        if title:
            self.ws.write_string(0, 0, title, workbook.title_format)
        self.digest.add([title])
        labels = [cell_text(label) for label, _width in columns]
        for index, label in enumerate(labels):
            if label:
                self.ws.write_string(1, index, label, workbook.header_format)
        self.digest.add(labels)

    def row(self, values: Iterable) -> None:
        """One record: plain values (text, numbers, dates; None is no cell),
        a format only on dates and fractional numbers."""
        ws, row, texts = self.ws, self.count + 2, []
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                value = cell_text(value)
                if value:
                    ws.write_string(row, col, value)
                    if "\r" in value:
                        value = value.replace("\r\n", "\n").replace("\r", "\n")
                    texts.append("s:" + value)
                else:
                    texts.append("")
            elif value is None:
                texts.append("")
            elif kind is int and -EXACT_INT < value < EXACT_INT:
                ws.write_number(row, col, value)
                texts.append(f"n:{value}")
            else:
                texts.append(self._other(row, col, value))
        self.digest.add_texts(texts)
        self.count += 1

    def _other(self, row: int, col: int, value) -> str:
        """Write a value that is not plain text nor a small integer; answer
        its canonical text."""
        ws, book = self.ws, self.book
        if isinstance(value, bool):
            ws.write_boolean(row, col, value)
            return canonical(value)
        if isinstance(value, int | float | Decimal | Fraction):
            number = stored_number(value)
            if number is None:
                return ""
            exact = isinstance(value, Decimal | Fraction)
            ws.write_number(row, col, number, book.decimal_format if exact else None)
            return canonical(number)
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            value = _round_second(value.replace(tzinfo=None))
            ws.write_datetime(row, col, value, book.datetime_format)
            return canonical(value)
        if isinstance(value, dt.date):
            ws.write_datetime(row, col, value, book.date_format)
            return canonical(value)
        text = cell_text(value)
        if text:
            ws.write_string(row, col, text)
        return canonical(text)

    def _close_filter(self) -> None:
        self.ws.autofilter(1, 0, self.count + 1, max(len(self.columns), 1) - 1)

    def close(self) -> None:
        self._close_filter()


def _cut_title(title: str, units: int) -> str:
    """The longest start of ``title`` within ``units`` UTF-16 units."""
    while len(title.encode("utf-16-le")) > 2 * units:
        title = title[:-1]
    return title


def safe_sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    title = _cut_title(cell_text(title).strip("'"), 31).strip("'") or "Sheet"
    return "Sheet" if title == PROVENANCE_SHEET else title


def new_workbook(*, provenance: Provenance) -> ExportWorkbook:
    """A workbook of exported rows: sealed with ``来源`` when saved."""
    return ExportWorkbook(provenance)


def template_workbook() -> XlsxBook:
    """A blank import template (no exported rows, so no ``来源`` sheet)."""
    return XlsxBook()


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
    values = {key: cell_text(value) for key, value in values.items()}  # as the sheet holds them
    export_record_create(
        tenant=prov.tenant,
        user=user,
        at=now,
        kind=prov.kind,
        rows=rows,
        sha256=sha256,
        provenance=values,
    )
    ws = workbook.add_sheet(PROVENANCE_SHEET, exact=True)
    for column, width in enumerate((16, 16, 70)):
        ws.set_column(column, column, width)
    _print_setup(ws)
    ws.write_string(0, 0, cell_text(_("Provenance of this file")), workbook.title_format)
    for column, label in enumerate((_("Provenance key"), _("Item"), _("Value"))):
        ws.write_string(1, column, cell_text(label), workbook.key_header_format)
    labels = provenance_labels()
    for row, key in enumerate(PROVENANCE_KEYS, start=2):
        for column, text in enumerate((key, cell_text(labels[key]), values[key])):
            if text:
                ws.write_string(row, column, text)
    workbook.sealed = values
    return values


def workbook_bytes(workbook: XlsxBook) -> bytes:
    with workbook_file(workbook) as handle:
        return handle.read()


def workbook_file(workbook: XlsxBook):
    """The saved workbook as a temporary file at its start (the rows were
    streamed to disk as they were written; nothing is held in memory). The
    caller closes it."""
    if isinstance(workbook, ExportWorkbook):
        seal(workbook)
    return workbook.save()


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
