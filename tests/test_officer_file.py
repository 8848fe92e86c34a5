"""One file per officer (一人一档, issue 13 item 5): the sections with exact
rows, the workbook read back, and who reaches it (others: 404)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Membership
from duties import services as duties
from duties.choices import ReportKind, TrainingKind
from ledgers.services import entry_create, entry_submit, entry_verify
from tests.world import centre

pytestmark = pytest.mark.django_db

SHEETS = [
    "联络员",
    "服务协议",
    "计划与报告",
    "服务天数",
    "参加的培训",
    "台账",
    "积分明细",
    "考核等次",
    "操作记录",
]


@pytest.fixture
def fw(world):
    return records(world)


def records(w):
    """张三 (``mine``, 2025–2026): an agreement with u1 for 2025, the 2025-Q1
    report handed in (late: the clock is past its day), 5 days on site in
    March 2025, one training attended, one event verified."""
    admin = Membership.objects.get(user=w.users["admin"])
    mine = w.officers["mine"]
    duties.agreement_create(
        tenant=w.tenant,
        membership=admin,
        officer=mine,
        host_unit=w.units["u1"],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        signed_on=dt.date(2025, 1, 1),
    )
    report = duties.report_create(
        tenant=w.tenant,
        membership=admin,
        officer=mine,
        kind="quarterly_report",
        period="2025-Q1",
        body="一季度工作进展",
    )
    duties.report_submit(tenant=w.tenant, membership=admin, report=report)
    duties.service_days_create(
        tenant=w.tenant,
        membership=admin,
        officer=mine,
        host_unit=w.units["u1"],
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 5),
        note="驻点服务",
    )
    duties.training_create(
        tenant=w.tenant,
        membership=admin,
        title="联络员集中培训",
        kind="training",
        held_on=dt.date(2025, 9, 1),
        attendees=[mine],
    )
    logger = centre(w)  # four eyes: the centre's second admin logs, the admin verifies
    entry = entry_create(
        tenant=w.tenant,
        membership=logger,
        kind="event",
        data={"title": "技术对接会", "occurred_on": dt.date(2025, 5, 6)},
        officers=[mine],
    )
    entry = entry_submit(tenant=w.tenant, membership=logger, entry=entry)
    w.entries["mine"] = entry_verify(tenant=w.tenant, membership=admin, entry=entry)
    return w


def zh(label) -> str:
    """A label as the API shows it (zh_Hans; the duties' own catalogue block
    comes from another branch)."""
    with translation.override("zh-hans"):
        return str(label)


def _file(w, who="admin", query=""):
    return w.api(who).get(w.url(f"officers/{w.officers['mine'].id}/file/{query}"))


def test_sections_and_rows(fw):
    response = _file(fw)
    assert response.status_code == 200
    body = response.json()
    assert body["officer"] == fw.officers["mine"].id
    assert body["years"] == [2025, 2026]
    s = {k: v["rows"] for k, v in body["sections"].items()}
    assert list(s) == [
        "officer",
        "agreements",
        "reports",
        "service_days",
        "trainings",
        "ledger",
        "statement",
        "grades",
        "history",
    ]
    assert s["officer"] == [
        {
            "full_name": "张三",
            "category": s["officer"][0]["category"],
            "district": "一区",
            "unit": "alpha大学",
            "status": "在任",
            "term_start": "2025-01-01",
            "term_end": "2026-12-31",
            "disqualified_on": None,
        }
    ]
    assert s["agreements"] == [
        {
            "host_unit": "alpha大学",
            "start": "2025-01-01",
            "end": "2025-12-31",
            "signed_on": "2025-01-01",
            "filed": "否",
        }
    ]
    assert s["reports"] == [
        {
            "kind": zh(ReportKind.QUARTERLY_REPORT.label),
            "period": "2025-Q1",
            "due_on": "2025-04-01",
            "status": "已提交",
            "submitted_on": timezone.localdate().isoformat(),
            "late": "是",
        }
    ]
    assert s["service_days"] == [
        {
            "host_unit": "alpha大学",
            "start": "2025-03-01",
            "end": "2025-03-05",
            "days": 5,
            "note": "驻点服务",
        }
    ]
    assert s["trainings"] == [
        {
            "held_on": "2025-09-01",
            "title": "联络员集中培训",
            "kind": zh(TrainingKind.TRAINING.label),
        }
    ]
    assert s["ledger"] == [
        {
            "entry": fw.entries["mine"].id,
            "kind": "组织对接活动",
            "title": "技术对接会",
            "occurred_on": "2025-05-06",
            "status": "审核通过",
        }
    ]
    assert [(r["year"], r["status"], r["entries"], r["total"]) for r in s["statement"]] == [
        (2025, "草稿", 1, "10.00"),  # an event: 10 points (Wuhan)
        (2026, "草稿", 0, "0.00"),
    ]
    assert s["grades"] == []
    assert s["history"][0] == {"date": "2025-01-01", "change": "已认定", "detail": "", "actor": ""}
    # one year only
    assert _file(fw, query="?from=2026&to=2026").json()["sections"]["service_days"]["rows"] == []


def test_the_workbook(fw):
    response = fw.api("admin").get(fw.url(f"officers/{fw.officers['mine'].id}/file.xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="officer-file-{fw.officers["mine"].id}-2025-2026.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [*SHEETS, "来源"]
    provenance = [c for row in book["来源"].iter_rows(values_only=True) for c in row]
    assert (
        "一人一档" in provenance
        and f"联络员=张三（{fw.officers['mine'].id}）；年份=2025–2026" in provenance
    )
    days = book["服务天数"]
    assert [c.value for c in days[2]] == ["派驻单位", "开始", "结束", "天数", "备注"]
    assert [c.value for c in days[3]] == [
        "alpha大学",
        dt.datetime(2025, 3, 1),
        dt.datetime(2025, 3, 5),
        5,
        "驻点服务",
    ]
    assert days["B3"].number_format == "yyyy-mm-dd"
    assert days.max_row == 3
    statement = book["积分明细"]
    assert [c.value for c in statement[3]] == [2025, "草稿", 1, 0, 10, "10"]
    assert book["联络员"]["A3"].value == "张三"
    assert book["台账"]["C3"].value == "技术对接会"
    assert book["参加的培训"]["A3"].value == dt.datetime(2025, 9, 1)


@pytest.mark.parametrize(
    ("who", "mine", "d2"),
    [
        ("admin", 200, 200),
        ("auditor", 200, 200),
        ("manager", 200, 404),  # d1's manager: 张三 is in d1, 王五 in d2
        ("reviewer", 404, 404),  # unit reviewers have no file to open
        ("officer", 200, 404),  # their own file only
    ],
)
def test_reach(fw, who, mine, d2):
    api = fw.api(who)
    for officer, status in ((fw.officers["mine"], mine), (fw.officers["d2"], d2)):
        assert api.get(fw.url(f"officers/{officer.id}/file/")).status_code == status
        assert api.get(fw.url(f"officers/{officer.id}/file.xlsx")).status_code == status


def test_page_and_workbook_pages(client, fw):
    mine = fw.officers["mine"]
    client.force_login(fw.users["officer"])
    page = client.get(f"/t/alpha/officers/{mine.id}/file/")
    assert page.status_code == 200
    html = page.content.decode()
    for section in ("file-agreements", "file-reports", "file-service_days", "file-history"):
        assert f'id="{section}"' in html
    assert "驻点服务" in html and "技术对接会" in html and "2025-03-05" in html
    book = client.get(f"/t/alpha/officers/{mine.id}/file.xlsx?from=2025&to=2025")
    assert book.status_code == 200
    assert load_workbook(io.BytesIO(book.content)).sheetnames == [*SHEETS, "来源"]
    assert client.get(f"/t/alpha/officers/{fw.officers['d2'].id}/file/").status_code == 404
    # linked from the officer's page
    detail = client.get(f"/t/alpha/officers/{mine.id}/").content.decode()
    assert f'href="/t/alpha/officers/{mine.id}/file/"' in detail
    client.force_login(fw.users["reviewer"])
    assert client.get(f"/t/alpha/officers/{mine.id}/file/").status_code == 404


def test_another_tenant_is_404(fw, other_world):
    mine = fw.officers["mine"]
    assert other_world.api("admin").get(fw.url(f"officers/{mine.id}/file/")).status_code == 404
    own = other_world.officers["mine"].id
    assert fw.api("admin").get(fw.url(f"officers/{own}/file/")).status_code == 404


def test_history_names_the_changed_fields(fw):
    from roster.models import Officer

    Officer.objects.filter(pk=fw.officers["mine"].pk).update(mobile="13800000000")
    history = _file(fw).json()["sections"]["history"]["rows"]
    assert [(r["change"], r["detail"]) for r in history[1:]] == [
        ("档案记录：新增", ""),
        ("档案记录：修改", "手机号码"),
    ]


def test_a_programme_without_points_or_assessment_rows(db):
    """Yangquan: no points ranking of entries; the statement shows zeros, the
    grades none until a year is final."""
    from roster import services as roster
    from tests.world import build_world

    w = build_world("yqf", preset="yangquan")
    officer = roster.officer_create(
        tenant=w.tenant,
        full_name="特派员甲",
        category="commissioner",
        district=w.districts["d1"],
        unit=w.units["u1"],
        term_start=dt.date(2026, 1, 1),
        term_end=dt.date(2026, 12, 31),
    )
    body = w.api("admin").get(w.url(f"officers/{officer.id}/file/")).json()
    assert body["years"] == [2026, 2026]
    assert [(r["year"], r["total"]) for r in body["sections"]["statement"]["rows"]] == [
        (2026, "0.00")
    ]
    assert body["sections"]["grades"]["rows"] == []
    # a finalised year (rows as the finalisation freezes them)
    from django.utils import timezone

    from assessment.models import AssessmentResult, AssessmentYear

    year = AssessmentYear.objects.create(
        tenant=w.tenant, year=2026, status="final", finalized_at=timezone.now()
    )
    AssessmentResult.objects.create(
        tenant=w.tenant,
        assessment_year=year,
        officer=officer,
        score="171/2",
        components={},
        proposed_grade="excellent",
        grade="excellent",
        reasons=[],
    )
    body = w.api("admin").get(w.url(f"officers/{officer.id}/file/")).json()
    assert body["sections"]["grades"]["rows"] == [
        {"year": 2026, "grade": "优秀", "score": "85.50", "score_exact": "171/2"}
    ]
