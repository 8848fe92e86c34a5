"""Assessment pages: the year's grades (admin decides and finalises), the
results letter per dispatching unit and the Excel export."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from django.test import Client

from assessment.models import GradeDecision

from .test_grades_api import YEAR, build_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def yq(db):
    return build_cohort("yqp")


def page(w, who: str) -> Client:
    client = Client()
    client.force_login(w.users[who])
    return client


def path(w, rest: str = "") -> str:
    return f"/t/{w.tenant.slug}/assessment/{YEAR}/{rest}"


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("auditor", 200), ("manager", 200), ("reviewer", 403), ("officer", 403)],
)
def test_year_page_roles(yq, who, status):
    response = page(yq, who).get(path(yq))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "特派员A" in html and ("特派员E" in html) == (who != "manager")
        assert ('id="finalize"' in html) == (who == "admin")
        assert "超出优秀的 1 个名额：合格" in html
        assert "98.33" in html
        # F: nothing recorded, no grade proposed
        assert "1 人未提议等次（缺少评价）：本年度无任何评价、意见或记录。" in html
        assert "尚有待评人员时不能确定考核结果" in html
        assert "待评 1" in html


def test_other_tenant_pages_are_404(yq, other_world):
    client = page(other_world, "admin")
    assert client.get(path(yq)).status_code == 404
    assert client.get(path(yq, f"letters/{yq.units['u1'].id}/")).status_code == 404
    assert client.get(path(yq, "export/")).status_code == 404
    # a unit of another tenant in this tenant's letter
    assert (
        page(yq, "admin").get(path(yq, f"letters/{other_world.units['u1'].id}/")).status_code == 404
    )
    # a manager of d1 gets no letter for the d2 unit
    assert page(yq, "manager").get(path(yq, f"letters/{yq.units['u2'].id}/")).status_code == 404


def test_admin_sets_a_grade_and_finalises(yq):
    client = page(yq, "admin")
    b = yq.officers["B"].id
    no_reason = client.post(path(yq, f"officers/{b}/grade/"), {"grade": "excellent", "reason": ""})
    assert no_reason.status_code == 302 and not GradeDecision.objects.exists()
    assert (
        page(yq, "auditor")
        .post(path(yq, f"officers/{b}/grade/"), {"grade": "excellent", "reason": "x"})
        .status_code
        == 403
    )
    # A holds the one excellent place: a second 优秀 is refused, with the message
    over = client.post(
        path(yq, f"officers/{b}/grade/"), {"grade": "excellent", "reason": "联名表扬"}, follow=True
    )
    assert "考核总人数 6 人，优秀等次至多 1 人（20%），已有 1 人。" in over.content.decode()
    assert not GradeDecision.objects.exists()
    a, f = yq.officers["A"].id, yq.officers["F"].id
    client.post(path(yq, f"officers/{a}/grade/"), {"grade": "qualified", "reason": "让出名额"})
    client.post(path(yq, f"officers/{b}/grade/"), {"grade": "excellent", "reason": "联名表扬"})
    assert GradeDecision.objects.get(officer_id=b).grade == "excellent"
    html = client.get(path(yq)).content.decode()
    assert "中心定为优秀：联名表扬" in html
    assert page(yq, "auditor").post(path(yq, "finalize/")).status_code == 403
    # F is pending: refused, with the message on the page
    refused = client.post(path(yq, "finalize/"), follow=True)
    assert "尚有 1 人待评（缺少评价）：特派员F。" in refused.content.decode()
    assert 'id="assessment-status">草稿' in refused.content.decode()
    client.post(path(yq, f"officers/{f}/grade/"), {"grade": "unqualified", "reason": "未参加"})
    assert client.post(path(yq, "finalize/")).status_code == 302
    html = client.get(path(yq)).content.decode()
    assert 'id="assessment-status">定稿' in html
    assert 'id="finalize"' not in html and "调整等次" not in html


def test_results_letter_lists_the_units_officers(yq):
    client = page(yq, "admin")
    f = yq.officers["F"].id
    client.post(path(yq, f"officers/{f}/grade/"), {"grade": "unqualified", "reason": "未参加"})
    assert client.post(path(yq, "finalize/")).status_code == 302
    html = client.get(path(yq, f"letters/{yq.units['u1'].id}/")).content.decode()
    for name in "ABCDF":
        assert f"特派员{name}" in html
    assert "特派员E" not in html
    assert "data-print" in html


def test_excel_export_reads_back(yq):
    response = page(yq, "admin").get(path(yq, "export/"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(response.content))[str(YEAR)]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    header = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    assert header == (
        "人员编号",
        "联络员",
        "类别",
        "所属区",
        "派出单位",
        "县（区）、高新区科技管理部门意见",
        "派驻单位评价",
        "日常服务次数与记录",
        "年度工作实绩",
        "得分",
        "精确得分",
        "建议等次",
        "等次",
        "依据",
    )
    assert openpyxl.load_workbook(BytesIO(response.content)).sheetnames == [str(YEAR), "来源"]
    assert sheet.page_setup.orientation == "landscape"
    by_id = {r[0]: r for r in rows}
    b = by_id[str(yq.officers["B"].id)]  # ids as text
    assert b[1] == "特派员B"
    assert b[5:9] == (100, 95, None, 100)
    assert b[9] == pytest.approx(295 / 3) and b[10] == "295/3"
    assert b[11:13] == ("合格", "合格")
    assert len(rows) == 6
    manager = page(yq, "manager").get(path(yq, "export/"))
    assert (
        len(list(openpyxl.load_workbook(BytesIO(manager.content))[str(YEAR)].iter_rows(min_row=3)))
        == 5
    )


def test_page_query_count_does_not_grow(yq, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from roster import services as roster

    from .test_grades_api import TERM, full

    client = page(yq, "admin")
    with CaptureQueriesContext(connection) as small:
        assert client.get(path(yq)).status_code == 200
    for i in range(5):
        o = roster.officer_create(
            tenant=yq.tenant,
            full_name=f"加{i}",
            category="commissioner",
            district=yq.districts["d1"],
            unit=yq.units["u1"],
            term_start=TERM[0],
            term_end=TERM[1],
        )
        full(yq, o, "qualified", [4, 4, 4, 4], 4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path(yq)).status_code == 200


def test_menu_leads_to_the_current_years_assessment(yq):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 1, 15, 10), tick=False):
        client = page(yq, "admin")
        response = client.get(f"/t/{yq.tenant.slug}/assessment/")
        assert response.status_code == 302
        assert response["Location"] == f"/t/{yq.tenant.slug}/assessment/2026/"
        assert "年度考核等次" in client.get(path(yq)).content.decode()
    assert page(yq, "reviewer").get(f"/t/{yq.tenant.slug}/assessment/").status_code == 403


def test_year_page_searches_and_filters_by_grade(yq):
    """Issue 14 "Lists": the table narrows by name and by grade; the
    summary above it still counts the whole year."""
    import re

    client = page(yq, "admin")

    def names(**query) -> list[str]:
        html = client.get(path(yq), query).content.decode()
        assert "待评 1" in html  # the counts are the year's, not the page's
        return re.findall(r'<td class="text-nowrap" data-label="[^"]+"><span>([^<]+)<', html)

    everyone = names()
    assert len(everyone) == len(set(everyone)) >= 6
    assert names(q="特派员A") == ["特派员A"]
    assert names(q="特派员F", grade="pending") == ["特派员F"]
    assert names(grade="pending") == ["特派员F"]
    assert names(q="无此人") == []
