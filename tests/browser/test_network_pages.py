"""The province network in a real browser at 1280 and 390 px: the province
admin's figures of two city programmes, members and the market; the city
admin's page with the invitation accepted and a demand published. Nothing
overflows sideways; no officer's name shows on the province's page
(screenshots in test-artifacts/)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, User
from accounts.services import tenant_create
from ledgers.services import entry_create, entry_submit, entry_verify
from network import services as network
from roster.models import Officer
from tests.world import PASSWORD, build_world

from .test_login import sign_in

pytestmark = pytest.mark.browser


def _verified(w, kind, title, field=""):
    manager = Membership.objects.get(user=w.users["manager"])
    admin = Membership.objects.get(user=w.users["admin"])
    e = entry_create(
        tenant=w.tenant,
        membership=manager,
        kind=kind,
        data={"title": title, "occurred_on": dt.date(2025, 6, 6), "field": field},
        officers=[w.officers["d1"]],
    )
    e = entry_submit(tenant=w.tenant, membership=manager, entry=e)
    return entry_verify(tenant=w.tenant, membership=admin, entry=e)


@pytest.fixture
def nw(transactional_db):
    wuhan, yq = build_world("net-wh"), build_world("net-yq")
    province = tenant_create(
        slug="net-hubei",
        name="湖北省科技创新联络员协会",
        preset="hubei",
        admin_username="net-hubei-admin",
        admin_password=PASSWORD,
    )
    prov = Membership.objects.get(user=User.objects.get(username="net-hubei-admin"))
    net = network.network_create(tenant=province, membership=prov, name="湖北省科创联络员网络")
    for w in (wuhan, yq):
        member = network.member_invite(
            tenant=province, membership=prov, network=net, slug=w.tenant.slug
        )
        admin = Membership.objects.get(user=w.users["admin"])
        network.member_accept(tenant=w.tenant, membership=admin, member=member)
    d = _verified(wuhan, "demand", "高端装备企业急需精密减速器技术", "智能制造")
    network.item_publish(
        tenant=wuhan.tenant, membership=Membership.objects.get(user=wuhan.users["admin"]), entry=d
    )
    _verified(wuhan, "achievement", "一种新型锂电池隔膜制备方法", "新能源")
    a = _verified(yq, "achievement", "煤矸石综合利用新工艺", "新材料")
    network.item_publish(
        tenant=yq.tenant, membership=Membership.objects.get(user=yq.users["admin"]), entry=a
    )
    return wuhan, yq


def _fits(page, name: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"


def test_province_page_on_phone_and_desktop(page, nw, artifacts_dir):
    sign_in(page, "net-hubei-admin", PASSWORD)
    page.goto("/t/net-hubei/network/?year=2025")
    rows = page.locator("table.network-figures tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.network-items")).to_contain_text("煤矸石综合利用新工艺")
    text = page.content()
    for name in Officer.objects.values_list("full_name", flat=True):
        assert name not in text
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _fits(page, f"province {width}")
        page.screenshot(path=str(artifacts_dir / f"network-province-{width}.png"), full_page=True)


def test_city_page_publishes_on_phone_and_desktop(page, nw, artifacts_dir):
    sign_in(page, "net-wh-admin", PASSWORD)
    page.goto("/t/net-wh/network/")
    expect(page.get_by_role("heading", name="本单位所在的全省网络")).to_be_visible()
    page.get_by_role("button", name="发布到全省网络").first.click()
    expect(page.locator(".alert-success, .alert")).to_contain_text("已发布到全省网络")
    expect(page.locator("table.network-items")).to_contain_text("煤矸石综合利用新工艺")
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _fits(page, f"city {width}")
        page.screenshot(path=str(artifacts_dir / f"network-city-{width}.png"), full_page=True)
