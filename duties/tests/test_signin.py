"""Reading a training's sign-in sheet: officers matched by mobile, then by a
unique full name; ambiguous and unknown rows reported; bad files refused."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from duties import signin
from duties.signin import read_signin
from roster import services as roster
from tests.world import TERM

pytestmark = pytest.mark.django_db


def _xlsx(rows, name="签到表.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture
def people(world):
    """The world's officers, two more named 张三 (one with a mobile) and one
    with a mobile only the sheet knows by number."""

    def make(name, mobile=""):
        return roster.officer_create(
            tenant=world.tenant,
            full_name=name,
            category="district",
            district=world.districts["d1"],
            term_start=TERM[0],
            term_end=TERM[1],
            mobile=mobile,
        )

    world.officers["zhang2"] = make("张三", "13800000002")
    world.officers["qian"] = make("钱七", "139 0000 0007")
    return world


def test_matching_by_mobile_then_unique_name(people):
    o = people.officers
    sheet = _xlsx(
        [
            ["XX区联络员培训签到表"],  # a title row above the header
            ["序号", "姓名", "单位", "手机号"],
            [1, "张三", "", "13800000002"],  # two 张三: the mobile decides
            [2, "钱 七", "", 13900000007],  # the name is off, the number (a number cell) matches
            [3, "李四", "", ""],  # unique name
            [4, "张三", "", ""],  # two 张三, no mobile: ambiguous
            [5, "周八", "", "13700000000"],  # unknown name and number
            [None, None, None, None],  # an empty row is skipped
            [6, "李四", "", ""],  # twice on the sheet: once in the attendance
        ]
    )
    result = read_signin(sheet, list(o.values()))
    assert [x.pk for x in result.matched] == [o["zhang2"].pk, o["qian"].pk, o["d1"].pk]
    assert result.unmatched == [
        (6, "张三", "有多名联络员同名，无法确定是哪一位。"),
        (7, "周八", "您的范围内没有匹配的联络员。"),
    ]


def test_only_officers_in_reach_match(people):
    sheet = _xlsx([["姓名", "手机"], ["王五", ""], ["钱七", ""]])
    result = read_signin(sheet, [people.officers["d2"]])
    assert [x.pk for x in result.matched] == [people.officers["d2"].pk]
    assert result.unmatched == [(3, "钱七", "您的范围内没有匹配的联络员。")]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("签到表.xls", b"\xd0\xcf\x11\xe0"),
            "请以 Excel 文件（.xlsx）上传签到表。",
        ),
        (
            SimpleUploadedFile("签到表.csv", "姓名\n张三\n".encode()),
            "请以 Excel 文件（.xlsx）上传签到表。",
        ),
        (
            SimpleUploadedFile("签到表.xlsx", b"not a zip"),
            "无法读取该文件，请上传 Excel 工作簿（.xlsx）。",
        ),
        (None, "表格中没有包含“姓名”列的表头行。"),
    ],
)
def test_bad_files_are_refused(world, upload, message):
    upload = upload or _xlsx([["名字", "电话"], ["张三", "1"]])
    with pytest.raises(ValidationError) as exc:
        read_signin(upload, list(world.officers.values()))
    assert exc.value.message_dict == {"file": [message]}


def test_too_large_is_refused(world, monkeypatch):
    monkeypatch.setattr(signin, "MAX_BYTES", 100)
    with pytest.raises(ValidationError) as exc:
        read_signin(_xlsx([["姓名"], ["张三"]]), list(world.officers.values()))
    assert exc.value.message_dict == {"file": ["文件超过 0 MB。"]}


def test_a_sheet_too_long_is_refused(world, monkeypatch):
    monkeypatch.setattr(signin, "MAX_ROWS", 2)
    rows = [["姓名"], ["张三"], ["李四"], ["王五"]]
    with pytest.raises(ValidationError) as exc:
        read_signin(_xlsx(rows), list(world.officers.values()))
    assert exc.value.message_dict == {"file": ["表格超过 2 行。"]}


def test_dates_are_not_names(world):
    """A date cell in the name column is no officer."""
    result = read_signin(_xlsx([["姓名"], [dt.date(2026, 1, 1)]]), list(world.officers.values()))
    assert result.matched == [] and [r[0] for r in result.unmatched] == [2]


def test_a_zip_bomb_is_refused_unread(world):
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    upload = SimpleUploadedFile("签到表.xlsx", out.getvalue())
    with pytest.raises(ValidationError) as exc:
        read_signin(upload, list(world.officers.values()))
    assert exc.value.message_dict == {
        "file": [f"该文件压缩比过高（超过 {settings.ARCHIVE_MAX_RATIO} 比 1），可能是压缩炸弹。"]
    }
