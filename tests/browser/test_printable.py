"""The printable statement and 推荐表 in a browser (issue 14 item 7), on the
demo data: at 1280 and 390 px nothing overflows sideways; printed (print
media), the menu, buttons and forms are gone, the officer's particulars
appear and the statement's table repeats its header on each page."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from roster.models import Nomination, Officer

PASSWORD = "Demo-pass-2026"


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_statement_and_nomination_form_print(page, live_server, artifacts_dir, width):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    officer = Officer.objects.get(user__username="demo-officer")
    nomination = Nomination.objects.get(full_name="黄丽娜")  # past the district's step
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, live_server, "demo-manager")

    page.goto(f"/t/wuhan-demo/officers/{officer.pk}/statement/2025/")
    assert page.locator("#statement-print").is_visible()
    assert not page.locator("#statement-facts").is_visible()
    assert _overflow(page) == 0
    page.screenshot(path=artifacts_dir / f"statement-{width}.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("#statement-print").is_visible()
    assert not page.locator("select[data-navigate]").is_visible()
    assert page.locator("#statement-facts").is_visible()
    assert (
        page.eval_on_selector("#statement-lines thead", "e => getComputedStyle(e).display")
        == "table-header-group"
    )
    assert (
        page.eval_on_selector("#statement-lines tbody tr", "e => getComputedStyle(e).breakInside")
        == "avoid"
    )
    assert page.eval_on_selector("body", "e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    page.screenshot(path=artifacts_dir / f"statement-print-{width}.png", full_page=True)
    if width == 1280:
        page.pdf(path=str(artifacts_dir / "statement.pdf"), format="A4")
    page.emulate_media(media="screen")

    page.goto(f"/t/wuhan-demo/nominations/{nomination.pk}/form/")
    assert page.locator("#opinions .sign-box").count() == 3
    assert page.locator("button[data-print]").is_visible()
    assert _overflow(page) == 0
    page.screenshot(path=artifacts_dir / f"nomination-form-{width}.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("button[data-print]").is_visible()
    assert not page.locator("footer").is_visible()
    assert page.locator("#opinions .sign-box").first.is_visible()
    page.screenshot(path=artifacts_dir / f"nomination-form-print-{width}.png", full_page=True)
    if width == 1280:
        page.pdf(path=str(artifacts_dir / "nomination-form.pdf"), format="A4")
