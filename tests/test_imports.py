"""Excel imports: templates, every row validated and reported, all or
nothing, and malformed files refused before openpyxl reads them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from roster import imports
from roster.models import Nomination, Officer

pytestmark = pytest.mark.django_db


def _book(rows: list[list]) -> bytes:
    """A workbook laid out like the templates: title, header, data rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["导入"])
    sheet.append(["header"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROW = [
    "钱七",
    "区派联络员",
    "d2",
    "alpha研究院",
    dt.date(2026, 1, 1),
    dt.date(2027, 12, 31),
    "13700000001",
    "",
    "qianqi",
]


def _admin(world):
    return world.users["admin"].memberships.get()


def test_templates_open_with_their_headers():
    roster = openpyxl.load_workbook(io.BytesIO(imports.roster_template()))
    assert [c.value for c in roster.active[2]][:3] == ["姓名 *", "类别 *", "所属区"]
    nominations = openpyxl.load_workbook(io.BytesIO(imports.nominations_template()))
    assert nominations.active["A2"].value == "姓名 *"


def test_roster_import_creates_officers_with_logins(world):
    before = Officer.objects.count()
    data = _book([ROW, ["孙八", "city", "", "", "2026-02-01", "2027-12-31", "", "", ""]])
    result = imports.import_roster(membership=_admin(world), data=data)
    assert (result.ok, result.created, result.checked) == (True, 2, 2)
    assert Officer.objects.count() == before + 2
    qian = Officer.objects.get(full_name="钱七")
    assert (qian.category, qian.district.code, qian.unit.name, qian.user.username) == (
        "district",
        "d2",
        "alpha研究院",
        "qianqi",
    )


def test_one_bad_row_writes_nothing_and_every_problem_is_listed(world):
    before = Officer.objects.count()
    data = _book(
        [
            ROW,
            ["", "city", "", "", "2026-01-01", "2027-12-31", "", "", ""],
            ["周九", "mayor", "", "", "31/01/2026", "2027-12-31", "", "", ""],
            ["吴十", "district", "nowhere", "", "2026-01-01", "2027-12-31", "", "", ""],
        ]
    )
    result = imports.import_roster(membership=_admin(world), data=data)
    assert result.created == 0
    assert Officer.objects.count() == before
    assert [(e["row"], e["field"]) for e in result.errors] == [
        (4, "姓名"),
        (5, "任期开始"),
        (6, ""),
    ]
    assert result.errors[2]["message"].endswith("nowhere")


def test_dry_run_checks_and_writes_nothing(world):
    before = Officer.objects.count()
    result = imports.import_roster(membership=_admin(world), data=_book([ROW]), dry_run=True)
    assert (result.ok, result.checked) == (True, 1)
    assert Officer.objects.count() == before


@pytest.mark.parametrize("kind", ["text", "zip-without-workbook", "bomb", "oversize"])
def test_malformed_files_are_refused_before_parsing(world, settings, kind):
    if kind == "text":
        data = "姓名,类别\n".encode() * 10
    elif kind == "zip-without-workbook":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        data = buffer.getvalue()
    elif kind == "bomb":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/huge.xml", b"\0" * (12 * 1024 * 1024))
        data = buffer.getvalue()
    else:
        settings.IMPORT_MAX_BYTES = 1000
        data = _book([ROW] * 50)
    before = Officer.objects.count()
    with pytest.raises(Exception) as raised:
        imports.import_roster(membership=_admin(world), data=data)
    assert raised.type.__name__ == "ValidationError"
    assert "file" in raised.value.message_dict
    assert Officer.objects.count() == before


def test_only_admins_import_a_roster(world):
    with pytest.raises(Exception) as raised:
        imports.import_roster(
            membership=world.users["manager"].memberships.get(), data=_book([ROW])
        )
    assert raised.type.__name__ == "PermissionDenied"


def _nomination_row(full_name, gender, birth_date, unit, mobile, title="", degree="", resume=""):
    """A data row of the nominations template (17 columns); those not named stay empty."""
    return [
        *(full_name, gender, birth_date, unit, "", "", ""),
        *(title, degree, "", None, None, mobile, "", "", ""),
        resume,
    ]


def test_nomination_import_creates_drafts_through_the_workflow(world):
    reviewer = world.users["reviewer"].memberships.get()
    jia = _nomination_row(
        "新人甲", "女", dt.date(1990, 1, 1), "alpha大学", "13600000001", "工程师", "硕士", "简历"
    )
    yi = _nomination_row("新人乙", "男", None, "alpha研究院", "13600000002")
    result = imports.import_nominations(
        membership=reviewer, round=world.round, data=_book([jia, yi])
    )
    # the reviewer nominates only from u1 (alpha大学): the second row is refused, nothing written
    assert (result.created, [e["row"] for e in result.errors]) == (0, [4])
    assert not Nomination.objects.filter(full_name__startswith="新人").exists()
    ok = imports.import_nominations(membership=reviewer, round=world.round, data=_book([jia]))
    assert (ok.ok, ok.created) == (True, 1)
    made = Nomination.objects.get(full_name="新人甲")
    assert (made.stage, made.gender, made.district, made.nominated_by) == (
        "draft",
        "female",
        world.districts["d1"],
        world.users["reviewer"],
    )


def test_import_page_reports_rows(client, world):
    client.force_login(world.users["admin"])
    template = client.get("/t/alpha/officers/import/?template=1")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = _book([["", "city", "", "", "2026-01-01", "2027-12-31", "", "", ""]])
    html = client.post(
        "/t/alpha/officers/import/", {"file": SimpleUploadedFile("roster.xlsx", bad)}
    ).content.decode()
    assert 'id="import-errors"' in html
    good = client.post(
        "/t/alpha/officers/import/", {"file": SimpleUploadedFile("roster.xlsx", _book([ROW]))}
    ).content.decode()
    assert 'id="import-done"' in good
    assert Officer.objects.filter(full_name="钱七").exists()


def test_roster_export_follows_the_list_filters(client, world):
    client.force_login(world.users["auditor"])
    response = client.get("/t/alpha/officers/export/?district=d1")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    assert sorted(r[1] for r in rows) == ["张三", "李四"]
    assert sorted(r[0] for r in rows) == sorted(  # officer ids, as text
        [str(world.officers["mine"].pk), str(world.officers["d1"].pk)]
    )
    assert rows[0][5] == dt.datetime(2025, 1, 1)  # a real date cell
    assert book.active.freeze_panes == "A3"
    client.force_login(world.users["reviewer"])
    assert client.get("/t/alpha/officers/export/").status_code == 403


def test_a_district_manager_exports_their_districts_officers_only(client, world):
    client.force_login(world.users["manager"])  # manages d1
    assert 'id="roster-export"' in client.get("/t/alpha/officers/").content.decode()
    response = client.get("/t/alpha/officers/export/")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=3, values_only=True
        )
    )
    assert sorted(r[1] for r in rows) == ["张三", "李四"]
    client.force_login(world.users["officer"])
    assert client.get("/t/alpha/officers/export/").status_code == 403
