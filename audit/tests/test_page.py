"""The audit page (审计日志): who opens it, what it shows, its filters."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    assert len(queries) <= 8, [q["sql"] for q in queries]
