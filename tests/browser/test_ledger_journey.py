"""The ledger's main journey through a real browser: an officer logs a
matchmaking event on a phone and submits it; the district manager verifies
it from the review queue on a desktop; the database shows the whole trail."""

from __future__ import annotations

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from ledgers.models import Entry, EntryEvent
from tests.browser import helpers
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "journey"
TITLE = "光谷成果对接会"
OCCURRED_ON = "2026-05-20"


@pytest.fixture
def journey(transactional_db):
    """Tenant ``journey``: manager of d1, and officer 张三 (d1) with a login."""
    return build_world(SLUG)


sign_in = partial(helpers.sign_in, slug=SLUG)


def test_officer_logs_on_phone_and_manager_verifies(
    journey, phone_page, page, artifacts_dir
) -> None:
    def shot(p, name: str) -> None:
        # Nothing may stick out sideways on a phone: no horizontal scrolling.
        overflow = p.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"
        p.screenshot(path=str(artifacts_dir / f"journey-{name}.png"), full_page=True)

    # --- The officer, on a phone -------------------------------------------
    phone = phone_page
    sign_in(phone, f"{SLUG}-officer")
    expect(phone.locator("nav [data-role]")).to_have_attribute("data-role", "officer")

    work_link = phone.locator(f'#mainnav a.nav-link[href$="/t/{SLUG}/work/"]')
    expect(work_link).to_be_hidden()  # collapsed behind the toggler on a phone
    phone.locator("button.navbar-toggler").tap()
    # Wait for Bootstrap's collapse transition to end before the screenshot.
    expect(phone.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
    expect(work_link).to_be_visible()
    shot(phone, "1-phone-menu")
    work_link.tap()
    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/work/$"))

    quick_log = phone.locator('.quick-log a[data-kind="event"]')
    expect(quick_log).to_be_visible()
    shot(phone, "2-phone-my-work")
    quick_log.tap()
    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/work/new/event/$"))

    form = phone.locator("form[method=post]:has(input[name=title])")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=occurred_on]").fill(OCCURRED_ON)
    form.locator("select[name=event_type]").select_option("docking")
    form.locator("input[name=venue]").fill("光谷科技会展中心")
    form.locator("input[name=participants]").fill("60")
    shot(phone, "3-phone-event-form")
    form.locator("button[type=submit]").tap()

    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/entries/\d+/$"))
    entry_id = int(re.search(r"/entries/(\d+)/$", phone.url).group(1))
    header = phone.locator(".page-header")
    expect(header.locator("h1")).to_have_text(TITLE)
    expect(header.locator(".badge.status-draft")).to_be_visible()
    shot(phone, "4-phone-entry-draft")

    phone.locator('form[action$="/submit/"] button').tap()
    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/entries/{entry_id}/$"))
    expect(header.locator(".badge.status-submitted")).to_be_visible()
    expect(phone.locator('form[action$="/submit/"]')).to_have_count(0)
    shot(phone, "5-phone-entry-submitted")

    # --- The district manager, on a desktop, in a context of their own -----
    sign_in(page, f"{SLUG}-manager")
    expect(page.locator("nav [data-role]")).to_have_attribute("data-role", "district_manager")
    page.locator(f'#mainnav a.nav-link[href$="/t/{SLUG}/review/"]').click()
    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/review/$"))

    row = page.locator(f'.review-row[data-entry="{entry_id}"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("张三")
    shot(page, "6-desktop-review-queue")

    row.locator('form[action$="/verify/"] button').click()
    # Back on the queue (the form's `next`), with the confirmation and without the row.
    expect(page.locator(".alert-success[role=alert]")).to_contain_text(TITLE)
    expect(page).to_have_url(re.compile(rf"/t/{SLUG}/review/$"))
    expect(row).to_have_count(0)
    shot(page, "7-desktop-review-done")

    # --- The database agrees ------------------------------------------------
    entry = Entry.objects.get(pk=entry_id)
    assert entry.tenant == journey.tenant
    assert entry.kind == "event"
    assert entry.title == TITLE
    assert entry.occurred_on.isoformat() == OCCURRED_ON
    assert (entry.event_type, entry.venue, entry.participants) == (
        "docking",
        "光谷科技会展中心",
        60,
    )
    assert list(entry.officers.all()) == [journey.officers["mine"]]
    assert entry.status == "verified"
    assert entry.verified_by == journey.users["manager"]
    assert entry.verified_at is not None
    actions = list(
        EntryEvent.objects.filter(entry=entry).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == ["created", "submitted", "verified"]
