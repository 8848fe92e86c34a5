"""Excel exports with openpyxl in write-only mode (constant memory).

Every sheet: a title row (tenant, subject, time of export), a frozen bold
header, an auto-filter, column widths; numbers stay numbers and dates stay
dates; text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

#: A cell whose first non-blank character is one of these would be run as a
#: formula (full-width forms too: spreadsheets fold them to ASCII).
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: A cell starting with one of these is neutralised whatever follows.
CONTROL_STARTS = ("\t", "\r", "\n")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


def _cell_value(value):
    if value is None or isinstance(value, bool | int | Decimal | dt.date | dt.datetime):
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Fraction):
        return float(value)  # a spreadsheet number; exact text goes in its own column
    return safe_text(str(value))


class SheetWriter:
    """One write-only sheet: ``header`` once, then ``row`` per record."""

    def __init__(
        self, workbook: Workbook, title: str, *, heading: str, columns: Sequence[tuple[str, int]]
    ):
        self.ws = workbook.create_sheet(title=safe_sheet_title(title))
        self.columns = columns
        for index, (_label, width) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = "A3"
        last = get_column_letter(len(columns))
        self.ws.auto_filter.ref = f"A2:{last}2"  # widened when closed
        self.count = 0
        title_cell = WriteOnlyCell(self.ws, value=safe_text(heading))
        title_cell.font = _TITLE_FONT
        self.ws.append([title_cell])
        header = []
        for label, _width in columns:
            cell = WriteOnlyCell(self.ws, value=safe_text(label))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            cell.alignment = Alignment(vertical="center")
            header.append(cell)
        self.ws.append(header)

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
        self.count += 1

    def close(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A2:{last}{self.count + 2}"


def safe_sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    return title[:31] or "Sheet"


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_file(workbook: Workbook):
    """The saved workbook as a temporary file (large exports: the rows were
    streamed to disk by write-only mode; nothing is held in memory)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def heading(*parts: str) -> str:
    """Title-row text: the parts, then the time of export in Asia/Shanghai."""
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return " · ".join([*(str(p) for p in parts), now])
