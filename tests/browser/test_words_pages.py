"""The pages issue 14's words changed, in a real browser, in both languages
and on a 390-px phone: the jobs page says what each job is and what its run
did, the audit log tells its details in words, the members page names
districts. Nothing overflows sideways."""

from __future__ import annotations

from functools import partial

import pytest
from playwright.sync_api import expect

from roster.tasks import close_notices
from tests.browser import helpers
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "words"


@pytest.fixture
def words_world(transactional_db):
    w = build_world(SLUG)
    close_notices(today="2026-03-07")
    return w


sign_in = partial(helpers.sign_in, slug=SLUG)


_no_sideways_scroll = helpers.no_sideways_scroll


def test_jobs_audit_and_members_in_words(words_world, phone_page, page, artifacts_dir) -> None:
    for p, width in ((page, "1280"), (phone_page, "390")):
        sign_in(p, f"{SLUG}-admin")
        p.goto(f"/t/{SLUG}/jobs/")
        expect(p.locator("body")).to_contain_text("到期关闭公示")
        expect(p.locator("body")).to_contain_text("已关闭公示 1 项")
        expect(p.locator("body")).not_to_contain_text("close-notices")
        _no_sideways_scroll(p, f"jobs {width}")
        p.screenshot(path=str(artifacts_dir / f"words-jobs-{width}.png"), full_page=True)
        p.goto(f"/t/{SLUG}/members/")
        expect(p.locator("#content, main").first).to_contain_text("一区")
        _no_sideways_scroll(p, f"members {width}")
        p.goto(f"/t/{SLUG}/audit/")
        _no_sideways_scroll(p, f"audit {width}")
        p.screenshot(path=str(artifacts_dir / f"words-audit-{width}.png"))
    page.click("#language-form button[value=en]")
    page.goto(f"/t/{SLUG}/jobs/")
    expect(page.locator("body")).to_contain_text("Close public notices at their end")
    expect(page.locator("body")).to_contain_text("notices closed: 1")
    page.screenshot(path=str(artifacts_dir / "words-jobs-en.png"), full_page=True)
    page.goto(f"/t/{SLUG}/nominations/{words_world.nomination.pk}/")
    expect(page.locator("body")).to_contain_text("Nomination created.")
    page.screenshot(path=str(artifacts_dir / "words-nomination-en.png"), full_page=True)
