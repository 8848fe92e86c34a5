"""An officer's matches page and the funnel in a real browser (issue 15
item 2), at 1280 and 390 px: nothing overflows sideways; "not relevant"
asks first, then the pair leaves the page."""

from __future__ import annotations

from functools import partial

import pytest
from playwright.sync_api import expect

from matching.tests.test_pages import build_pairs
from tests.browser import helpers
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "mtch"


@pytest.fixture
def match_world(transactional_db):
    w = build_world(SLUG)
    build_pairs(w)
    return w


sign_in = partial(helpers.sign_in, slug=SLUG)


_no_sideways_scroll = helpers.no_sideways_scroll


def test_officer_sees_matches_and_the_funnel(match_world, page, phone_page, artifacts_dir):
    for p, width in ((page, 1280), (phone_page, 390)):
        sign_in(p, f"{SLUG}-officer")
        p.goto(f"/t/{SLUG}/matches/")
        expect(p.locator(".match-card")).to_have_count(1)
        expect(p.locator(".match-reasons")).to_contain_text("共同关键词：锂电池")
        _no_sideways_scroll(p, f"matches {width}")
        p.screenshot(path=str(artifacts_dir / f"matches-{width}.png"), full_page=True)
        p.goto(f"/t/{SLUG}/matches/funnel/?year=2025")
        expect(p.locator("#programme-rate")).to_have_text("100%")
        _no_sideways_scroll(p, f"funnel {width}")
        p.screenshot(path=str(artifacts_dir / f"matches-funnel-{width}.png"), full_page=True)

    phone_page.goto(f"/t/{SLUG}/matches/")
    phone_page.click(".match-card button[type=submit]")
    dialog = phone_page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("确定将这一对标为不相关吗")
    dialog.locator("#confirm-ok").click()
    expect(phone_page.locator(".match-card")).to_have_count(0)
    expect(phone_page.locator("body")).to_contain_text("您的区域暂无匹配。")


def test_conversion_rates_on_the_ranking_and_assessment(match_world, phone_page, artifacts_dir):
    sign_in(phone_page, f"{SLUG}-admin")
    # the ranking shows one pool at a time (issue 16): d1's officer has a rate
    for name, url, rates in (
        ("ranking", "rankings/2025/?pool=district:d1", 1),
        ("assessment", "assessment/2025/", 2),
    ):
        phone_page.goto(f"/t/{SLUG}/{url}")
        expect(phone_page.locator(".conversion-rate")).to_have_count(rates)
        _no_sideways_scroll(phone_page, name)
        phone_page.screenshot(
            path=str(artifacts_dir / f"matches-rate-{name}-390.png"), full_page=True
        )
