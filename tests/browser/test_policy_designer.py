"""The policy designer through a real browser: the admin opens it from the
policy page, removes the city officers' monthly short-video quota, previews
the change (the diff names the removed quota), publishes it, and the monthly
quota job no longer asks anyone for that quota. On a phone the editors stack
and nothing runs off the screen."""

from __future__ import annotations

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from accounts.models import Policy
from scoring.models import QuotaReport
from scoring.tasks import build_quota_reports
from tests.browser import helpers
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "pol"


@pytest.fixture
def programme(transactional_db):
    return build_world(SLUG)


sign_in = partial(helpers.sign_in, slug=SLUG, home=True)


def test_admin_removes_a_quota_and_the_monthly_report_stops_asking(page, programme, artifacts_dir):
    w = programme
    sign_in(page, f"{SLUG}-admin")
    page.goto(f"/t/{SLUG}/policy/")
    page.click("#policy-designer")
    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/policy/designer/$"))
    expect(page.locator("#designer-editors")).to_have_attribute("data-ready", "1")
    page.screenshot(path=str(artifacts_dir / "policy-designer-1280.png"), full_page=True)

    quotas = page.locator("#designer-quotas .designer-row")
    expect(quotas).to_have_count(8)
    video = quotas.nth(3)
    expect(video.locator('[data-path="quotas[3].kind"]')).to_have_value("video")
    expect(video.locator('[data-path="quotas[3].period"]')).to_have_value("month")
    video.get_by_role("button", name="删除").click()
    expect(quotas).to_have_count(7)
    page.fill("#effective-from", "2026-02-01")
    page.click("#designer-preview")

    diff = page.locator("#designer-diff tbody tr")
    expect(diff).to_have_count(1)
    expect(diff.first.locator("th")).to_have_text("任务指标 · 删除")
    expect(diff.first).to_contain_text('"kind": "video"')
    expect(page.locator("#designer-day")).to_have_text("2026-02-01")
    page.fill("#note", "取消市派联络员每月短视频指标")
    page.click("#designer-publish")
    expect(page.locator("#confirm-message")).to_contain_text("2026-02-01")
    page.click("#confirm-ok")
    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/policy/$"))
    expect(page.locator(".alert-success")).to_contain_text("新版本已保存")

    new = Policy.objects.get(tenant=w.tenant, version=2)
    assert [(q["category"], q["kind"], q["period"]) for q in new.rules["quotas"]] == [
        ("city", "achievement", "month"),
        ("city", "event", "month"),
        ("city", "case", "year"),
        ("district", "demand", "year"),
        ("district", "event", "year"),
        ("district", "video", "quarter"),
        (None, "case", "year"),
    ]
    build_quota_reports(month="2026-03")
    report = QuotaReport.objects.get(tenant=w.tenant, month="2026-03")
    assert report.policy_version == 2
    city, officers = w.officers["city"].id, [w.officers[k].id for k in ("mine", "d1", "d2")]
    district_quotas = ["demand/year/valid", "event/year", "video/quarter"]
    assert [(r["subject"], r["quota"]) for r in report.rows] == [
        (f"officer:{city}", "achievement/month"),
        (f"officer:{city}", "event/month"),
        (f"officer:{city}", "case/year"),
        *((f"officer:{o}", q) for o in sorted(officers) for q in district_quotas),
        ("district:d1", "case/year"),
        ("district:d2", "case/year"),
    ]


def test_the_designer_stacks_on_a_phone(phone_page, programme, artifacts_dir):
    page = phone_page
    sign_in(page, f"{SLUG}-admin")
    page.goto(f"/t/{SLUG}/policy/designer/")
    expect(page.locator("#designer-editors")).to_have_attribute("data-ready", "1")
    page.screenshot(path=str(artifacts_dir / "policy-designer-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    count = page.locator('[data-path="quotas[0].count"]').bounding_box()
    scope = page.locator('[data-path="quotas[0].scope"]').bounding_box()
    assert count["width"] < 200 and scope["y"] < count["y"]  # fields wrap into rows
