"""The duties' records through a real browser (issue 13): the admin creates
a training and ticks who attended on a 390-px phone; on a desktop renews an
agreement and records service days, and the year's total shows."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from duties import services
from duties.models import Agreement, Attendance, ServiceDay, Training
from tests.browser import helpers
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "records"


@pytest.fixture
def records(transactional_db):
    w = build_world(SLUG)
    admin = Membership.objects.get(user=w.users["admin"])
    w.agreement = services.agreement_create(
        tenant=w.tenant,
        membership=admin,
        officer=w.officers["d1"],
        host_unit=w.units["u1"],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
    )
    return w


sign_in = partial(helpers.sign_in, slug=SLUG)


def _shot(p, artifacts_dir, name: str) -> None:
    overflow = p.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"
    p.screenshot(path=str(artifacts_dir / f"records-{name}.png"), full_page=True)


def test_training_attendance_on_a_phone(records, phone_page, artifacts_dir) -> None:
    phone = phone_page
    sign_in(phone, f"{SLUG}-admin")
    phone.locator("button.navbar-toggler").tap()
    expect(phone.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
    phone.locator("#mainnav a.dropdown-toggle", has_text="履职").tap()
    phone.locator(f'#mainnav a.dropdown-item[href="/t/{SLUG}/trainings/"]').tap()
    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/trainings/$"))
    phone.locator("#training-new").tap()
    held_on = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    phone.fill("input[name=title]", "市派联络员交流会")
    phone.select_option("select[name=kind]", "exchange_meeting")
    phone.fill("input[name=held_on]", held_on)
    _shot(phone, artifacts_dir, "1-phone-training-form")
    phone.locator("main form[method=post] button.btn-primary").tap()
    expect(phone).to_have_url(re.compile(rf"/t/{SLUG}/trainings/\d+/$"))
    training = Training.objects.get(title="市派联络员交流会")
    assert (training.kind, training.held_on.isoformat()) == ("exchange_meeting", held_on)
    boxes = phone.locator("#attendance-form input[name=officers]")
    expect(boxes).to_have_count(4)
    for officer in ("mine", "city"):
        phone.locator(f'#attendance-form input[value="{records.officers[officer].pk}"]').tap()
    _shot(phone, artifacts_dir, "2-phone-attendance")
    phone.locator("#attendance-save").tap()
    expect(phone.locator(".alert-success")).to_contain_text("出勤已保存：2 人参加。")
    expect(phone.locator("#present-count")).to_have_text("2 人参加")
    assert set(
        Attendance.objects.filter(training=training).values_list("officer_id", flat=True)
    ) == {
        records.officers["mine"].pk,
        records.officers["city"].pk,
    }
    _shot(phone, artifacts_dir, "3-phone-saved")
    phone.goto(f"/t/{SLUG}/trainings/")
    _shot(phone, artifacts_dir, "4-phone-trainings")


def test_agreement_renewed_and_service_days_totalled(records, page, artifacts_dir) -> None:
    sign_in(page, f"{SLUG}-admin")
    page.goto(f"/t/{SLUG}/agreements/")
    row = page.locator(f'tr[data-agreement="{records.agreement.pk}"]')
    expect(row).to_contain_text("已结束")
    expect(row).to_contain_text("尚未备案")
    _shot(page, artifacts_dir, "5-desktop-agreements")
    row.locator("a", has_text="续签").click()
    page.fill("input[name=end]", "2026-12-31")
    page.locator("main form[method=post] button.btn-primary").click()
    expect(page.locator(".alert-success")).to_contain_text("协议已续签。")
    renewal = Agreement.objects.get(renews=records.agreement)
    assert (renewal.start, renewal.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    expect(row).to_contain_text("已续签")
    _shot(page, artifacts_dir, "6-desktop-renewed")
    # service days: the officer's host comes with the officer
    page.goto(f"/t/{SLUG}/service-days/")
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=9), today - dt.timedelta(days=5)
    page.select_option("select[name=officer]", str(records.officers["mine"].pk))
    page.select_option("select[name=host_unit]", str(records.units["u1"].pk))
    page.fill("input[name=start]", start.isoformat())
    page.fill("input[name=end]", end.isoformat())
    page.fill("textarea[name=note]", "驻企服务")
    page.locator("#service-day-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("服务天数已保存。")
    assert ServiceDay.objects.get().days == 5
    total = page.locator(
        f'#service-day-totals tr[data-officer="{records.officers["mine"].pk}"] .total'
    )
    if start.year == today.year:
        expect(total).to_have_text("5")
    _shot(page, artifacts_dir, "7-desktop-service-days")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, artifacts_dir, "8-narrow-service-days")
    page.goto(f"/t/{SLUG}/agreements/")
    _shot(page, artifacts_dir, "9-narrow-agreements")
    page.goto(f"/t/{SLUG}/agreements/new/")
    _shot(page, artifacts_dir, "10-narrow-agreement-form")
