"""Sign-in through a real browser: the login form, the redirect to the
role's home page, and the refusal of a wrong password."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.services import tenant_create
from roster.services import district_create, member_create

pytestmark = pytest.mark.browser

SLUG = "browser-test"
PASSWORD = "Browser-pass-2026!"


@pytest.fixture
def district_manager(transactional_db):
    """A tenant with one district and its manager; no officers."""
    tenant = tenant_create(
        slug=SLUG,
        name="浏览器测试市科技局",
        preset="wuhan",
        admin_username="browser-admin",
        admin_password=PASSWORD,
    )
    district = district_create(tenant=tenant, code="jianghan", name="江汉区")
    membership = member_create(
        tenant=tenant,
        username="browser-manager",
        password=PASSWORD,
        role="district_manager",
        full_name="王经理",
        districts=[district],
    )
    return membership.user


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")


def test_district_manager_signs_in_to_their_home(page, district_manager, artifacts_dir):
    sign_in(page, "browser-manager", PASSWORD)

    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/$"))
    assert page.url.endswith(f"/t/{SLUG}/")
    expect(page.locator("nav [data-role]")).to_have_attribute("data-role", "district_manager")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    heading = page.locator("main h1")
    expect(heading).to_be_visible()
    expect(heading).not_to_be_empty()
    expect(page.locator("main")).to_contain_text("江汉区")

    page.screenshot(path=str(artifacts_dir / "home-district_manager.png"), full_page=True)


def test_wrong_password_stays_on_login_with_an_error(page, district_manager, artifacts_dir):
    sign_in(page, "browser-manager", "not-the-password")

    expect(page.locator(".alert-danger[role=alert]")).to_be_visible()
    assert re.search(r"/accounts/login/(\?.*)?$", page.url), page.url
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("nav [data-role]")).to_have_count(0)

    page.screenshot(path=str(artifacts_dir / "login-wrong-password.png"), full_page=True)
