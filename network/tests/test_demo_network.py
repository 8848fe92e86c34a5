"""The demo's province network: hubei-demo links the two demo cities, each
publishing its latest verified demands and achievements; loading twice
changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Membership, Tenant, User
from ledgers.models import Entry
from ledgers.services import entry_create, entry_submit, entry_verify
from network.demo import load_demo_network
from network.models import NetworkMember, PublishedItem
from tests.world import build_world

pytestmark = pytest.mark.django_db


def _verified(w, kind, n):
    manager = Membership.objects.get(user=w.users["manager"])
    admin = Membership.objects.get(user=w.users["admin"])
    for i in range(n):
        e = entry_create(
            tenant=w.tenant,
            membership=manager,
            kind=kind,
            data={"title": f"{kind} {i}", "occurred_on": dt.date(2025, 5, 1 + i)},
            officers=[w.officers["d1"]],
        )
        entry_submit(tenant=w.tenant, membership=manager, entry=e)
        entry_verify(tenant=w.tenant, membership=admin, entry=e)


def test_demo_network_links_both_cities_once():
    wuhan, yangquan = build_world("wuhan-demo"), build_world("yangquan-demo")
    _verified(wuhan, "demand", 4)
    _verified(wuhan, "achievement", 1)
    _verified(yangquan, "demand", 2)
    province = load_demo_network(password="Demo-pass-2026")
    assert province.slug == "hubei-demo"
    assert User.objects.get(username="demo-hubei-admin").check_password("Demo-pass-2026")
    assert sorted(
        NetworkMember.objects.filter(status="active").values_list("tenant__slug", flat=True)
    ) == ["wuhan-demo", "yangquan-demo"]
    published = {
        (slug, kind): n
        for slug, kind, n in [
            (t, k, PublishedItem.objects.filter(tenant__slug=t, entry__kind=k).count())
            for t in ("wuhan-demo", "yangquan-demo")
            for k in ("demand", "achievement")
        ]
    }
    assert published == {
        ("wuhan-demo", "demand"): 3,
        ("wuhan-demo", "achievement"): 1,
        ("yangquan-demo", "demand"): 2,
        ("yangquan-demo", "achievement"): 0,
    }
    assert load_demo_network(password="Demo-pass-2026") is None
    assert Tenant.objects.filter(slug="hubei-demo").count() == 1
    assert PublishedItem.objects.count() == 6


def test_a_city_without_ledger_entries_logs_a_few_and_matching_spans_the_network(
    django_capture_on_commit_callbacks,
):
    """yangquan-demo has no ledger: the network demo logs its five entries
    (four eyes: the manager logs, the admin verifies), publishes them, and
    its fibre-sensing need is matched to Wuhan's published fibre-sensing
    achievement across the network."""
    from matching.models import NetworkMatch

    wuhan, yangquan = build_world("wuhan-demo"), build_world("yangquan-demo")
    manager = Membership.objects.get(user=wuhan.users["manager"])
    admin = Membership.objects.get(user=wuhan.users["admin"])
    fibre = entry_create(
        tenant=wuhan.tenant,
        membership=manager,
        kind="achievement",
        data={
            "title": "光纤传感健康监测装置",
            "occurred_on": dt.date(2025, 5, 1),
            "field": "光电子信息",
            "summary": "光纤传感监测装置，用于结构变形长期在线监测，已完成中试。",
        },
        officers=[wuhan.officers["d1"]],
    )
    entry_submit(tenant=wuhan.tenant, membership=manager, entry=fibre)
    entry_verify(tenant=wuhan.tenant, membership=admin, entry=fibre)
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_network(password="Demo-pass-2026")
    seeded = Entry.objects.filter(tenant=yangquan.tenant, status="verified").order_by("occurred_on")
    assert [(e.kind, e.title, e.created_by.username) for e in seeded][:2] == [
        ("demand", "矿井巷道变形光纤在线监测", "yangquan-demo-manager"),
        ("demand", "玉米秸秆饲料化与还田利用", "yangquan-demo-manager"),
    ]
    assert seeded.count() == 5
    assert PublishedItem.objects.filter(tenant=yangquan.tenant).count() == 5
    fibre_item = PublishedItem.objects.get(entry=fibre)
    need = seeded.get(title="矿井巷道变形光纤在线监测")
    assert NetworkMatch.objects.filter(
        tenant=yangquan.tenant, entry=need, published=fibre_item
    ).exists()
