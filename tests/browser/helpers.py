"""What the browser tests share: signing in through the login page, and the
check that a page never scrolls sideways (a phone's 390 px included)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.world import PASSWORD


def sign_in(page, username: str, *, slug: str, home: bool = False) -> None:
    """Sign in as ``username``; the portal lands on the tenant's pages (its
    home page exactly with ``home``)."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/t/{slug}/$" if home else rf"/t/{slug}/"))


def no_sideways_scroll(p, name: str) -> None:
    overflow = p.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"


def screenshot(page, path: str, *, full_page: bool = True) -> None:
    """A screenshot kept as an artifact (what the checks looked at). Chromium
    under load sometimes answers a full-page capture with "Unable to capture
    screenshot" (seen in CI while other browsers ran): tried once more
    after a frame. The page's checks are the test's assertions, not this."""
    from playwright.sync_api import Error

    try:
        page.screenshot(path=path, full_page=full_page)
    except Error:
        page.wait_for_timeout(250)
        page.screenshot(path=path, full_page=full_page)
