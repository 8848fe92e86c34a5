"""The tenant admin's 数据导出 in a real browser (a desktop, then a 390-px
phone): start the zip of the whole tenant, follow it on the shared export
page (its SHA-256 shown), back to the list; no page scrolls sideways."""

from __future__ import annotations

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from tests.browser import helpers
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "zipper"


@pytest.fixture
def zip_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_world(SLUG)


sign_in = partial(helpers.sign_in, slug=SLUG)


def test_admin_exports_the_whole_tenant(zip_world, page, phone_page, artifacts_dir) -> None:
    sign_in(page, f"{SLUG}-admin")
    page.goto(f"/t/{SLUG}/tenant-exports/")
    page.click("#tenant-export-start button[type=submit]")
    expect(page.locator("#export-status")).to_have_attribute("data-status", "done")
    expect(page.locator("h1")).to_have_text("数据导出")
    expect(page.locator("#export-status code")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    job_url = page.url
    helpers.no_sideways_scroll(page, "desktop job")
    page.screenshot(path=str(artifacts_dir / "tenant-export-1-desktop-job.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename.startswith(f"{SLUG}-")
    assert download.value.suggested_filename.endswith(".zip")

    phone = phone_page
    sign_in(phone, f"{SLUG}-admin")
    phone.goto(f"/t/{SLUG}/tenant-exports/")
    expect(phone.locator("#tenant-exports tbody tr")).to_have_count(1)
    helpers.no_sideways_scroll(phone, "phone list")
    phone.screenshot(path=str(artifacts_dir / "tenant-export-2-phone-list.png"), full_page=True)
    expect(phone.locator("#tenant-exports tbody a")).to_have_text("下载")
    phone.goto(job_url)
    expect(phone.locator("#export-status")).to_have_attribute("data-status", "done")
    helpers.no_sideways_scroll(phone, "phone job")
    phone.screenshot(path=str(artifacts_dir / "tenant-export-3-phone-job.png"), full_page=True)
