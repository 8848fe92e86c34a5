"""The selection's main journey through a real browser, from nomination to
appointment: the unit reviewer nominates, submits and endorses; the district
manager recommends; the centre verifies and publishes the public notice; an
anonymous visitor on a phone files an objection from the public notice board;
the centre dismisses it and, once the notice has ended, appoints; the new
officer sets a password from the invitation link and signs in.

Dates are the real today's (the browser keeps its own clock, so the server's
is not moved): the notice runs from today for a week, and the end of the
notice is simulated by moving it into the past in the database."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from roster import workflow
from roster.models import Nomination, NominationTransition, Notice, Objection, Officer
from tests.browser.conftest import DESKTOP, LOCALE, TIMEOUT_MS, TIMEZONE
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.browser

SLUG = "sel"
NOMINEE = "钱七"
MOBILE = "13912345678"
OFFICER_PASSWORD = "Officer-pass-2027!"


@pytest.fixture
def selection(transactional_db):
    """Tenant ``sel`` (its own fixture round and nomination aside) and a new
    district round, opened by the admin, for this journey alone."""
    w = build_world(SLUG)
    admin = Membership.objects.get(user=w.users["admin"])
    year = timezone.localdate().year + 1
    w.round = workflow.round_create(membership=admin, year=year, category="district", seats=3)
    return w


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/$"))


def sign_out(page) -> None:
    page.locator("#user-menu").click()
    page.locator('form[action$="/accounts/logout/"] button').click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def expect_stage(page, stage: str) -> None:
    expect(page.locator("#nomination-stage")).to_have_attribute("data-stage", stage)


def test_nomination_to_appointment(
    selection, page, phone_page, browser, live_server, artifacts_dir
) -> None:
    w = selection
    selection_round = w.round
    today = timezone.localdate()

    def shot(p, name: str) -> None:
        # Nothing may stick out sideways: no horizontal scrolling.
        overflow = p.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"
        p.screenshot(path=str(artifacts_dir / f"selection-{name}.png"), full_page=True)

    # --- The unit reviewer nominates, submits and endorses -----------------
    sign_in(page, f"{SLUG}-reviewer")
    expect(page.locator("nav [data-role]")).to_have_attribute("data-role", "unit_reviewer")
    page.goto(f"/t/{SLUG}/nominations/new/")
    form = page.locator("form[method=post]:has(input[name=full_name])")
    form.locator("select[name=round]").select_option(str(selection_round.pk))
    form.locator("input[name=full_name]").fill(NOMINEE)
    form.locator("select[name=gender]").select_option("male")
    form.locator("select[name=unit]").select_option(str(w.units["u1"].pk))
    form.locator("select[name=degree]").select_option("master")
    form.locator("input[name=mobile]").fill(MOBILE)
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/nominations/\d+/$"))
    nomination_id = int(re.search(r"/nominations/(\d+)/$", page.url).group(1))
    expect(page.locator(".page-header h1")).to_have_text(NOMINEE)
    expect_stage(page, "draft")
    advance = page.locator('form[action$="/advance/"] button')

    advance.click()  # submit
    expect_stage(page, "submitted")
    advance.click()  # the unit's endorsement: the reviewer's own step is next
    expect_stage(page, "unit_endorsed")
    expect(advance).to_have_count(0)  # the district's step is not theirs
    sign_out(page)

    # --- The district manager recommends from the queue ----------------------
    sign_in(page, f"{SLUG}-manager")
    page.goto(f"/t/{SLUG}/nominations/")
    row = page.locator(f'[data-nomination="{nomination_id}"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text(NOMINEE)
    expect(row).to_have_class(re.compile(r"\blist-group-item-warning\b"))  # their turn
    row.click()
    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/nominations/{nomination_id}/$"))
    advance.click()
    expect_stage(page, "district_recommended")
    sign_out(page)

    # --- The centre verifies and publishes the notice ------------------------
    sign_in(page, f"{SLUG}-admin")
    page.goto(f"/t/{SLUG}/nominations/{nomination_id}/")
    advance.click()
    expect_stage(page, "centre_verified")

    round_url = f"/t/{SLUG}/selection/{selection_round.pk}/"
    page.goto(round_url)
    publish = page.locator('form[action$="/publish-notice/"]')
    publish.locator("input[name=start]").fill(today.isoformat())
    publish.locator("input[name=end]").fill((today + dt.timedelta(days=7)).isoformat())
    publish.locator("button").click()
    expect(page.locator("#confirm-message")).to_contain_text("1 名")
    page.click("#confirm-ok")
    expect(page).to_have_url(re.compile(rf"{round_url}$"))
    expect(page.locator(".alert-success[role=alert]")).to_be_visible()
    expect(page.locator('[data-stage="on_notice"]')).to_have_count(1)
    notice = Notice.objects.get(round=selection_round)
    assert (notice.start, notice.end) == (today, today + dt.timedelta(days=7))

    # --- An anonymous visitor objects, on a phone ------------------------------
    phone = phone_page
    phone.goto(f"/public/{SLUG}/notices/")
    card = phone.locator(f"#notice-{notice.pk}")
    expect(card.locator("table")).to_contain_text(NOMINEE)
    expect(card.locator("table")).to_contain_text(w.units["u1"].name)
    # Names, units and categories only: no mobile number anywhere in the page.
    assert MOBILE not in phone.content()
    shot(phone, "1-phone-public-notice")

    card.locator("details summary").tap()
    objection_form = card.locator('form[action$="/object/"]')
    expect(objection_form).to_be_visible()
    objection_form.locator("select[name=nominee]").select_option(str(nomination_id))
    objection_form.locator("input[name=name]").fill("热心市民")
    objection_form.locator("input[name=contact]").fill("reporter@example.com")
    objection_form.locator("textarea[name=reason]").fill("学历信息与实际不符，请核实。")
    shot(phone, "2-phone-objection-form")
    objection_form.locator("button[type=submit]").tap()

    expect(phone).to_have_url(re.compile(rf"/public/{SLUG}/notices/$"))
    expect(phone.locator(".alert-success[role=alert]")).to_be_visible()
    shot(phone, "3-phone-objection-sent")
    objection = Objection.objects.get(nomination_id=nomination_id)
    assert objection.status == "open"
    assert (objection.contact, objection.name) == ("reporter@example.com", "热心市民")

    # --- The centre dismisses it, and appoints once the notice has ended -----
    page.goto(f"/t/{SLUG}/objections/")
    item = page.locator(f'form:has(input[name=objection][value="{objection.pk}"])')
    item.locator("input[name=comment]").fill("经核实，学历属实。")
    item.locator("button[name=decision][value=dismissed]").click()
    expect(page.locator(".alert-success[role=alert]")).to_be_visible()
    expect(item).to_have_count(0)
    objection.refresh_from_db()
    assert objection.status == "dismissed"

    # Not while the notice runs: nobody is offered and the button is off.
    appoint = page.locator('form[action$="/appoint/"] button')
    page.goto(round_url)
    expect(page.locator(f"#appoint-{nomination_id}")).to_have_count(0)
    expect(appoint).to_be_disabled()
    expect(page.locator('[data-stage="on_notice"]')).to_have_count(1)
    assert not Officer.objects.filter(full_name=NOMINEE).exists()

    # A week passes: the notice is over.
    Notice.objects.filter(pk=notice.pk).update(
        start=today - dt.timedelta(days=8), end=today - dt.timedelta(days=1)
    )
    page.goto(round_url)
    appoint.click()  # nobody ticked: the dialog says so and offers no way on
    expect(page.locator("#confirm-message")).to_have_text("请先勾选要认定的人选。")
    expect(page.locator("#confirm-ok")).to_be_hidden()
    page.locator("#confirm-dialog .modal-footer").get_by_role("button", name="取消").click()
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    page.locator(f"#appoint-{nomination_id}").check()  # the centre ticks whom to appoint
    appoint.click()
    expect(page.locator("#confirm-message")).to_contain_text("1 名")
    page.click("#confirm-ok")
    expect(page).to_have_url(re.compile(rf"{round_url}$"))
    invitation = page.locator(".alert-success code", has_text="/accounts/invite/")
    expect(invitation).to_have_count(1)
    link = invitation.inner_text().strip()
    expect(page.locator('[data-stage="appointed"]')).to_have_count(1)
    shot(page, "4-desktop-appointed")

    # --- The database agrees ---------------------------------------------------
    nomination = Nomination.objects.get(pk=nomination_id)
    assert nomination.stage == "appointed"
    assert nomination.round == selection_round
    officer = Officer.objects.get(pk=nomination.officer_id)
    assert officer.user is not None
    assert officer.user.username == MOBILE
    assert (officer.full_name, officer.unit, officer.district) == (
        NOMINEE,
        w.units["u1"],
        w.districts["d1"],
    )
    assert officer.term_start == today
    stages = list(
        NominationTransition.objects.filter(nomination=nomination)
        .order_by("at", "id")
        .values_list("to_stage", flat=True)
    )
    assert stages == [
        "draft",
        "submitted",
        "unit_endorsed",
        "district_recommended",
        "centre_verified",
        "on_notice",
        "appointed",
    ]

    # --- The new officer sets a password and signs in --------------------------
    context = browser.new_context(
        base_url=live_server.url, locale=LOCALE, timezone_id=TIMEZONE, viewport=DESKTOP
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        officer_page = context.new_page()
        officer_page.goto(link)
        officer_page.fill("input[name=new_password1]", OFFICER_PASSWORD)
        officer_page.fill("input[name=new_password2]", OFFICER_PASSWORD)
        officer_page.click("form button[type=submit]")
        expect(officer_page).to_have_url(re.compile(r"/accounts/login/$"))
        expect(officer_page.locator(".alert-success[role=alert]")).to_be_visible()

        sign_in(officer_page, MOBILE, OFFICER_PASSWORD)
        expect(officer_page.locator("nav [data-role]")).to_have_attribute("data-role", "officer")
        expect(officer_page.locator("main")).to_contain_text(NOMINEE)
        shot(officer_page, "5-desktop-officer-home")
    finally:
        context.close()
