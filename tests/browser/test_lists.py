"""Issue 14 "Lists" in a real browser: the collaborator picker filters a
64-name list as one types on a 390 px phone and posts what was ticked; the
numbered pagination and the filter forms fit a phone. Screenshots at 1280
and 390 px go to test-artifacts/lists-*.png."""

from __future__ import annotations

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from ledgers.models import Entry
from roster import services as roster
from roster.models import Unit
from tests.browser import helpers
from tests.world import TERM, build_world

pytestmark = pytest.mark.browser

SLUG = "lists"
SURNAMES = "王李张刘陈杨赵黄"
GIVEN = "伟芳娜敏静磊强军"


@pytest.fixture
def crowded(transactional_db):
    """Tenant ``lists`` with 64 more officers in d1 (王伟, 王芳, … 黄军) and
    600 more units (12 pages of 50)."""
    world = build_world(SLUG)
    for surname in SURNAMES:
        for given in GIVEN:
            roster.officer_create(
                tenant=world.tenant,
                full_name=surname + given,
                category="district",
                district=world.districts["d1"],
                term_start=TERM[0],
                term_end=TERM[1],
            )
    Unit.objects.bulk_create(
        Unit(tenant=world.tenant, name=f"协作单位{i:03d}", kind="enterprise") for i in range(600)
    )
    return world


sign_in = partial(helpers.sign_in, slug=SLUG)


def shot(page, artifacts_dir, name: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"
    helpers.screenshot(page, str(artifacts_dir / f"lists-{name}.png"))


def test_picker_filters_the_colleagues_as_one_types_on_a_phone(
    crowded, phone_page, page, artifacts_dir
) -> None:
    phone = phone_page
    sign_in(phone, f"{SLUG}-admin")
    phone.goto(f"/t/{SLUG}/work/new/event/")
    select = phone.locator("select[name=officers]")
    expect(select).to_be_hidden()  # the picker stands in for it
    picker = phone.locator('.picker[data-picker-for="id_officers"]')
    rows = picker.locator(".form-check:not(.d-none)")
    # 64 new officers and the world's four (all active)
    expect(picker.locator(".form-check")).to_have_count(68)
    expect(rows).to_have_count(68)
    shot(phone, artifacts_dir, "entry-form-390")
    hint = phone.locator('.mb-3:has(.picker[data-picker-for="id_officers"]) > .form-text')
    expect(hint).to_have_text("此项工作的计分联络员：输入文字筛选，逐一勾选。")

    # the label leads to the filter box (keyboard and screen readers)
    phone.locator('label[for="id_officers-filter"]').tap()
    expect(picker.locator("input[type=search]")).to_be_focused()
    phone.keyboard.type("王")
    expect(rows).to_have_count(9)  # 王伟 … 王军, and the world's 王五
    expect(rows.filter(has_text="王五（二区）")).to_have_count(1)
    phone.keyboard.type("芳")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("王芳（一区）")
    phone.keyboard.press("Enter")  # filters, does not submit
    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/work/new/event/$"))
    rows.locator("input[type=checkbox]").check()
    expect(picker.locator(".picker-status")).to_have_text("已选 1 项")
    shot(phone, artifacts_dir, "entry-form-390-filtered")

    picker.locator("input[type=search]").fill("没有这个人")
    expect(rows).to_have_count(0)
    expect(picker.locator(".picker-empty")).to_be_visible()
    picker.locator("input[type=search]").fill("黄")
    rows.filter(has_text="黄军").locator("input[type=checkbox]").check()
    picker.locator("input[type=search]").fill("")
    expect(rows).to_have_count(68)
    expect(picker.locator(".picker-status")).to_have_text("已选 2 项")

    form = phone.locator("form[method=post]:has(input[name=title])")
    form.locator("input[name=title]").fill("多人对接会")
    form.locator("input[name=occurred_on]").fill("2026-05-20")
    form.locator("select[name=event_type]").select_option("docking")
    form.locator("input[name=venue]").fill("光谷")
    form.locator("input[name=participants]").fill("30")
    form.locator("button[type=submit]").tap()
    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/entries/\d+/$"))
    entry = Entry.objects.get(tenant=crowded.tenant, title="多人对接会")
    assert sorted(o.full_name for o in entry.officers.all()) == ["王芳", "黄军"]

    # the same form on a desktop
    sign_in(page, f"{SLUG}-admin")
    page.goto(f"/t/{SLUG}/work/new/event/")
    expect(page.locator('.picker[data-picker-for="id_officers"] .form-check')).to_have_count(68)
    expect(page.locator('.picker[data-picker-for="id_matched"] .form-check')).to_have_count(2)
    shot(page, artifacts_dir, "entry-form-1280")


def test_long_list_pages_and_filters_fit_a_phone(crowded, phone_page, page, artifacts_dir) -> None:
    for p, width in ((page, 1280), (phone_page, 390)):
        sign_in(p, f"{SLUG}-admin")
        p.goto(f"/t/{SLUG}/units/?q=协作&page=6")
        bar = p.locator("nav.page-links")
        expect(bar.locator(".page-item.active")).to_have_text("6")
        expect(bar).to_contain_text("共 600 条")
        shot(p, artifacts_dir, f"units-{width}")
        bar.screenshot(path=str(artifacts_dir / f"lists-units-{width}-pages.png"))
        p.screenshot(path=str(artifacts_dir / f"lists-units-{width}-top.png"))
        # the filters travel with the page links
        bar.locator('a[data-page="7"]').click()
        expect(p).to_have_url(re.compile(r"/units/\?q=%E5%8D%8F%E4%BD%9C&page=7$"))
        p.goto(f"/t/{SLUG}/officers/")
        shot(p, artifacts_dir, f"officers-{width}")
        p.goto(f"/t/{SLUG}/members/")
        shot(p, artifacts_dir, f"members-{width}")
        p.goto(f"/t/{SLUG}/nominations/")
        shot(p, artifacts_dir, f"nominations-{width}")
    # on the phone the window narrows to the current page's neighbours and the
    # numbered ends (no « »): one line
    phone_page.goto(f"/t/{SLUG}/units/?q=协作&page=6")
    items = phone_page.locator("nav.page-links .page-item:visible").all_inner_texts()
    visible = [t.strip() for t in items]
    assert visible == ["上一页", "1", "…", "5", "6", "7", "…", "12", "下一页"]
