"""Exports auditors trust (issue 14, API.md "Additions — Notifications and
exports", SPEC.md §8): every Excel file ends with a 来源 sheet whose sha256
is recomputed here from the documented definition, ids are text, print
setup is landscape with the header repeated; ``exports/verify/`` answers
valid only for an unchanged file the portal produced; the ledger export."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from audit.models import ExportRecord
from ledgers.services import entry_create, entry_submit, entry_verify
from liaison.excel import SheetWriter, display_width, template_workbook, workbook_bytes
from roster.services import officer_create
from tests.world import TERM, World, centre

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 2, 1, 2, 3, tzinfo=dt.UTC)  # 09:02:03 in Asia/Shanghai
VERIFY = "exports/verify/"


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


# --- the sha256, as the module docstring of liaison.excel defines it -------------------


def _canonical(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "b:TRUE" if value else "b:FALSE"
    if isinstance(value, int | float):
        return f"n:{int(value)}" if float(value).is_integer() else f"n:{float(value)!r}"
    if isinstance(value, dt.datetime):
        value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.time() == dt.time(0):
            return f"d:{value:%Y-%m-%d}"
        return f"d:{value:%Y-%m-%d %H:%M:%S}"
    return "s:" + str(value).replace("\r\n", "\n").replace("\r", "\n")


def _json_line(items) -> bytes:
    return (json.dumps(items, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def recomputed_sha256(book: openpyxl.Workbook) -> str:
    total = hashlib.sha256()
    for ws in book.worksheets:
        if ws.title == "来源":
            continue
        sheet = hashlib.sha256()
        for row in ws.iter_rows(values_only=True):
            texts = [_canonical(v) for v in row]
            while texts and texts[-1] == "":
                texts.pop()
            if texts:
                sheet.update(_json_line(texts))
        total.update(_json_line([ws.title, sheet.hexdigest()]))
    return total.hexdigest()


def provenance(book: openpyxl.Workbook) -> dict[str, str]:
    return {r[0]: r[2] for r in book["来源"].iter_rows(min_row=3, values_only=True)}


def load(body: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body))


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def verify(w: World, body: bytes, who: str = "auditor", name: str = "file.xlsx"):
    return w.api(who).post(
        w.url(VERIFY), {"file": SimpleUploadedFile(name, body)}, format="multipart"
    )


def ranking_file(w: World, who: str = "auditor") -> bytes:
    with time_machine.travel(AT, tick=False):
        response = w.api(who).get(w.url("rankings/2025/export/"))
    assert response.status_code == 200
    return response.content


def verified(w: World, officers, kind: str = "event", on=dt.date(2025, 5, 6), title="活动"):
    logger = centre(w)
    e = entry_create(
        tenant=w.tenant,
        membership=logger,
        kind=kind,
        data={"title": title, "occurred_on": on},
        officers=officers,
    )
    e = entry_submit(tenant=w.tenant, membership=logger, entry=e)
    return entry_verify(tenant=w.tenant, membership=w.users["admin"].memberships.get(), entry=e)


# --- the 来源 sheet ------------------------------------------------------------------


def test_ranking_file_carries_its_provenance_and_its_rows_sha256(world):
    body = ranking_file(world)
    book = load(body)
    assert book.sheetnames == ["市派联络员", "一区", "二区", "来源"]
    record = ExportRecord.objects.get()
    sheet = book["来源"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        (zh("Provenance key"), zh("Item"), zh("Value")),
        ("export_id", zh("Export id"), record.export_id),
        ("tenant", zh("Tenant"), "alpha 科技局（alpha）"),
        ("kind", zh("Exported"), zh("Annual ranking")),
        ("user", zh("Exported by"), "alpha-auditor"),
        ("user_id", zh("User id"), str(world.users["auditor"].pk)),
        ("exported_at", zh("Exported at"), "2026-03-02 09:02:03 Asia/Shanghai"),
        ("filters", zh("Filters"), f"{zh('Year')}=2025；{zh('Status')}={zh('draft')}"),
        ("policy_version", zh("Policy version"), "1"),
        ("rows", zh("Data rows"), "4"),
        ("sha256", "sha256", recomputed_sha256(book)),
    ]
    assert len(record.export_id) == 32
    assert (record.tenant_id, record.user_id, record.username, record.kind, record.rows) == (
        world.tenant.pk,
        world.users["auditor"].pk,
        "alpha-auditor",
        "ranking",
        4,
    )
    assert record.at == AT
    assert record.sha256 == provenance(book)["sha256"]
    assert record.provenance == provenance(book)
    # every sheet prints landscape, one page wide, the header row on every page
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        # one page wide: fitToWidth is left out at its default (1), fitToHeight 0 = any
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (None, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$2:$2"
    # ids are text
    d1 = book["一区"]
    assert sorted(c.value for c in d1["B"][2:]) == sorted(
        [str(world.officers["d1"].pk), str(world.officers["mine"].pk)]
    )
    assert {c.data_type for c in d1["B"][2:]} == {"s"}


def test_every_export_records_its_own_file(world):
    first, second = ranking_file(world), ranking_file(world, who="admin")
    a, b = provenance(load(first)), provenance(load(second))
    assert a["sha256"] == b["sha256"]  # same rows, same heading minute
    assert a["export_id"] != b["export_id"]
    assert (a["user"], b["user"]) == ("alpha-auditor", "alpha-admin")
    assert ExportRecord.objects.count() == 2


def test_widths_count_chinese_characters_twice():
    assert display_width("派出单位") == 8
    assert display_width("Unit 派出") == 9
    book = template_workbook()
    sheet = SheetWriter(
        book,
        "t",
        heading="标题",
        columns=[("县（区）、高新区科技管理部门意见", 12), ("ID", 9), ("名称", 3)],
    )
    sheet.row(["x", "1", "y"])
    sheet.close()
    ws = load(workbook_bytes(book))["t"]
    # the file stores each width plus the cell padding (5 px of a 7-px digit), so
    # Excel shows the 34, 9 and 6 characters asked for
    assert [ws.column_dimensions[c].width for c in "ABC"] == [34.7109375, 9.7109375, 6.7109375]


# --- checking a file -----------------------------------------------------------------


def test_an_unchanged_file_verifies_and_the_answer_echoes_its_provenance(world):
    body = ranking_file(world)
    records = ExportRecord.objects.count()
    response = verify(world, body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["valid"] is True
    assert answer["reason"] == zh("This file was produced by the portal and is unchanged.")
    assert answer["provenance"] == provenance(load(body))
    assert answer["sha256"] == recomputed_sha256(load(body))
    assert answer["sheets"] == ["市派联络员", "一区", "二区"]
    assert answer["rows"] == 4
    assert ExportRecord.objects.count() == records  # checking writes nothing


def test_a_file_opened_and_saved_again_unchanged_still_verifies(world):
    body = saved(load(ranking_file(world)))
    assert verify(world, body).json()["valid"] is True


ROWS_CHANGED = (
    "The rows were changed after export: their SHA-256 differs from the one in the 来源 sheet."
)


def test_a_changed_cell_is_found(world):
    book = load(ranking_file(world))
    book["一区"]["C3"] = "李四四"
    answer = verify(world, saved(book)).json()
    assert (answer["valid"], answer["reason"]) == (False, zh(ROWS_CHANGED))


def test_a_number_turned_into_text_is_found(world):
    book = load(ranking_file(world))
    book["一区"]["A3"] = "1"  # the rank 1, now text "1"
    assert verify(world, saved(book)).json()["valid"] is False


def test_a_removed_row_is_found(world):
    book = load(ranking_file(world))
    book["一区"].delete_rows(4)
    answer = verify(world, saved(book)).json()
    assert (answer["valid"], answer["reason"]) == (False, zh(ROWS_CHANGED))
    assert answer["rows"] == 3


def test_a_forged_provenance_is_found(world):
    book = load(ranking_file(world))
    for row in book["来源"].iter_rows(min_row=3):
        if row[0].value == "user":
            row[2].value = "alpha-admin"
    answer = verify(world, saved(book)).json()
    assert answer["valid"] is False
    assert answer["reason"] == zh(
        "The 来源 sheet was changed: it differs from the portal's record of this export."
    )


def test_changed_rows_with_a_matching_new_sha256_have_no_record(world):
    book = load(ranking_file(world))
    book["一区"]["C3"] = "李四四"
    fresh = recomputed_sha256(book)
    for row in book["来源"].iter_rows(min_row=3):
        if row[0].value == "sha256":
            row[2].value = fresh
    answer = verify(world, saved(book)).json()
    assert (answer["valid"], answer["sha256"]) == (False, fresh)
    assert answer["reason"] == zh("The portal has no record of this export for this tenant.")


def test_a_file_without_provenance_is_not_the_portals(world):
    book = load(ranking_file(world))
    del book["来源"]
    answer = verify(world, saved(book)).json()
    assert (answer["valid"], answer["provenance"]) == (False, {})
    assert answer["reason"] == zh(
        "The file has no 来源 (provenance) sheet: the portal did not make it."
    )


def test_another_tenants_file_is_not_valid_here(world, other_world):
    with time_machine.travel(AT, tick=False):
        body = other_world.api("admin").get(other_world.url("rankings/2025/export/")).content
    assert verify(other_world, body, who="admin").json()["valid"] is True
    answer = verify(world, body, who="admin").json()
    assert answer["valid"] is False
    assert answer["reason"] == zh("The portal has no record of this export for this tenant.")


def _zip_of(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"name,points\n", "This is not an Excel .xlsx file."),
        (
            _zip_of("hello.txt", b"hi"),
            "The file cannot be read as an Excel workbook: it is damaged or not .xlsx.",
        ),
    ],
)
def test_a_file_that_is_no_workbook_is_400(world, body, message):
    records = ExportRecord.objects.count()
    response = verify(world, body)
    assert response.status_code == 400
    assert response.json() == {"file": [zh(message)]}
    assert ExportRecord.objects.count() == records


def test_a_truncated_workbook_is_400(world):
    body = ranking_file(world)
    response = verify(world, body[: len(body) // 2])
    assert response.status_code == 400
    assert list(response.json()) == ["file"]


def test_no_file_is_400(world):
    response = world.api("officer").post(world.url(VERIFY), {}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": [zh("Choose the Excel file to check.")]}


def test_the_check_page_for_an_auditor(world):
    body = ranking_file(world)
    client = Client()
    client.force_login(world.users["officer"])  # any member may check a file
    page = client.get("/t/alpha/exports/verify/")
    assert page.status_code == 200
    assert 'id="verify-form"' in page.content.decode()
    good = client.post("/t/alpha/exports/verify/", {"file": SimpleUploadedFile("r.xlsx", body)})
    html = good.content.decode()
    assert good.status_code == 200
    assert 'id="verify-valid"' in html
    assert "alpha 科技局（alpha）" in html
    book = load(body)
    book["一区"]["C3"] = "李四四"
    bad = client.post(
        "/t/alpha/exports/verify/", {"file": SimpleUploadedFile("r.xlsx", saved(book))}
    )
    assert 'id="verify-invalid"' in bad.content.decode()
    junk = client.post("/t/alpha/exports/verify/", {"file": SimpleUploadedFile("r.xlsx", b"x")})
    assert junk.status_code == 200
    assert zh("This is not an Excel .xlsx file.") in junk.content.decode()


# --- the other exports carry officer ids and 来源 ----------------------------------------


def test_roster_export_ids_and_mobiles_are_text(world):
    client = Client()
    client.force_login(world.users["admin"])
    with time_machine.travel(AT, tick=False):
        response = client.get("/t/alpha/officers/export/?district=d1")
    book = load(response.content)
    assert book.sheetnames[-1] == "来源"
    ws = book.worksheets[0]
    header = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    assert header[:3] == (zh("Officer ID"), zh("Full name"), zh("Category"))
    ids = [r[0] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert sorted(ids) == sorted([str(world.officers["mine"].pk), str(world.officers["d1"].pk)])
    assert provenance(book)["kind"] == zh("Roster")
    assert provenance(book)["rows"] == "2"
    assert verify(world, response.content).json()["valid"] is True


def test_quota_export_names_officers_by_id_and_unit(world):
    client = Client()
    client.force_login(world.users["admin"])
    response = client.get(f"/t/alpha/quotas/{world.quota_report.pk}/export/")
    assert response.status_code == 200
    book = load(response.content)
    ws = book.worksheets[0]
    header = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    assert header[:4] == (zh("Officer ID"), zh("Officer"), zh("District"), zh("Dispatching unit"))
    by_id = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
    mine = by_id[str(world.officers["mine"].pk)]
    assert mine[1:4] == ("张三", "一区", "alpha大学")
    assert provenance(book)["filters"] == f"{zh('Month')}=2025-03"
    assert verify(world, response.content).json()["valid"] is True


# --- the ledger export (SPEC.md §8 "the ledgers (filtered)") ---------------------------


def _city(w: World, name: str):
    return officer_create(
        tenant=w.tenant,
        full_name=name,
        category="city",
        district=None,
        term_start=TERM[0],
        term_end=TERM[1],
    )


def _page(w: World, who: str) -> Client:
    client = Client()
    client.force_login(w.users[who])
    return client


def test_ledger_export_rows_and_filters(world):
    from ledgers.choices import EntryStatus

    city = world.officers["city"]
    a, b = _city(world, "城一"), _city(world, "城二")
    entry = verified(world, [city, a, b], kind="event", title="=对接会")
    with time_machine.travel(AT, tick=False):
        response = _page(world, "auditor").get("/t/alpha/work/export/?kind=event&status=verified")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ledger-alpha.xlsx"'
    book = load(b"".join(response.streaming_content))
    assert book.sheetnames == [zh("Ledger"), "来源"]
    ws = book.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == (
        zh("Entry ID"),
        zh("Kind"),
        zh("Title"),
        zh("Officer ID"),
        zh("Officers"),
        zh("District"),
        zh("Dispatching unit"),
        zh("Status"),
        zh("Date"),
        zh("Points"),
        zh("Exact points"),
    )
    verified_label = zh(dict(EntryStatus.choices)["verified"])
    assert rows[2:] == [
        (
            str(entry.pk),
            "组织对接活动",
            "'=对接会",
            f"{city.pk}、{a.pk}、{b.pk}",
            f"赵六（{city.pk}）、城一（{a.pk}）、城二（{b.pk}）",
            None,
            "alpha大学",
            verified_label,
            dt.datetime(2025, 5, 6),
            10,
            "10",
        )
    ]
    assert ws["A3"].data_type == "s"
    assert ws.print_title_rows == "$2:$2"
    assert (
        provenance(book)["filters"] == f"{zh('Kind')}=组织对接活动；{zh('Status')}={verified_label}"
    )
    assert provenance(book)["rows"] == "1"
    assert provenance(book)["kind"] == zh("Ledger")
    assert (
        verify(
            world, b"".join(_page(world, "admin").get("/t/alpha/work/export/").streaming_content)
        ).json()["valid"]
        is True
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("auditor", 200), ("manager", 200), ("reviewer", 403), ("officer", 403)],
)
def test_ledger_export_roles_and_reach(world, who, status):
    verified(world, [world.officers["d2"]], kind="achievement", title="二区成果")
    response = _page(world, who).get("/t/alpha/work/export/?kind=achievement")
    assert response.status_code == status
    if status == 200:  # the page's kind filter applies; a manager sees d1's entries only
        ws = load(b"".join(response.streaming_content)).worksheets[0]
        titles = sorted(r[2] for r in ws.iter_rows(min_row=3, values_only=True))
        expected = ["alpha achievement"] + ([] if who == "manager" else ["二区成果"])
        assert titles == sorted(expected)


def test_ledger_page_has_the_export_button_for_exporters_only(world):
    html = _page(world, "auditor").get("/t/alpha/work/?status=draft&page=1").content.decode()
    assert 'id="ledger-export"' in html
    assert 'href="/t/alpha/work/export/?status=draft"' in html
    assert (
        'id="ledger-export"' not in _page(world, "officer").get("/t/alpha/work/").content.decode()
    )


def test_large_ledger_export_runs_as_a_job(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    from scoring.models import ExportJob

    settings.MEDIA_ROOT = str(tmp_path)
    client = _page(world, "auditor")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/t/alpha/work/export/?background=1&kind=event")
    job = ExportJob.objects.filter(kind="ledger").get()
    assert response.status_code == 302
    assert response["Location"] == f"/t/alpha/exports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.progress, job.params) == ("done", 100, {"query": "kind=event"})
    body = b"".join(client.get(f"/t/alpha/exports/{job.pk}/download/").streaming_content)
    book = load(body)
    assert [r[2] for r in book.worksheets[0].iter_rows(min_row=3, values_only=True)] == [
        "alpha event"
    ]
    assert provenance(book)["user"] == "alpha-auditor"
    assert verify(world, body).json()["valid"] is True
