"""A rating link end to end: the admin sends a request and reads the link
(with its QR code), a rater answers on a 390-px phone without an account,
and the admin sees it answered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import tenant_create
from assessment.models import Rating
from roster.services import district_create, officer_create

from .test_login import PASSWORD, sign_in

pytestmark = pytest.mark.browser

SLUG = "rating-browser"


@pytest.fixture
def yangquan(transactional_db):
    """A Yangquan tenant (graded assessment, host criteria) with one officer."""
    admin = {"admin_username": "rating-admin", "admin_password": PASSWORD}
    tenant = tenant_create(slug=SLUG, name="阳泉市科技局", preset="yangquan", **admin)
    district = district_create(tenant=tenant, code="cq", name="城区")
    term = {"term_start": dt.date(2025, 1, 1), "term_end": dt.date(2027, 12, 31)}
    officer_create(
        tenant=tenant, full_name="刘特派", category="commissioner", district=district, **term
    )
    return tenant


def test_admin_sends_a_link_a_rater_answers_on_a_phone(page, phone_page, yangquan, artifacts_dir):
    year = timezone.localdate().year
    sign_in(page, "rating-admin", PASSWORD)
    page.goto(f"/t/{SLUG}/assessment/{year}/ratings/")
    page.select_option("#request-form select[name=officer]", label="刘特派")
    page.select_option("#request-form select[name=rater_kind]", value="host")
    page.fill("#request-form input[name=rater_name]", "阳泉某公司")
    page.click("#request-form button[type=submit]")
    expect(page.locator("#new-link svg")).to_be_visible()
    link = page.locator("#rating-link").input_value()
    assert f"/public/{SLUG}/ratings/" in link
    page.screenshot(path=str(artifacts_dir / "rating-link-desktop.png"), full_page=True)

    phone_page.goto(link)
    expect(phone_page.locator("#rated-officer")).to_have_text("刘特派")
    for code, score in (("duties", 5), ("service", 4), ("conversion", 4), ("satisfaction", 5)):
        phone_page.click(f"label[for=s-{code}-{score}]")
    phone_page.fill("#rating-comment", "服务及时")
    phone_page.screenshot(path=str(artifacts_dir / "rating-link-phone.png"), full_page=True)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone_page.click("#rating-form button[type=submit]")
    expect(phone_page.locator("#rating-closed")).to_have_attribute("data-state", "thanks")
    phone_page.screenshot(path=str(artifacts_dir / "rating-link-phone-thanks.png"))
    rating = Rating.objects.get()
    assert rating.scores == {"duties": 5, "service": 4, "conversion": 4, "satisfaction": 5}

    page.goto(f"/t/{SLUG}/assessment/{year}/ratings/")
    row = page.locator("#rating-requests tbody tr").first
    expect(row).to_contain_text("阳泉某公司")
    expect(row).to_contain_text("已评价")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "rating-page-phone.png"), full_page=True)
