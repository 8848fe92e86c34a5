"""The sheet writer of ``liaison.excel`` (xlsxwriter in constant-memory mode,
issue 16 item 4): every kind of value read back with openpyxl exactly, the
formats on dates and fractional numbers only, and the sha256 computed while
writing equal to the one recomputed from the file."""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from liaison.excel import (
    SheetWriter,
    cell_text,
    read_back,
    stored_number,
    template_workbook,
    workbook_bytes,
    workbook_digest,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def write(rows, *, columns=(("值", 10), ("数", 8), ("日期", 12)), title="t"):
    book = template_workbook()
    sheet = SheetWriter(book, title, heading="标题", columns=list(columns))
    for row in rows:
        sheet.row(row)
    sheet.close()
    data = workbook_bytes(book)
    return sheet, data, openpyxl.load_workbook(io.BytesIO(data))


def test_values_read_back_exactly_with_their_formats():
    rows = [
        ["张三（12）", 3, dt.date(2025, 3, 1)],
        ["0012", -7, dt.datetime(2025, 3, 1, 1, 30, 20, tzinfo=dt.UTC)],
        ["<r><t>x</t></r>", Fraction(7, 3), dt.datetime(2025, 3, 1, 9, 5, 59, 600_000)],
        ["_x0041_ a&b <c>", Decimal("2.50"), None],
        ["=1+1", True, ""],
        [" 两端有空格 ", 0.1 + 0.2, None],
        ["行一\n行二", 10**17, None],
        ["a\x00b\x1fc", math.nan, None],
    ]
    sheet, data, book = write(rows)
    ws = book["t"]
    assert ws["A1"].value == "标题" and ws["A1"].font.b is True and ws["A1"].font.sz == 13
    assert [c.value for c in ws[2]] == ["值", "数", "日期"]
    assert all(c.font.b and c.fill.fgColor.rgb == "FFDCE6F1" for c in ws[2])
    assert [list(r) for r in ws.iter_rows(min_row=3, values_only=True)] == [
        ["张三（12）", 3, dt.datetime(2025, 3, 1)],
        ["0012", -7, dt.datetime(2025, 3, 1, 9, 30, 20)],  # UTC shown in Asia/Shanghai
        ["<r><t>x</t></r>", 2.333333333333333, dt.datetime(2025, 3, 1, 9, 6)],
        ["_x0041_ a&b <c>", 2.5, None],
        ["'=1+1", True, None],
        [" 两端有空格 ", 0.3, None],
        ["行一\n行二", 100000000000000000, None],
        ["abc", None, None],
    ]
    assert [ws.cell(row=r, column=2).number_format for r in range(3, 11)] == [
        "General",
        "General",
        "0.00",
        "0.00",
        "General",
        "General",
        "General",
        "General",
    ]
    assert [ws.cell(row=r, column=3).number_format for r in range(3, 6)] == [
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
        "yyyy-mm-dd hh:mm",
    ]
    assert ws["A3"].data_type == "s" and ws["B3"].data_type == "n" and ws["B7"].data_type == "b"
    # the digest taken while writing is the one recomputed from the file
    assert workbook_digest([sheet.digest]) == read_back(io.BytesIO(data)).sha256
    assert sheet.count == 8
    assert (ws.freeze_panes, ws.auto_filter.ref) == ("A3", "A2:C10")


def test_a_number_is_hashed_as_the_file_stores_it():
    # 7/3 has 17 significant digits as a float; files store 16
    assert stored_number(Fraction(7, 3)) == 2.333333333333333
    assert stored_number(math.inf) is None
    sheet, data, _book = write([[str(n), Fraction(n, 3), None] for n in range(1, 40)])
    assert workbook_digest([sheet.digest]) == read_back(io.BytesIO(data)).sha256


def test_long_text_is_cut_to_excels_limit_and_still_verifies():
    sheet, data, book = write([["字" * 40000, 1, None]])
    assert book["t"]["A3"].value == "字" * 32767
    assert workbook_digest([sheet.digest]) == read_back(io.BytesIO(data)).sha256


@pytest.mark.parametrize("text", ["a\ufffeb", "a\uffffb", "a\ud800b", "a\x0bb"])
def test_characters_xml_cannot_hold_are_dropped_and_the_file_reads_back(text):
    sheet, data, _book = write([[text, 1, None]])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book["t"]["A3"].value == "ab"
    assert workbook_digest([sheet.digest]) == read_back(io.BytesIO(data)).sha256


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x01=cmd", "'=cmd"),  # a control character does not hide a formula
        ("a\x0bb", "ab"),
        ("\ufffe=cmd\uffff", "'=cmd"),
        ("\t=x", "'\t=x"),
        ("普通", "普通"),
        (12, "12"),
    ],
)
def test_cell_text(text, expected):
    assert cell_text(text) == expected


def test_sheet_names_are_made_safe_and_unique():
    book = template_workbook()
    for title in ("一区", "一区", "来源", "a/b:c", "'引号'", "长" * 40, "长" * 40):
        SheetWriter(book, title, heading="h", columns=[("x", 4)]).close()
    names = openpyxl.load_workbook(io.BytesIO(workbook_bytes(book))).sheetnames
    assert names == ["一区", "一区1", "Sheet", "a-b-c", "引号", "长" * 31, "长" * 30 + "1"]


def test_a_workbook_is_saved_once():
    book = template_workbook()
    SheetWriter(book, "t", heading="h", columns=[("x", 4)]).close()
    workbook_bytes(book)
    with pytest.raises(ValueError, match="already been saved"):
        workbook_bytes(book)
