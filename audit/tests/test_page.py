"""The audit page (审计日志): who opens it, what it shows, its filters."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.display import NAMED_MODELS
from ledgers.models import Entry
from roster.models import District
from tests.world import ROLES

pytestmark = pytest.mark.django_db

STATUS = {"admin": 200, "auditor": 200, "manager": 403, "reviewer": 403, "officer": 403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/t/alpha/audit/", "/t/alpha/audit/export/"])
def test_only_admins_and_auditors_open_the_page_and_export(world, client, role, path):
    client.force_login(world.users[role])
    assert client.get(path).status_code == STATUS[role]


@pytest.mark.parametrize("role", ROLES)
def test_menu_links_the_page_for_admins_and_auditors(world, client, role):
    client.force_login(world.users[role])
    html = client.get("/t/alpha/").content.decode()
    assert ('href="/t/alpha/audit/"' in html) == (STATUS[role] == 200)


def test_page_shows_readable_changes_filtered(world, client):
    district = world.districts["d2"]
    world.api("admin").post(world.url("districts/"), {"code": "d9", "name": "九区"}, format="json")
    District.objects.filter(pk=district.pk).update(name="第二区")
    client.force_login(world.users["auditor"])
    response = client.get(f"/t/alpha/audit/?object_type=district&object_id={district.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "审计日志" in html
    assert "<del>二区</del> → 第二区" in html
    assert "系统" in html  # no actor: a change outside any request
    assert "九区" not in html  # filtered out
    everything = client.get("/t/alpha/audit/?actor=alpha-admin&action=create").content.decode()
    assert "九区" in everything and "alpha-admin" in everything and "新增" in everything


def test_bad_filter_says_so(world, client):
    client.force_login(world.users["admin"])
    response = client.get("/t/alpha/audit/?at__gte=soon")
    assert response.status_code == 200
    assert "请输入日期或日期时间。" in response.content.decode()


def test_page_query_count_is_capped(world, client):
    client.force_login(world.users["admin"])
    client.get("/t/alpha/audit/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/t/alpha/audit/").status_code == 200
    # the page's own queries, plus at most one per named model (ids to names)
    assert len(queries) <= 8 + len(NAMED_MODELS), [q["sql"] for q in queries]


def test_changes_read_as_names_labels_and_local_times(world, client):
    """Found walking the page: ids, choice codes and UTC times are shown as
    the reader knows them: names, Chinese labels, Asia/Shanghai time."""
    officer = world.officers["mine"]
    at = dt.datetime(2025, 6, 30, 17, 0, tzinfo=dt.UTC)  # 2025-07-01 01:00 in Shanghai
    with time_machine.travel(at, tick=False):
        body = {"title": "新成果", "occurred_on": "2025-05-06", "officers": [officer.pk]}
        created = world.api("officer").post(world.url("achievements/"), body, format="json")
        entry = Entry.objects.get(pk=created.json()["id"])
        world.api("officer").post(world.url(f"achievements/{entry.pk}/submit/"))
    client.force_login(world.users["auditor"])
    html = client.get(f"/t/alpha/audit/?object_type=entry&object_id={entry.pk}").content.decode()
    assert f"台账记录 新成果（#{entry.pk}）" in html  # the object, by its title
    assert "状态</span>: <del>草稿</del> → 已提交" in html  # choice labels
    assert "提交时间</span>: <del>—</del> → 2025-07-01 01:00:00" in html  # local time
    assert "2025-06-30 17:00" not in html
    user = world.users["officer"]
    assert f"创建人</span>: {user.username}（#{user.pk}）" in html  # a user, by name
    assert "created by" not in html
    credits = client.get("/t/alpha/audit/?object_type=credit&action=create").content.decode()
    assert f"联络员</span>: 张三（#{officer.pk}）" in credits
    assert f"台账记录</span>: 新成果（#{entry.pk}）" in credits
    assert "ID</span>" not in credits  # a new row's id is its object id
