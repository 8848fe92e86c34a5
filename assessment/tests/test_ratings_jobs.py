"""The daily reminder of rating links about to expire unanswered."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import JobRun, Notification
from assessment.models import RatingRequest
from assessment.ratings import rating_submit
from assessment.tasks import remind_rating_links

from .test_ratings_api import SCORES, graded, make_request

pytestmark = pytest.mark.django_db


def test_sender_is_reminded_once_when_a_link_expires_within_three_days(world):
    graded(world)
    soon, _t = make_request(world, "d1", today=dt.date(2026, 11, 1))  # expires 12-01
    later, _t = make_request(world, "d2", today=dt.date(2026, 11, 5))  # expires 12-05
    answered, token = make_request(world, "city", today=dt.date(2026, 11, 1))
    rating_submit(tenant=world.tenant, token=token, scores=SCORES, today=dt.date(2026, 11, 2))
    gone, _t = make_request(world, "mine", today=dt.date(2026, 10, 1))  # expired 10-31

    assert remind_rating_links(today="2026-11-28") == {"alpha": 1}
    note = Notification.objects.get()
    assert note.user == world.users["admin"]
    assert note.title == "李四 的评价链接（派驻单位甲）将于 2026-12-01 过期"
    assert note.body == "派驻单位甲 尚未评价，请提醒评价方或重新生成链接。"
    assert note.link == "/t/alpha/assessment/2026/ratings/"
    soon.refresh_from_db()
    assert soon.reminded_at is not None
    assert RatingRequest.objects.filter(reminded_at__isnull=False).count() == 1

    # the next day: already reminded, nothing again; the next request not yet due
    assert remind_rating_links(today="2026-11-29") == {"alpha": 0}
    # 12-02: the 12-05 link is due now
    assert remind_rating_links(today="2026-12-02") == {"alpha": 1}
    assert Notification.objects.count() == 2
    later.refresh_from_db()
    assert later.reminded_at is not None
    gone.refresh_from_db()
    answered.refresh_from_db()
    assert (gone.reminded_at, answered.reminded_at) == (None, None)
    runs = JobRun.objects.filter(tenant=world.tenant, name="rating-link-reminders")
    assert [(r.outcome, r.detail) for r in runs.order_by("id")] == [
        ("ok", {"reminded": 1}),
        ("ok", {"reminded": 0}),
        ("ok", {"reminded": 1}),
    ]
