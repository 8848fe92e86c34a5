"""Issue 12 "Done when", through a real browser on the Yangquan demo tenant
(``manage.py demo``): the 2025 assessment year runs end to end.

The admin sends a rating request for the officer nothing was recorded of
(苗丽萍, 待评); the host answers on a 390-px phone without an account, once
(a second visit says it is answered); the admin sees the answer; on the
年度考核等次 page the 20% cap holds (10 commissioners: 2 excellent places, a
third 优秀 is refused with the message), one grade is set with a reason, the
year is finalised (confirmed), the results letter printed and the Excel
export read back; then next year's nomination of the officer graded 不合格
is blocked on submit with the eligibility message. Screenshots at 1280 and
390 px of the assessment page, the rating link and the letter."""

from __future__ import annotations

import re
from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Membership, Tenant
from assessment.models import AssessmentResult, GradeDecision, Rating
from roster import workflow
from roster.models import Officer

from .test_login import sign_in

pytestmark = pytest.mark.browser

SLUG, YEAR = "yangquan-demo", 2025
PASSWORD = "Demo-pass-2026"
PAGE = f"/t/{SLUG}/assessment/{YEAR}/"
RATINGS = f"{PAGE}ratings/"
HOST_SCORES = {"duties": 4, "service": 4, "conversion": 3, "satisfaction": 5}


@pytest.fixture
def demo(transactional_db):
    call_command("demo")
    return Tenant.objects.get(slug=SLUG)


def _fits(page, name: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"


def _shots(page, artifacts_dir, name: str) -> None:
    """The page at 1280 px, then at 390 px (nothing wider than the phone)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(artifacts_dir / f"yq-assessment-{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    _fits(page, name)
    page.screenshot(path=str(artifacts_dir / f"yq-assessment-{name}-390.png"), full_page=True)
    page.screenshot(path=str(artifacts_dir / f"yq-assessment-{name}-390-top.png"))
    page.set_viewport_size({"width": 1280, "height": 800})


def _row(page, officer: Officer):
    return page.locator(f'tr[data-officer="{officer.pk}"]')


def _set_grade(page, officer: Officer, grade: str, reason: str) -> None:
    row = _row(page, officer)
    row.locator("summary").click()
    row.locator("select[name=grade]").select_option(grade)
    row.locator("input[name=reason]").fill(reason)
    row.locator("form button[type=submit]").click()


def test_a_yangquan_year_runs_in_the_browser(page, phone_page, demo, artifacts_dir):
    officers = {o.full_name: o for o in Officer.objects.for_tenant(demo)}
    pending, third, failed = officers["苗丽萍"], officers["武建国"], officers["常振华"]

    # --- the admin asks the host of the officer nothing was recorded of ----------
    sign_in(page, "demo-yq-admin", PASSWORD)
    page.goto(PAGE)
    expect(page.locator("#pending-notice")).to_contain_text("1 人未提议等次（缺少评价）")
    expect(_row(page, pending).locator(".grade")).to_have_text("待评")
    page.goto(RATINGS)
    form = page.locator("#request-form")
    form.locator("select[name=officer]").select_option(str(pending.pk))
    form.locator("select[name=rater_kind]").select_option("host")
    form.locator("input[name=rater_name]").fill("阳泉经济技术开发区")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{RATINGS}$"))  # Post/Redirect/Get
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("评价邀请已生成")
    expect(page.locator("#new-link svg")).to_be_visible()
    link = page.locator("#rating-link").input_value()
    assert f"/public/{SLUG}/ratings/" in link
    page.reload()  # the link is shown once; a reload sends nothing again
    expect(page.locator("#new-link")).to_have_count(0)
    assert Rating.objects.filter(request__officer=pending).count() == 0

    # --- the host answers on a phone, without an account, once ----------------------
    phone_page.goto(link)
    expect(phone_page.locator("#rated-officer")).to_have_text("苗丽萍")
    _fits(phone_page, "rating link")
    phone_page.screenshot(path=str(artifacts_dir / "yq-assessment-rating-link-390.png"))
    for code, score in HOST_SCORES.items():
        phone_page.click(f"label[for=s-{code}-{score}]")
    phone_page.fill("#rating-comment", "技术服务及时，帮助企业解决了发酵工艺问题。")
    phone_page.wait_for_timeout(300)  # the buttons' colour transition
    phone_page.screenshot(
        path=str(artifacts_dir / "yq-assessment-rating-link-filled-390.png"), full_page=True
    )
    phone_page.click("#rating-form button[type=submit]")
    expect(phone_page.locator("#rating-closed")).to_have_attribute("data-state", "thanks")
    phone_page.goto(link)  # a second visit
    expect(phone_page.locator("#rating-closed")).to_have_attribute("data-state", "answered")
    expect(phone_page.locator("#rating-closed h1")).to_have_text("已评价")
    rating = Rating.objects.get(request__officer=pending)
    assert rating.scores == HOST_SCORES
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(link)
    page.screenshot(path=str(artifacts_dir / "yq-assessment-rating-link-1280.png"))

    # --- the admin sees the answer -----------------------------------------------------
    page.goto(RATINGS)
    row = page.locator(f'[data-request="{rating.request_id}"]')
    expect(row).to_contain_text("阳泉经济技术开发区")
    expect(row).to_contain_text("已评价")

    # --- 年度考核等次: the cap holds, one grade set with a reason ---------------------------
    page.goto(PAGE)
    # host 4 4 3 5: mean 4 → 80.00, the only component: 合格; nobody pending now
    expect(_row(page, pending).locator("td[data-label='得分']")).to_have_text("80.00")
    expect(_row(page, pending).locator(".grade")).to_have_text("合格")
    expect(page.locator("#pending-notice")).to_have_count(0)
    expect(page.locator("#grade-counts")).to_have_text("优秀 2 · 合格 6 · 不合格 2")
    expect(_row(page, third)).to_contain_text("超出优秀的 2 个名额：合格")
    _shots(page, artifacts_dir, "draft")
    _set_grade(page, third, "excellent", "服务企业获省级科技进步奖")
    expect(page.locator(".alert-danger[role=alert]")).to_contain_text(
        "考核总人数 10 人，优秀等次至多 2 人（20%），已有 2 人。请先调整其他人员的等次。"
    )
    assert not GradeDecision.objects.filter(officer=third).exists()
    jia = officers["贾春燕"]
    _set_grade(page, jia, "unqualified", "派驻单位书面反映：全年到岗服务不足两次")
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("等次已确定")
    expect(_row(page, jia).locator(".grade")).to_have_text("不合格")
    expect(_row(page, jia)).to_contain_text(
        "中心定为不合格：派驻单位书面反映：全年到岗服务不足两次"
    )

    # --- finalise (confirmed) ----------------------------------------------------------
    page.click("#finalize")
    expect(page.locator("#confirm-message")).to_have_text(
        "确定定稿本年度考核吗？定稿后等次不能再修改。"
    )
    page.click("#confirm-ok")
    expect(page.locator("#assessment-status")).to_have_text("定稿")
    expect(page.locator("#finalize")).to_have_count(0)
    grades = dict(
        AssessmentResult.objects.filter(assessment_year__tenant=demo).values_list(
            "officer__full_name", "grade"
        )
    )
    assert grades == {
        "高志远": "excellent",
        "韩雪梅": "excellent",
        "武建国": "qualified",
        "郝丽娟": "qualified",
        "乔永刚": "qualified",
        "田晓峰": "unqualified",
        "闫海涛": "qualified",
        "贾春燕": "unqualified",
        "常振华": "unqualified",
        "苗丽萍": "qualified",
    }
    _shots(page, artifacts_dir, "final")

    # --- the results letter (printable) and the Excel export -----------------------
    unit = failed.unit
    page.click(f'a[href$="/letters/{unit.pk}/"]')
    expect(page).to_have_url(re.compile(rf"/letters/{unit.pk}/$"))
    expect(page.locator("main")).to_contain_text(unit.name)
    expect(page.locator("main")).to_contain_text("常振华")
    expect(page.locator("[data-print]")).to_be_visible()
    _shots(page, artifacts_dir, "letter")
    response = page.request.get(f"{PAGE}export/")
    assert response.status == 200
    sheet = openpyxl.load_workbook(BytesIO(response.body()))[str(YEAR)]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 10
    assert rows["苗丽萍"][0] == str(pending.pk)  # ids as text (issue 14 exports)
    assert rows["苗丽萍"][6] == 80 and rows["苗丽萍"][11:13] == ("合格", "合格")
    assert rows["武建国"][9] == 90 and rows["武建国"][11:13] == ("合格", "合格")
    assert rows["贾春燕"][11:13] == ("合格", "不合格")
    assert rows["常振华"][10] == "85/3" and rows["常振华"][12] == "不合格"

    # --- next year: the 不合格 officer's nomination is blocked on submit -------------
    admin = Membership.objects.get(tenant=demo, user__username="demo-yq-admin")
    selection = workflow.round_create(
        membership=admin, year=YEAR + 1, category="commissioner", seats=2, title="2026年度增补"
    )
    page.goto(f"/t/{SLUG}/nominations/new/")
    form = page.locator("form[method=post]:has(input[name=full_name])")
    form.locator("select[name=round]").select_option(str(selection.pk))
    form.locator("input[name=full_name]").fill("常振华")
    form.locator("select[name=gender]").select_option("male")
    form.locator("input[name=birth_date]").fill("1984-03-12")
    form.locator("select[name=unit]").select_option(str(unit.pk))
    form.locator("select[name=degree]").select_option("master")
    form.locator("input[name=mobile]").fill("13503530001")
    form.locator("select[name=officer]").select_option(str(failed.pk))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/nominations/\d+/$"))
    page.locator('form[action$="/advance/"] button').click()  # submit
    expect(page.locator(".alert-danger[role=alert]")).to_contain_text(
        "去年年度考核为不合格：今年不得被提名。"
    )
    expect(page.locator("#nomination-stage")).to_have_attribute("data-stage", "draft")
