"""Issue 14 "Lists": numbered pagination that keeps the filters, search on
the nominations and members pages, filter choices limited to the caller's
reach (pages and API), and the collaborator picker's markup."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from roster import workflow
from roster.models import Unit
from roster.views import UnitListView

pytestmark = pytest.mark.django_db


def _url(world, name: str) -> str:
    return reverse(name, kwargs={"tenant_slug": world.tenant.slug})


LINK = r'<a class="page-link" href="([^"]*)"[^>]*data-page="(\w+)"'


def _page_links(html: str) -> dict[str, str]:
    """``data-page`` → ``href`` of the pagination bar's links."""
    bar = html[html.index('class="pagination') :]
    bar = bar[: bar.index("</ul>")]
    return {page: href.replace("&amp;", "&") for href, page in re.findall(LINK, bar)}


def _options(html: str, name: str) -> list[str]:
    """The values offered by the page's ``<select name=...>`` (the empty one left out)."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return [v for v in re.findall(r'<option value="([^"]*)"', match.group(1)) if v]


@pytest.fixture
def thirty_units(world):
    Unit.objects.bulk_create(
        Unit(tenant=world.tenant, name=f"测试单位{i:02d}", kind="university", district=None)
        for i in range(30)
    )


def test_pagination_numbers_pages_with_ellipses_and_keeps_the_filters(
    client, world, thirty_units, monkeypatch
):
    monkeypatch.setattr(UnitListView, "paginate_by", 2)
    client.force_login(world.users["admin"])
    # a repeated page= in the address is replaced, never carried along
    response = client.get(_url(world, "unit-list"), {"q": "测试单位", "page": ["8", "8"]})
    html = response.content.decode().replace("&amp;", "&")
    q = "q=%E6%B5%8B%E8%AF%95%E5%8D%95%E4%BD%8D"
    assert _page_links(html) == {
        "first": f"?{q}",
        "previous": f"?{q}&page=7",
        "1": f"?{q}",
        "6": f"?{q}&page=6",
        "7": f"?{q}&page=7",
        "9": f"?{q}&page=9",
        "10": f"?{q}&page=10",
        "15": f"?{q}&page=15",
        "next": f"?{q}&page=9",
        "last": f"?{q}&page=15",
    }
    current = '<li class="page-item active" aria-current="page">'
    assert current + '<span class="page-link" data-page="8">8</span>' in html
    assert html.count('<span class="page-link">…</span>') == 2
    assert "共 30 条" in html
    # on a phone only the neighbours of the current page and both ends stay
    far, near = '<li class="page-item d-none d-md-block">', '<li class="page-item">'
    assert far + f'<a class="page-link" href="?{q}&page=6"' in html
    assert near + f'<a class="page-link" href="?{q}&page=7"' in html


def test_first_page_has_no_previous_and_a_single_page_no_bar(
    client, world, thirty_units, monkeypatch
):
    monkeypatch.setattr(UnitListView, "paginate_by", 2)
    client.force_login(world.users["admin"])
    html = client.get(_url(world, "unit-list"), {"q": "测试单位"}).content.decode()
    links = _page_links(html)
    assert sorted(links) == ["15", "2", "3", "last", "next"]
    assert links["next"] == "?q=%E6%B5%8B%E8%AF%95%E5%8D%95%E4%BD%8D&page=2"
    html = client.get(_url(world, "unit-list"), {"q": "测试单位07"}).content.decode()
    assert 'class="pagination' not in html
    assert "共 1 条" in html


def test_nomination_search_narrows_exactly(client, world):
    reviewer = world.users["reviewer"].memberships.get()
    for name, mobile in (("钱七", "13900000011"), ("孙八", "13900000012")):
        workflow.nomination_create(
            membership=reviewer,
            round=world.round,
            data={"full_name": name, "unit": world.units["u1"], "mobile": mobile},
        )
    client.force_login(world.users["admin"])

    def names(**query) -> list[str]:
        html = client.get(_url(world, "nomination-list"), query).content.decode()
        return re.findall(r'<div class="fw-semibold">(\S+) <small', html)

    assert names() == ["孙八", "钱七", "候选人甲"]
    assert names(q="钱") == ["钱七"]
    assert names(q="13900000012") == ["孙八"]
    assert names(q="候选", stage="draft") == []
    assert names(stage="draft") == ["孙八", "钱七"]
    assert names(district="d2") == []
    assert names(round=str(world.round.pk), q="人甲") == ["候选人甲"]


def test_member_search_and_role_filter(client, world):
    client.force_login(world.users["admin"])

    def usernames(**query) -> list[str]:
        html = client.get(_url(world, "member-list"), query).content.decode()
        return re.findall(r"<code>([\w-]+)</code>", html)

    assert usernames(q="MANAGER") == ["alpha-manager"]
    assert usernames(role="auditor") == ["alpha-auditor"]
    assert usernames(q="alpha-", role="unit_reviewer") == ["alpha-reviewer"]
    assert usernames(q="nobody") == []


@pytest.mark.parametrize(
    ("who", "districts"),
    [("admin", ["d1", "d2"]), ("manager", ["d1"]), ("auditor", ["d1", "d2"]), ("reviewer", ["d1"])],
)
def test_officer_filter_offers_only_the_districts_in_reach(client, world, who, districts):
    client.force_login(world.users[who])
    html = client.get(_url(world, "officer-list")).content.decode()
    assert _options(html, "district") == districts


def test_officer_without_district_reach_gets_no_district_filter(client, world):
    client.force_login(world.users["officer"])
    html = client.get(_url(world, "officer-list")).content.decode()
    assert 'name="district"' not in html
    assert 'name="q"' in html


@pytest.mark.parametrize(("who", "districts"), [("admin", ["d1", "d2"]), ("manager", ["d1"])])
def test_quota_filter_offers_only_the_districts_in_reach(client, world, who, districts):
    client.force_login(world.users[who])
    url = reverse(
        "quota-detail", kwargs={"tenant_slug": world.tenant.slug, "pk": world.quota_report.pk}
    )
    assert _options(client.get(url).content.decode(), "district") == districts


@pytest.mark.parametrize(
    ("who", "districts"),
    [("admin", ["d1", "d2"]), ("manager", ["d1"]), ("reviewer", ["d1"])],
)
def test_nomination_filter_offers_only_the_districts_in_reach(client, world, who, districts):
    client.force_login(world.users[who])
    html = client.get(_url(world, "nomination-list")).content.decode()
    assert _options(html, "district") == districts
    assert _options(html, "round") == [str(world.round.pk)]


def test_out_of_reach_district_filter_answers_like_an_unknown_one(client, world):
    """The manager of d1 asking for d2 (or a code that exists nowhere) gets
    the same empty list, on the page and in the API."""
    client.force_login(world.users["manager"])
    pages = [
        client.get(_url(world, "officer-list"), {"district": code}).content.decode()
        for code in ("d2", "zz")
    ]
    assert all("No officers match." in p or "没有符合条件的联络员" in p for p in pages)
    api = world.api("manager")
    for path in ("officers/", "nominations/"):
        for code in ("d2", "zz"):
            response = api.get(world.url(path), {"district": code})
            assert response.status_code == 200
            body = response.json()
            rows = body["results"] if isinstance(body, dict) else body
            assert rows == []
    rows = api.get(world.url("nominations/"), {"q": "候选人"}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [r["full_name"] for r in rows] == ["候选人甲"]


def test_collaborator_picker_is_marked_for_the_script_and_posts_the_same(client, world):
    client.force_login(world.users["admin"])
    html = client.get(
        reverse("entry-create", kwargs={"tenant_slug": world.tenant.slug, "kind": "event"})
    ).content.decode()
    select = re.search(r'<select name="officers"[^>]*>', html).group(0)
    assert "data-picker" in select
    assert "multiple" in select
    assert 'data-picker-placeholder="输入关键字筛选"' in select


def test_objection_search_and_status_filter(client, world):
    client.force_login(world.users["admin"])
    url = _url(world, "objection-list")

    def shown(**query) -> int:
        html = client.get(url, query).content.decode()
        return html.count('<div class="list-group-item">')

    assert shown() == 1
    assert shown(q="候选人甲") == 1
    assert shown(q="不实") == 1  # the reason
    assert shown(q="无此人") == 0
    assert shown(status="open") == 1
    assert shown(status="dismissed") == 0
    html = client.get(url, {"q": "候选人甲"}).content.decode()
    assert "共 1 条" in html


def test_agreements_search_and_pages(client, world, monkeypatch):
    import datetime as dt

    import time_machine

    from accounts.models import Membership
    from duties import record_views, services

    admin = Membership.objects.get(user=world.users["admin"])
    with time_machine.travel(dt.datetime(2026, 6, 15, 10), tick=False):
        for key, unit in (("d1", "u1"), ("d2", "u2")):
            services.agreement_create(
                tenant=world.tenant,
                membership=admin,
                officer=world.officers[key],
                host_unit=world.units[unit],
                start=dt.date(2026, 1, 1),
                end=dt.date(2026, 12, 31),
            )
        monkeypatch.setattr(record_views, "PER_PAGE", 1)
        client.force_login(world.users["admin"])
        url = _url(world, "agreement-list")
        html = client.get(url).content.decode()
        assert html.count("data-agreement=") == 1
        assert _page_links(html) == {"2": "?page=2", "next": "?page=2", "last": "?page=2"}
        assert "共 2 条" in html
        html = client.get(url, {"q": "王五"}).content.decode()
        assert re.findall(r'data-agreement="(\d+)"', html) == [
            str(world.officers["d2"].agreements.get().pk)
        ]
        assert 'class="pagination' not in html
        # the status tabs keep the search
        assert 'href="?q=%E7%8E%8B%E4%BA%94&amp;status=in_force"' in html


def test_change_request_search_keeps_the_status_tab(client, world):
    client.force_login(world.users["admin"])
    url = _url(world, "change-request-list")
    name = world.change_request.officer.full_name

    def shown(**query) -> int:
        return client.get(url, query).content.decode().count('<li class="list-group-item">')

    assert shown() == 1
    assert shown(q=name) == 1
    assert shown(q="无此人") == 0
    assert shown(q=name, status="rejected") == 0
    html = client.get(url, {"q": name}).content.decode()
    assert 'name="q" value="' + name + '"' in html


def test_group_search_by_member_or_district(client, world):
    client.force_login(world.users["admin"])
    url = _url(world, "group-list")

    def groups(**query) -> list[str]:
        return re.findall(r'data-group="(\d+)"', client.get(url, query).content.decode())

    assert groups() == [str(world.group.pk)]
    assert groups(q="工作组") == [str(world.group.pk)]
    assert groups(q="一区") == [str(world.group.pk)]  # the district's name
    assert groups(q="二区") == []
    assert groups(q="无此组") == []


def test_round_search_by_title_or_year(client, world):
    from accounts.models import Membership

    admin = Membership.objects.get(user=world.users["admin"], tenant=world.tenant)
    workflow.round_create(
        membership=admin, year=2027, category="district", seats=2, title="春季选派"
    )
    workflow.round_create(
        membership=admin, year=2028, category="district", seats=1, title="秋季增补"
    )
    client.force_login(world.users["admin"])

    def titles(**query) -> list[str]:
        html = client.get(_url(world, "round-list"), query).content.decode()
        return re.findall(r'<div class="fw-semibold">([^<]+)</div>', html)

    assert titles(q="春季") == ["春季选派"]
    assert titles(q="2028") == ["秋季增补"]
    assert titles(q="没有这个") == []
    assert (
        "没有符合条件的选派批次。"
        in client.get(_url(world, "round-list"), {"q": "无"}).content.decode()
    )


def test_district_search_by_name_or_code(client, world):
    client.force_login(world.users["admin"])

    html = client.get(_url(world, "district-list"), {"q": "二区"}).content.decode()
    assert "二区" in html and "一区" not in html
    html = client.get(_url(world, "district-list"), {"q": "d1"}).content.decode()
    assert "一区" in html and "二区" not in html
    html = client.get(_url(world, "district-list"), {"q": "zz"}).content.decode()
    assert "没有符合条件的区（县）。" in html


def test_training_search_narrows_trainings_and_officers(client, world):
    import datetime as dt

    from accounts.models import Membership
    from duties.services import training_create

    admin = Membership.objects.get(user=world.users["admin"], tenant=world.tenant)
    day = dt.date(2026, 3, 2)
    training_create(
        tenant=world.tenant, membership=admin, title="成果转化培训", kind="training", held_on=day
    )
    training_create(
        tenant=world.tenant, membership=admin, title="月度交流会", kind="training", held_on=day
    )
    client.force_login(world.users["admin"])
    url = reverse("training-list", kwargs={"tenant_slug": world.tenant.slug})
    html = client.get(url, {"year": 2026, "q": "交流"}).content.decode()
    assert "月度交流会" in html and "成果转化培训" not in html
    name = world.officers["d1"].full_name
    html = client.get(url, {"year": 2026, "q": name}).content.decode()
    others = [o.full_name for k, o in world.officers.items() if o.full_name != name]
    assert name in html and not any(f">{other}<" in html for other in others)
