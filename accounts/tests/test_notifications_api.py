"""The notifications API and the 消息 page (issue 14): the caller's own,
newest first, paginated; read one (another member's or tenant's: 404),
read all; open one goes to its page; settings for every member; the
webhook page for the admin only."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Notification, NotificationPreference, TenantWebhook
from accounts.notifications import notify

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 1, 8, tzinfo=dt.UTC)


def _notes(w, who: str, count: int) -> list[Notification]:
    notes = [
        notify(tenant=w.tenant, user=w.users[who], key=f"t{i}", title=f"通知{i}", body=f"正文{i}")
        for i in range(count)
    ]
    for i, note in enumerate(notes):  # one minute apart, the last newest
        Notification.objects.filter(pk=note.pk).update(created_at=NOW + dt.timedelta(minutes=i))
    return notes


def test_list_is_the_callers_own_newest_first(world, other_world):
    Notification.objects.all().delete()
    mine = _notes(world, "officer", 3)
    _notes(world, "manager", 2)
    _notes(other_world, "officer", 1)
    body = world.api("officer").get("/api/v1/tenants/alpha/notifications/").json()
    assert body["count"] == 3
    assert body["results"] == [
        {
            "id": n.pk,
            "title": f"通知{i}",
            "body": f"正文{i}",
            "link": "",
            "created_at": f"2026-05-01T16:0{i}:00+08:00",  # shown in Asia/Shanghai
            "read_at": None,
        }
        for i, n in reversed(list(enumerate(mine)))
    ]


def test_read_marks_ones_own_and_404_for_another_members_or_tenants(world, other_world):
    Notification.objects.all().delete()
    (own,) = _notes(world, "officer", 1)
    (others,) = _notes(world, "manager", 1)
    (foreign,) = _notes(other_world, "officer", 1)
    api = world.api("officer")
    answer = api.post(f"/api/v1/tenants/alpha/notifications/{own.pk}/read/")
    assert answer.status_code == 200
    own.refresh_from_db()
    assert own.read_at is not None and answer.json()["read_at"] is not None
    assert api.post(f"/api/v1/tenants/alpha/notifications/{own.pk}/read/").status_code == 200
    for note in (others, foreign):
        assert api.post(f"/api/v1/tenants/alpha/notifications/{note.pk}/read/").status_code == 404
        note.refresh_from_db()
        assert note.read_at is None
    assert api.post(f"/api/v1/tenants/beta/notifications/{foreign.pk}/read/").status_code == 404


def test_page_marks_one_all_and_opens_the_link(client, world):
    Notification.objects.all().delete()
    first, second, third = _notes(world, "officer", 3)
    Notification.objects.filter(pk=first.pk).update(link="/t/alpha/entries/")
    client.force_login(world.users["officer"])
    page = client.get("/t/alpha/notifications/").content.decode()
    assert 'id="unread-count">3<' in page and 'id="unread-here">3 条未读<' in page
    assert page.index("通知2") < page.index("通知1") < page.index("通知0")
    opened = client.post(f"/t/alpha/notifications/{first.pk}/open/")
    assert (opened.status_code, opened["Location"]) == (302, "/t/alpha/entries/")
    client.post(f"/t/alpha/notifications/{second.pk}/read/")
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {
        third.pk
    }
    assert 'id="unread-count">1<' in client.get("/t/alpha/").content.decode()
    client.post("/t/alpha/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'id="unread-count"' not in client.get("/t/alpha/").content.decode()
    # another member's notification: 404, untouched
    (others,) = _notes(world, "manager", 1)
    assert client.post(f"/t/alpha/notifications/{others.pk}/read/").status_code == 404
    assert client.post(f"/t/alpha/notifications/{others.pk}/open/").status_code == 404


def test_preferences_page_for_every_member(client, world):
    client.force_login(world.users["reviewer"])
    page = client.get("/t/alpha/notifications/preferences/")
    assert page.status_code == 200 and "每天一封邮件，汇总当天的通知" in page.content.decode()
    saved = client.post("/t/alpha/notifications/preferences/", {"email": "daily", "language": "en"})
    assert saved.status_code == 302
    pref = NotificationPreference.objects.get(user=world.users["reviewer"])
    assert (pref.tenant, pref.email, pref.language) == (world.tenant, "daily", "en")
    bad = client.post("/t/alpha/notifications/preferences/", {"email": "sms", "language": "en"})
    assert bad.status_code == 200
    assert NotificationPreference.objects.get(user=world.users["reviewer"]).email == "daily"


def test_webhook_page_for_the_admin_only(client, world):
    client.force_login(world.users["manager"])
    assert client.get("/t/alpha/notifications/webhook/").status_code == 403
    client.force_login(world.users["admin"])
    refused = client.post(
        "/t/alpha/notifications/webhook/", {"url": "ftp://x/", "format": "wecom", "enabled": "on"}
    )
    assert "请填写机器人的 http:// 或 https:// 地址。" in refused.content.decode()
    assert not TenantWebhook.objects.exists()
    saved = client.post(
        "/t/alpha/notifications/webhook/",
        {
            "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
            "format": "dingtalk",
            "kinds": ["objection_filed", "nomination_stage"],
            "enabled": "on",
        },
    )
    assert saved.status_code == 302
    hook = TenantWebhook.objects.get()
    assert (hook.tenant, hook.format, hook.kinds, hook.enabled) == (
        world.tenant,
        "dingtalk",
        ["nomination_stage", "objection_filed"],
        True,
    )
