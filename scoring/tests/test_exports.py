"""Excel exports of the ranking and the statement (SPEC.md §8): real .xlsx
files, a title row with tenant, year, status and time of export, a frozen
header with filters, numbers as numbers, formula text neutralised."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from io import BytesIO

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from ledgers.services import entry_create, entry_submit, entry_verify
from liaison.excel import XLSX, safe_text
from roster.models import Officer
from roster.services import officer_create
from tests.world import TERM, World, centre

pytestmark = pytest.mark.django_db


EXPORT = "rankings/2025/export/"
KINDS = ("achievement", "demand", "event", "conversion", "case", "video")
EVIL = "=cmd|' /C calc'!A0"
_serial = iter(range(1, 10_000))


def zh(text: str) -> str:
    """A UI string as the export writes it (Chinese unless asked otherwise)."""
    with translation.override("zh-hans"):
        return gettext(text)


def verified(w: World, officers: list[Officer], kind: str = "event", on=dt.date(2025, 5, 6)):
    admin = w.users["admin"].memberships.get()
    logger = centre(w)  # four eyes: the admin verifies what another member logged
    e = entry_create(
        tenant=w.tenant,
        membership=logger,
        kind=kind,
        data={"title": f"{kind} {next(_serial)}", "occurred_on": on},
        officers=officers,
    )
    e = entry_submit(tenant=w.tenant, membership=logger, entry=e)
    return entry_verify(tenant=w.tenant, membership=admin, entry=e)


def city_officer(w: World, name: str) -> Officer:
    return officer_create(
        tenant=w.tenant,
        full_name=name,
        category="city",
        district=None,
        term_start=TERM[0],
        term_end=TERM[1],
    )


def workbook(body: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(BytesIO(body))


# --- who may export ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("auditor", 200), ("manager", 403), ("reviewer", 403), ("officer", 403)],
)
def test_ranking_export_roles(world, who, status):
    response = world.api(who).get(world.url(EXPORT))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == XLSX
        assert response["Content-Disposition"] == (
            'attachment; filename="ranking-alpha-2025-draft.xlsx"'
        )
        assert response.content[:2] == b"PK"  # a zip container: a real .xlsx
        assert workbook(response.content).sheetnames[-1] == "来源"
        assert len(workbook(response.content).worksheets) == 4  # three pools and 来源


def test_ranking_export_of_another_tenant_is_404(world, other_world):
    response = world.api("admin").get(f"/api/v1/tenants/{other_world.tenant.slug}/{EXPORT}")
    assert response.status_code == 404


# --- the ranking workbook ----------------------------------------------------------------


def test_ranking_workbook_layout_and_values(world):
    city = world.officers["city"]
    a, b = city_officer(world, "城一"), city_officer(world, "城二")
    evil = city_officer(world, EVIL)
    verified(world, [city, a, b], kind="event")
    verified(world, [city, world.officers["d1"]], kind="conversion")
    verified(world, [world.officers["d2"]], kind="achievement")
    verified(world, [world.officers["d2"]], kind="achievement")
    api = world.api("auditor").get(world.url("rankings/2025/")).json()

    before = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    response = world.api("auditor").get(world.url(EXPORT))
    after = timezone.localtime().replace(tzinfo=None)
    assert response.status_code == 200
    wb = workbook(response.content)
    assert wb.sheetnames == [zh("City officers"), "一区", "二区", "来源"]

    header = (
        zh("Rank"),
        zh("Officer ID"),
        zh("Officer"),
        zh("Category"),
        zh("District"),
        zh("Dispatching unit"),
        "征集科技成果",
        "挖掘企业技术需求",
        "组织对接活动",
        "成功转化",
        "典型案例",
        "短视频",
        zh("Bonus"),
        zh("Total points"),
        zh("Exact total"),
        zh("Excellent"),
    )
    units = {o.pk: (o.unit.name if o.unit_id else None) for o in Officer.objects.all()}
    for ws, pool in zip(wb.worksheets[:-1], api["pools"], strict=True):
        rows = list(ws.iter_rows(values_only=True))
        title = rows[0][0]
        assert all(v is None for v in rows[0][1:])
        assert "alpha 科技局" in title
        assert "2025" in title
        assert zh("draft") in title
        assert ws.title in title
        stamp = re.search(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})$", title)
        assert stamp, title
        assert before <= dt.datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M") <= after
        assert rows[1] == header
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == f"A2:P{len(pool['rows']) + 2}"
        assert ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows == "$2:$2"
        assert ws["A2"].font.b is True
        body = rows[2:]
        assert len(body) == len(pool["rows"]) == pool["size"]
        for values, r in zip(body, pool["rows"], strict=True):
            rank, officer_id, name, category, _district, unit, *counts = values[:12]
            bonus, total, exact, excellent = values[12:]
            assert type(rank) is int and rank == r["rank"]
            assert officer_id == str(r["officer"])  # an id as text
            assert unit == units[r["officer"]]
            assert category == {"city": "市派联络员", "district": "区派联络员"}[r["category"]]
            assert counts == [r["counts"][k] for k in KINDS]
            assert all(type(n) is int for n in counts)
            assert type(bonus) is int and bonus == int(r["bonus"])
            assert isinstance(total, int | float) and not isinstance(total, bool)
            assert abs(Fraction(total) - Fraction(r["points_exact"])) < Fraction(1, 10**9)
            assert f"{total:.2f}" == r["points"]
            assert exact == r["points_exact"]
            assert excellent == (zh("Yes") if r["excellent"] else None)
            if r["officer"] == evil.id:
                assert name == "'" + EVIL
            else:
                assert name == r["full_name"]

    city_sheet = wb[zh("City officers")]
    by_name = {row[2]: row for row in city_sheet.iter_rows(min_row=3, values_only=True)}
    assert by_name["城一"][13] == pytest.approx(10 / 3)
    assert type(by_name["城一"][13]) is float
    assert by_name["城一"][14] == "10/3"
    assert by_name["赵六"][14] == "310/3"  # 10/3 + 100
    assert by_name["赵六"][9] == 1  # one conversion
    assert by_name["赵六"][:6] == (
        1,
        str(city.id),
        "赵六",
        "市派联络员",
        None,
        "alpha大学",
    )
    assert city_sheet.cell(row=3, column=14).number_format == "0.00"
    # the officer named like a formula is text, never a formula
    (cell,) = [c for c in city_sheet["C"] if c.value == "'" + EVIL]
    assert cell.data_type == "s"
    assert not any(c.data_type == "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)
    d1_sheet = wb["一区"]
    rows = list(d1_sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[2], r[4], r[5], r[9], r[14]) for r in rows] == [
        (str(world.officers["d1"].id), "李四", "一区", None, 1, "100"),
        (str(world.officers["mine"].id), "张三", "一区", "alpha大学", 0, "0"),
    ]


def test_ranking_export_of_a_final_ranking_says_final(world):
    assert world.api("admin").post(world.url("rankings/2025/finalize/")).status_code == 200
    response = world.api("admin").get(world.url(EXPORT))
    assert response["Content-Disposition"] == 'attachment; filename="ranking-alpha-2025-final.xlsx"'
    title = workbook(response.content).worksheets[0]["A1"].value
    assert zh("final") in title
    assert zh("draft") not in title


# --- formula neutralisation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (EVIL, "'" + EVIL),
        ("张三", "张三"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_text(text, expected):
    assert safe_text(text) == expected


# --- the statement workbook --------------------------------------------------------------


def test_statement_export_page(world):
    city = world.officers["city"]
    a, b = city_officer(world, "城一"), city_officer(world, "城二")
    event = verified(world, [city, a, b], kind="event", on=dt.date(2025, 3, 1))
    conversion = verified(world, [city], kind="conversion", on=dt.date(2025, 4, 2))
    client = Client()
    client.force_login(world.users["auditor"])
    response = client.get(f"/t/alpha/officers/{city.id}/statement/2025/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{city.id}-2025.xlsx"'
    )
    ws = workbook(response.content).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert "alpha 科技局" in rows[0][0]
    assert "2025" in rows[0][0]
    assert "赵六" in rows[0][0]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:F{len(rows)}"
    lines = rows[2:-2]
    assert [(r[0], r[2], r[3], r[5]) for r in lines] == [
        (
            str(event.id),
            dt.datetime(2025, 3, 1),
            f"赵六（{city.id}）、城一（{a.id}）、城二（{b.id}）",
            "10/3",
        ),
        (str(conversion.id), dt.datetime(2025, 4, 2), f"赵六（{city.id}）", "100"),
    ]
    assert lines[0][4] == pytest.approx(10 / 3)
    assert ws.cell(row=3, column=3).number_format == "yyyy-mm-dd"
    bonus, total = rows[-2], rows[-1]
    assert bonus[1] == zh("Bonus")
    assert (bonus[4], bonus[5]) == (0, "0")
    assert total[1] == zh("Total")
    assert total[4] == pytest.approx(310 / 3)
    assert total[5] == "310/3"
    statement = world.api("admin").get(world.url(f"officers/{city.id}/statement/?year=2025"))
    assert total[5] == statement.json()["total_exact"]


def test_statement_export_with_bonus(world):
    d2 = world.officers["d2"]
    for _ in range(10):
        verified(world, [d2], kind="conversion")
    verified(world, [d2], kind="event")
    client = Client()
    client.force_login(world.users["admin"])
    response = client.get(f"/t/alpha/officers/{d2.id}/statement/2025/export/")
    assert response.status_code == 200
    rows = list(workbook(response.content).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 + 11 + 2
    assert rows[-2][1:] == (zh("Bonus"), None, None, 100, "100")
    assert rows[-1][1:] == (zh("Total"), None, None, 1110, "1110")


@pytest.mark.parametrize(
    ("who", "own", "other"), [("officer", 200, 404), ("reviewer", 403, 403), ("manager", 200, 404)]
)
def test_statement_export_page_roles(world, who, own, other):
    client = Client()
    client.force_login(world.users[who])
    mine, d2 = world.officers["mine"], world.officers["d2"]
    assert client.get(f"/t/alpha/officers/{mine.id}/statement/2025/export/").status_code == own
    assert client.get(f"/t/alpha/officers/{d2.id}/statement/2025/export/").status_code == other
