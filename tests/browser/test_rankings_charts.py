"""The ranking page's chart (one pool at a time, picked; issue 16) and the officer's
own place on their home page, in a real browser at 1280 and 390 px: nothing
overflows sideways, every chart's lines have their own colours
(screenshots in test-artifacts/)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ledgers.services import entry_create, entry_submit, entry_verify
from roster.services import officer_create
from tests.world import PASSWORD, TERM, build_world, centre

from .test_login import sign_in

pytestmark = pytest.mark.browser

SLUG = "rank-browser"


def _verified(w, officers, kind, month):
    logger = centre(w)
    admin = w.users["admin"].memberships.get()
    e = entry_create(
        tenant=w.tenant,
        membership=logger,
        kind=kind,
        data={
            "title": f"{kind} {month} {officers[0].full_name}",
            "occurred_on": dt.date(2025, month, 6),
        },
        officers=officers,
    )
    e = entry_submit(tenant=w.tenant, membership=logger, entry=e)
    entry_verify(tenant=w.tenant, membership=admin, entry=e)


@pytest.fixture
def rw(transactional_db):
    w = build_world(SLUG)
    city = [w.officers["city"]] + [
        officer_create(
            tenant=w.tenant,
            full_name=f"市派联络员{n:02d}号",
            category="city",
            district=None,
            term_start=TERM[0],
            term_end=TERM[1],
        )
        for n in range(1, 11)
    ]
    for i, officer in enumerate(city):
        for month in range(1 + i % 3, 12, 2 + i % 4):
            _verified(w, [officer], "event", month)
    _verified(w, [city[0]], "conversion", 9)
    _verified(w, [w.officers["d1"]], "achievement", 3)
    _verified(w, [w.officers["d1"], w.officers["mine"]], "event", 7)
    _verified(w, [w.officers["d2"]], "event", 4)
    return w


def _fits(page, name: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"


def _distinct_colours(page) -> None:
    colours = page.evaluate(
        """[...document.querySelectorAll('.pool-chart')].map(f =>
             [...f.querySelectorAll('polyline')].map(l => l.getAttribute('stroke')))"""
    )
    assert colours and all(len(c) == len(set(c)) for c in colours), colours


@pytest.mark.parametrize("who", ["admin", "manager"])
def test_ranking_charts_fit_phone_and_desktop(page, rw, artifacts_dir, who):
    sign_in(page, f"{SLUG}-{who}", PASSWORD)
    page.goto(f"/t/{SLUG}/rankings/")
    assert page.url.endswith(f"/t/{SLUG}/rankings/2025/")  # the latest year with data
    expect(page.locator(".pool-chart").first).to_be_visible()
    _distinct_colours(page)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _fits(page, f"{who} {width}")
        page.screenshot(path=str(artifacts_dir / f"ranking-{who}-{width}.png"), full_page=True)
    charts = page.locator(".pool-chart")
    assert charts.count() == 1  # issue 16: one pool at a time, with its chart
    options = page.locator("#pool-select option")
    if who == "admin":
        assert options.count() == 3
        expect(charts.first).to_contain_text("显示有积分的 11 名联络员中的前 8 名。")
        # the picker opens another pool (its chart and table)
        page.select_option("#pool-select", label="一区 (2)")
        page.wait_for_url("**/rankings/2025/?pool=district%3Ad1")
        expect(page.locator("#pool-table")).to_have_attribute("data-shown-pool", "district:d1")
        expect(page.locator(".pool-chart")).to_have_count(1)
        for width, height in ((1280, 800), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            _fits(page, f"{who} d1 {width}")
            page.screenshot(
                path=str(artifacts_dir / f"ranking-{who}-d1-{width}.png"), full_page=True
            )
    else:
        assert options.count() == 1
        expect(page.locator("#candidates-note")).to_be_visible()


def test_a_large_pool_is_paged_on_phone_and_desktop(page, rw, artifacts_dir, settings):
    """A page of the city pool's table (11 officers, 4 a page) with the
    numbered pagination under it."""
    settings.RANKING_PAGE_SIZE = 4
    sign_in(page, f"{SLUG}-admin", PASSWORD)
    page.goto(f"/t/{SLUG}/rankings/2025/?pool=city&page=2")
    expect(page.locator("#pool-table tbody tr[data-officer]")).to_have_count(4)
    expect(page.locator(".page-links .page-item.active")).to_have_text("2")
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _fits(page, f"paged {width}")
        page.screenshot(path=str(artifacts_dir / f"ranking-paged-{width}.png"), full_page=True)


def test_officer_home_shows_own_place_on_phone_and_desktop(page, rw, artifacts_dir):
    sign_in(page, f"{SLUG}-officer", PASSWORD)
    expect(page.locator("#my-rank")).to_contain_text("排第")
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _fits(page, f"officer {width}")
        page.screenshot(path=str(artifacts_dir / f"officer-home-{width}.png"), full_page=True)
