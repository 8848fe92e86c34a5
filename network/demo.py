"""The demo's province network (issue 15 item 4): the Hubei association's
tenant ``hubei-demo`` links the two demo city programmes, which opted in,
and each has published a few verified demands and achievements."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.choices import Role
from accounts.models import Membership, Tenant
from accounts.services import tenant_create

from . import services
from .selectors import publishable_entries

PROVINCE_SLUG = "hubei-demo"
PROVINCE_ADMIN = "demo-hubei-admin"
CITY_SLUGS = ("wuhan-demo", "yangquan-demo")
#: Verified demands and achievements each city publishes (the latest ones).
PUBLISHED_PER_KIND = 3


def _admin(tenant: Tenant) -> Membership:
    return (
        Membership.objects.filter(tenant=tenant, role=Role.ADMIN, is_active=True)
        .order_by("id")
        .first()
    )


#: What a city without ledger entries (yangquan-demo) logs, so that the
#: network's matching has both sides: its needs suit what Wuhan publishes,
#: its achievements suit Wuhan's published needs.
SEED_ENTRIES = (
    (
        "demand",
        "矿井巷道变形光纤在线监测",
        "光电子信息",
        "需要对井下巷道和边坡变形进行长期在线监测，希望引入光纤传感监测装置。",
    ),
    (
        "demand",
        "玉米秸秆饲料化与还田利用",
        "现代农业",
        "合作社每年产生大量玉米秸秆，希望找到秸秆综合利用技术，降低焚烧。",
    ),
    (
        "demand",
        "旧桥裂缝与缺陷自动巡检",
        "人工智能",
        "县域公路桥梁多，人工巡检慢，需要桥梁缺陷智能识别算法和巡检设备。",
    ),
    (
        "achievement",
        "煤化工高盐废水深度处理工艺",
        "节能环保",
        "高盐废水膜浓缩与蒸发结晶组合工艺，已在焦化企业完成中试，出水回用。",
    ),
    (
        "achievement",
        "基于机器视觉的产线自动化分拣系统",
        "智能制造",
        "工业相机与机械臂协同分拣，适用于产线自动化改造，已完成样机。",
    ),
)


def _seed_ledger(city: Tenant, admin: Membership) -> None:
    """A few verified demands and achievements of a city programme, logged
    by its district manager for one of their officers and verified by its
    admin (four eyes), through the ledger's services."""
    from ledgers.services import entry_create, entry_submit, entry_verify
    from roster.models import Officer
    from roster.selectors import districts_in_reach

    manager = (
        Membership.objects.filter(tenant=city, role=Role.DISTRICT_MANAGER, is_active=True)
        .order_by("id")
        .first()
    )
    if manager is None:
        return
    officer = (
        Officer.objects.for_tenant(city)
        .filter(district__in=districts_in_reach(membership=manager), status="active")
        .order_by("id")
        .first()
    )
    if officer is None:
        return
    for n, (kind, title, field, summary) in enumerate(SEED_ENTRIES):
        data = {
            "title": title,
            "occurred_on": dt.date(2026, 3, 2 + n),
            "field": field,
            "summary": summary,
        }
        if kind == "achievement":
            data["maturity"] = "pilot"
        entry = entry_create(
            tenant=city, membership=manager, kind=kind, data=data, officers=[officer]
        )
        entry_submit(tenant=city, membership=manager, entry=entry)
        entry_verify(tenant=city, membership=admin, entry=entry)


@transaction.atomic
def load_demo_network(*, password: str) -> Tenant | None:
    """Idempotent: does nothing when ``hubei-demo`` exists or a city is missing."""
    cities = list(Tenant.objects.filter(slug__in=CITY_SLUGS).order_by("slug"))
    if Tenant.objects.filter(slug=PROVINCE_SLUG).exists() or len(cities) != len(CITY_SLUGS):
        return None
    province = tenant_create(
        slug=PROVINCE_SLUG,
        name="湖北省科技创新联络员协会（演示）",
        preset="hubei",
        admin_username=PROVINCE_ADMIN,
        admin_password=password,
        effective_from=dt.date(2024, 1, 1),
    )
    admin = _admin(province)
    network = services.network_create(
        tenant=province, membership=admin, name="湖北省科创联络员网络"
    )
    for city in cities:
        member = services.member_invite(
            tenant=province, membership=admin, network=network, slug=city.slug
        )
        city_admin = _admin(city)
        services.member_accept(tenant=city, membership=city_admin, member=member)
        if not publishable_entries(tenant=city).exists():
            _seed_ledger(city, city_admin)
        for kind in ("demand", "achievement"):
            for entry in publishable_entries(tenant=city).filter(kind=kind)[:PUBLISHED_PER_KIND]:
                services.item_publish(tenant=city, membership=city_admin, entry=entry)
    return province
