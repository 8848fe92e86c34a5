"""The web shell: login, role home pages with real counts, language switch,
organisation pages, and forms that show service errors and write nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership
from roster.models import District, Unit

from .world import PASSWORD

pytestmark = pytest.mark.django_db


def _home(world):
    return reverse("home", kwargs={"tenant_slug": world.tenant.slug})


def test_login_page_is_chinese_by_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html


def test_login_lands_on_the_tenant_home(client, world):
    response = client.post("/accounts/login/", {"username": "alpha-manager", "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == _home(world)


def test_wrong_password_stays_on_login_with_a_message(client, world):
    response = client.post("/accounts/login/", {"username": "alpha-manager", "password": "x"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("role", "stats"),
    [
        ("admin", {"officers": "4", "districts": "2", "units": "2", "members": "5"}),
        ("auditor", {"officers": "4", "districts": "2", "units": "2"}),
        ("manager", {"officers": "2", "districts": "1"}),
        ("reviewer", {"units": "1", "officers": "2"}),
        ("officer", {}),
    ],
)
def test_home_page_per_role_shows_real_counts(client, world, role, stats):
    client.force_login(world.users[role])
    html = client.get(_home(world)).content.decode()
    for key, value in stats.items():
        assert f'data-stat="{key}">{value}<' in html, key
    role_code = Membership.objects.get(user=world.users[role]).role
    assert f'data-role="{role_code}"' in html


def test_officer_home_shows_their_appointment(client, world):
    client.force_login(world.users["officer"])
    html = client.get(_home(world)).content.decode()
    assert "张三" in html and "一区" in html and "2026-12-31" in html


def test_navigation_is_role_aware(client, world):
    client.force_login(world.users["officer"])
    html = client.get(_home(world)).content.decode()
    assert reverse("member-list", kwargs={"tenant_slug": "alpha"}) not in html
    client.force_login(world.users["admin"])
    html = client.get(_home(world)).content.decode()
    assert reverse("member-list", kwargs={"tenant_slug": "alpha"}) in html


def test_language_switch_to_english_and_back(client, world):
    client.force_login(world.users["admin"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": _home(world)})
    assert response["Location"] == _home(world)
    html = client.get(_home(world)).content.decode()
    assert '<html lang="en">' in html and "Active officers" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": _home(world)})
    html = client.get(_home(world)).content.decode()
    assert '<html lang="zh-hans">' in html and "Active officers" not in html


@pytest.mark.parametrize(
    ("role", "url_name", "status"),
    [
        ("admin", "member-list", 200),
        ("auditor", "member-list", 403),
        ("manager", "member-list", 403),
        ("officer", "member-list", 403),
        ("admin", "district-create", 200),
        ("auditor", "district-create", 403),
        ("manager", "unit-create", 403),
        ("officer", "officer-create", 403),
        ("officer", "policy", 200),
        ("manager", "officer-list", 200),
        ("reviewer", "unit-list", 200),
        ("auditor", "officer-list", 200),
    ],
)
def test_page_role_matrix(client, world, role, url_name, status):
    client.force_login(world.users[role])
    assert client.get(reverse(url_name, kwargs={"tenant_slug": "alpha"})).status_code == status


def test_district_manager_officer_page_lists_only_their_districts(client, world):
    client.force_login(world.users["manager"])
    html = client.get(reverse("officer-list", kwargs={"tenant_slug": "alpha"})).content.decode()
    assert "张三" in html and "李四" in html
    assert "王五" not in html and "赵六" not in html


def test_district_form_creates_and_edits(client, world):
    client.force_login(world.users["admin"])
    url = reverse("district-create", kwargs={"tenant_slug": "alpha"})
    response = client.post(url, {"code": "d3", "name": "三区"})
    assert response["Location"] == reverse("district-list", kwargs={"tenant_slug": "alpha"})
    district = District.objects.get(tenant=world.tenant, code="d3")
    edit = reverse("district-update", kwargs={"tenant_slug": "alpha", "pk": district.pk})
    assert "三区" in client.get(edit).content.decode()
    client.post(edit, {"code": "d3", "name": "第三区"})
    district.refresh_from_db()
    assert district.name == "第三区"


def test_district_form_duplicate_shows_error_and_writes_nothing(client, world):
    client.force_login(world.users["admin"])
    url = reverse("district-create", kwargs={"tenant_slug": "alpha"})
    response = client.post(url, {"code": "d1", "name": "新区"})
    assert response.status_code == 200
    assert "“d1”" in response.content.decode()
    assert District.objects.for_tenant(world.tenant).count() == 2


def test_member_form_creates_a_district_manager(client, world):
    client.force_login(world.users["admin"])
    url = reverse("member-create", kwargs={"tenant_slug": "alpha"})
    response = client.post(
        url,
        {
            "username": "newmgr",
            "role": "district_manager",
            "password": "Another-pass-1!",
            "districts": [world.districts["d2"].pk],
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("member-list", kwargs={"tenant_slug": "alpha"})).content.decode()
    assert "newmgr" in html and "二区" in html


def test_member_form_refuses_a_manager_without_district(client, world):
    client.force_login(world.users["admin"])
    url = reverse("member-create", kwargs={"tenant_slug": "alpha"})
    before = Membership.objects.count()
    response = client.post(
        url, {"username": "nomgr", "role": "district_manager", "password": "Another-pass-1!"}
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert Membership.objects.count() == before


def test_unit_form_offers_only_the_tenants_districts(client, world, other_world):
    client.force_login(world.users["admin"])
    url = reverse("unit-create", kwargs={"tenant_slug": "alpha"})
    response = client.post(
        url, {"name": "外来单位", "kind": "park", "district": other_world.districts["d1"].pk}
    )
    assert response.status_code == 200  # the foreign district is not a valid choice
    assert not Unit.objects.filter(name="外来单位").exists()


def test_policy_page_shows_the_numbers(client, world):
    client.force_login(world.users["officer"])
    html = client.get(reverse("policy", kwargs={"tenant_slug": "alpha"})).content.decode()
    assert "武汉市科技成果转化联络员工作管理办法" in html
    for number in (">5<", ">10<", ">100<"):
        assert number in html


def test_static_assets_are_local(client, world):
    client.force_login(world.users["admin"])
    html = client.get(_home(world)).content.decode()
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_pages_stay_chinese_for_an_english_browser_until_the_user_switches(client, world):
    client.force_login(world.users["admin"])
    html = client.get(_home(world), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html


def test_api_messages_follow_accept_language(world):
    api = world.api("admin")
    body = {"code": "d1", "name": "重复"}
    zh = api.post(world.url("districts/"), body, format="json")
    en = api.post(world.url("districts/"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.json() == {"code": ["代码 “d1” 已被使用。"]}
    assert en.json() == {"code": ["Code “d1” is already in use."]}


def test_officer_home_shows_this_months_quota_progress(client, world):
    import datetime as dt

    import time_machine

    from ledgers import services as ledger

    admin = world.users["admin"].memberships.get()
    with time_machine.travel(dt.datetime(2025, 6, 15, 2, tzinfo=dt.UTC), tick=False):
        entry = ledger.entry_create(
            tenant=world.tenant,
            membership=admin,
            kind="event",
            data={"title": "对接", "occurred_on": "2025-06-10"},
            officers=[world.officers["mine"]],
        )
        ledger.entry_submit(tenant=world.tenant, membership=admin, entry=entry)
        client.force_login(world.users["officer"])
        html = client.get(_home(world)).content.decode()
    # a district officer: 2 valid demands and 4 events a year, 1 video a quarter, to date
    assert html.count('class="list-group-item quota-progress"') == 3
    assert 'data-quota="event/year"' in html and "1/2<" in html  # 4 x 6/12 = 2 expected


def test_home_counts_what_waits_for_each_role(client, world):
    # the fixture's nomination is on notice (nobody's step); one submitted entry in d1
    from ledgers import services as ledger

    admin = world.users["admin"].memberships.get()
    ledger.entry_submit(tenant=world.tenant, membership=admin, entry=world.entries["event"])
    client.force_login(world.users["manager"])
    html = client.get(_home(world)).content.decode()
    assert 'id="home-review"' in html and 'rounded-pill">1</span>' in html
    client.force_login(world.users["reviewer"])
    assert 'id="home-nominations"' in client.get(_home(world)).content.decode()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("manager", "service-days/"),
        ("admin", "agreements/new/"),
        ("manager", "agreements/new/"),
        ("admin", "work/new/event/"),
    ],
)
def test_empty_choices_read_please_choose_not_dashes(client, world, who, path):
    # issue 14 "Words": Django's "---------" reads as a glitch to users
    client.force_login(world.users[who])
    response = client.get(f"/t/{world.tenant.slug}/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "---------" not in html
    assert ">请选择</option>" in html
