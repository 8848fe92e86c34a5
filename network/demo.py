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
        for kind in ("demand", "achievement"):
            for entry in publishable_entries(tenant=city).filter(kind=kind)[:PUBLISHED_PER_KIND]:
                services.item_publish(tenant=city, membership=city_admin, entry=entry)
    return province
