"""The officer's file (一人一档) in a real browser: the officer opens it from
their page; it fits a 390-px phone and a 1280-px desktop without sideways
scrolling (screenshots in test-artifacts/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_officer_file import records
from tests.world import PASSWORD, build_world

from .test_login import sign_in

pytestmark = pytest.mark.browser

SLUG = "file-browser"


@pytest.fixture
def fw(transactional_db):
    return records(build_world(SLUG))


def _fits(page, name: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_file_fits_phone_and_desktop(page, fw, artifacts_dir, who):
    mine = fw.officers["mine"]
    sign_in(page, f"{SLUG}-{who}", PASSWORD)
    page.goto(f"/t/{SLUG}/officers/{mine.id}/")
    page.locator("#file-link").click()
    expect(page.locator("main h1")).to_contain_text("一人一档")
    expect(page.locator("#file-service_days")).to_contain_text("驻点服务")
    expect(page.locator("#file-ledger")).to_contain_text("技术对接会")
    expect(page.locator("#file-xlsx")).to_be_visible()
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _fits(page, f"{who} {width}")
        page.screenshot(path=str(artifacts_dir / f"officer-file-{who}-{width}.png"), full_page=True)
    # the workbook downloads from the page
    with page.expect_download() as download:
        page.locator("#file-xlsx").click()
    assert download.value.suggested_filename == f"officer-file-{mine.id}-2025-2026.xlsx"
