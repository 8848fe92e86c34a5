"""Plans and reports through a real browser (issue 13): an officer on a
390-px phone writes and submits this month's plan; the district manager, on
a desktop, returns it with a reason; the officer fixes and resubmits it; the
overdue list shows the months nobody handed in. "Today" is Monday
2026-03-16 in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
import time_machine
from playwright.sync_api import expect

from duties.models import Report
from tests.browser import helpers
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "rjourney"
NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PLAN = "三月走访光谷企业五家，组织成果对接会一场。"
FIXED = "三月走访光谷企业五家（名单附后），3月20日组织成果对接会一场。"
REASON = "请列出走访企业名单"


@pytest.fixture
def journey(transactional_db):
    with time_machine.travel(NOW, tick=True):
        yield build_world(SLUG)


sign_in = partial(helpers.sign_in, slug=SLUG)


def test_plan_written_returned_fixed_and_overdue(journey, phone_page, page, artifacts_dir) -> None:
    def shot(p, name: str) -> None:
        overflow = p.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"
        p.screenshot(path=str(artifacts_dir / f"reports-{name}.png"), full_page=True)

    # --- the officer, on a phone: this month's plan ---------------------------
    phone = phone_page
    sign_in(phone, f"{SLUG}-officer")
    phone.locator("button.navbar-toggler").tap()
    expect(phone.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
    link = phone.locator(f'#mainnav a.nav-link[href$="/t/{SLUG}/reports/"]')
    expect(link).to_have_text("我的计划与报告")
    link.tap()
    card = phone.locator('.due-card[data-kind="monthly_plan"]')
    expect(card).to_contain_text("月度工作计划 2026-03")
    expect(phone.locator("#reports-late")).to_contain_text("2026-02")
    shot(phone, "1-phone-mine")
    card.locator("a.write-report").tap()
    form = phone.locator("#report-form")
    expect(form.locator("select[name=kind]")).to_have_value("monthly_plan")
    expect(form.locator("input[name=period]")).to_have_value("2026-03")
    form.locator("textarea[name=body]").fill(PLAN)
    shot(phone, "2-phone-form")
    form.locator('button[value="submit"]').tap()
    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/reports/\d+/$"))
    report_id = int(re.search(r"/reports/(\d+)/$", phone.url).group(1))
    expect(phone.locator('#report-status [data-status="submitted"]')).to_be_visible()
    expect(phone.locator('#report-status [data-late="1"]')).to_be_visible()  # due on the 10th
    shot(phone, "3-phone-submitted")

    # --- the district manager, on a desktop, returns it -----------------------
    sign_in(page, f"{SLUG}-manager")
    page.goto(f"/t/{SLUG}/reports/review/")
    row = page.locator(f'.report-row[data-report="{report_id}"]')
    expect(row).to_contain_text("张三")
    shot(page, "4-desktop-review")
    row.locator("input[name=reason]").fill(REASON)
    row.locator('form[action$="/return/"] button').click()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("张三")
    expect(row).to_have_count(0)

    # --- the officer fixes and resubmits --------------------------------------
    phone.goto(f"/t/{SLUG}/reports/")
    phone.locator(f'.report-row[data-report="{report_id}"]').tap()
    expect(phone.locator("#return-reason")).to_contain_text(REASON)
    phone.locator("#report-edit textarea[name=body]").fill(FIXED)
    shot(phone, "5-phone-returned")
    phone.locator('#report-edit button[value="submit"]').tap()
    expect(phone.locator('#report-status [data-status="submitted"]')).to_be_visible()
    expect(phone.locator("#report-history li")).to_have_count(5)

    # --- the overdue list: the months nobody handed in ------------------------
    page.goto(f"/t/{SLUG}/reports/overdue/")
    group = page.locator('.overdue-group[data-district="一区"]')
    expect(group.locator(".overdue-row")).to_have_count(5)
    expect(group.locator('.overdue-row[data-period="2026-02"]')).to_have_count(2)
    expect(page.locator("#late-submitted .report-row")).to_have_count(1)
    shot(page, "6-desktop-overdue")

    report = Report.objects.get(pk=report_id)
    assert (report.status, report.body, report.late, report.return_reason) == (
        "submitted",
        FIXED,
        True,
        "",
    )
