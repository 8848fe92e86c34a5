"""The platform admin's pages in a real browser (issue 17 item 1), at 1280
and 390 px: the tenant list, the new-tenant form and the purge records fit
without sideways scroll; suspending asks first, then the tenant's member
sees the notice and nothing else."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser import helpers
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.browser

SLUG = "plat"


@pytest.fixture
def platform_world(transactional_db):
    w = build_world(SLUG)
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    return w


def _operator_sign_in(p) -> None:
    p.goto("/accounts/login/")
    p.fill("input[name=username]", "root")
    p.fill("input[name=password]", PASSWORD)
    p.click("form button[type=submit]")
    expect(p).to_have_url(re.compile(rf"/t/{SLUG}/$|/$"))


def test_platform_pages_fit_and_suspend_asks_first(
    platform_world, page, phone_page, artifacts_dir, live_server
):
    for p, width in ((page, 1280), (phone_page, 390)):
        _operator_sign_in(p)
        for path, name in (
            ("/platform/tenants/", "tenants"),
            ("/platform/tenants/new/", "tenant-new"),
            ("/platform/purges/", "purges"),
        ):
            p.goto(path)
            expect(p.locator("h1")).to_contain_text(
                "新建机构" if name == "tenant-new" else "平台管理"
            )
            helpers.no_sideways_scroll(p, f"{name} {width}")
            p.screenshot(path=str(artifacts_dir / f"platform-{name}-{width}.png"), full_page=True)

    phone_page.goto("/platform/tenants/")
    row = phone_page.locator(f"#tenant-{SLUG}")
    expect(row.locator("[data-status]")).to_contain_text("使用中")
    row.locator("button[data-action=suspend]").click()
    dialog = phone_page.locator("#confirm-dialog")
    expect(dialog).to_contain_text(f"暂停“{SLUG} 科技局”的使用")
    dialog.locator("#confirm-ok").click()
    expect(phone_page.locator(".alert-success")).to_contain_text("已暂停使用")
    expect(row.locator("[data-status]")).to_contain_text("暂停")
    phone_page.screenshot(
        path=str(artifacts_dir / "platform-tenants-suspended-390.png"), full_page=True
    )

    member = page.context.browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
    ).new_page()
    member.goto("/accounts/login/")
    member.fill("input[name=username]", f"{SLUG}-manager")
    member.fill("input[name=password]", PASSWORD)
    member.click("form button[type=submit]")
    expect(member.locator("#tenant-suspended")).to_contain_text("该机构已暂停使用")
    helpers.no_sideways_scroll(member, "suspended notice 390")
    member.screenshot(path=str(artifacts_dir / "platform-suspended-notice-390.png"))
    member.context.close()
