"""An auditor checks an exported file in a real browser: the ledger page's
export button gives a file with a 来源 sheet; dropped on the check page (a
390-px phone, then a desktop) it is genuine; the same file with one cell
changed is not."""

from __future__ import annotations

import io
from functools import partial

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser import helpers
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "check"


@pytest.fixture
def check_world(transactional_db):
    return build_world(SLUG)


sign_in = partial(helpers.sign_in, slug=SLUG)


_no_sideways_scroll = helpers.no_sideways_scroll


def test_auditor_exports_the_ledger_and_checks_the_file(
    check_world, phone_page, page, artifacts_dir, tmp_path
) -> None:
    sign_in(page, f"{SLUG}-auditor")
    page.goto(f"/t/{SLUG}/work/")
    with page.expect_download() as download:
        page.click("#ledger-export")
    path = tmp_path / "ledger.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["台账", "来源"]
    page.screenshot(path=str(artifacts_dir / "export-check-1-ledger.png"), full_page=True)

    phone = phone_page
    sign_in(phone, f"{SLUG}-auditor")
    phone.goto(f"/t/{SLUG}/exports/verify/")
    phone.set_input_files("input[type=file]", str(path))
    phone.click("#verify-form button[type=submit]")
    expect(phone.locator("#verify-valid")).to_be_visible()
    expect(phone.locator("#verify-provenance")).to_contain_text("check 科技局（check）")
    _no_sideways_scroll(phone, "phone valid")
    phone.screenshot(path=str(artifacts_dir / "export-check-2-phone-valid.png"), full_page=True)

    book["台账"]["C3"] = "改过的标题"
    changed = io.BytesIO()
    book.save(changed)
    page.goto(f"/t/{SLUG}/exports/verify/")
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "ledger.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": changed.getvalue(),
            }
        ],
    )
    page.click("#verify-form button[type=submit]")
    expect(page.locator("#verify-invalid")).to_contain_text("数据行已被改动")
    page.screenshot(path=str(artifacts_dir / "export-check-3-desktop-changed.png"), full_page=True)
