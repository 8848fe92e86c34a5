"""The 消息 page and the notification settings in a browser, at 390 and 1280 px
(issue 14): unread marked, mark one read, the bell's count follows."""

from __future__ import annotations

import pytest

from accounts.notifications import notify
from accounts.services import tenant_create
from tests.world import PASSWORD


@pytest.mark.parametrize("width", [390, 1280])
def test_messages_page_and_settings(page, live_server, artifacts_dir, width):
    tenant = tenant_create(
        slug="alpha",
        name="武汉科技局",
        preset="wuhan",
        admin_username="boss",
        admin_password=PASSWORD,
    )
    from accounts.models import User

    admin = User.objects.get(username="boss")
    for i in range(3):
        notify(
            tenant=tenant,
            user=admin,
            key=f"k{i}",
            title=f"您的台账条目被退回：成果{i}",
            body="退回原因：缺少佐证材料。请修改后重新提交。",
            link="/t/alpha/",
        )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/t/alpha/notifications/")
    assert page.inner_text("#unread-here") == "3 条未读"
    page.screenshot(path=artifacts_dir / f"notifications-{width}.png", full_page=True)
    page.locator("[data-notification] button:has-text('标为已读')").first.click()
    assert page.inner_text("#unread-here") == "2 条未读"
    page.goto(f"{live_server.url}/t/alpha/notifications/preferences/")
    page.screenshot(path=artifacts_dir / f"notification-settings-{width}.png", full_page=True)
    assert page.locator("select[name=email]").count() == 1
