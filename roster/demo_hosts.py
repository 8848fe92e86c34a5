"""Demo hosts (issue 11): every demo officer serves a host; six city officers
have been at their university since 2023 (the host continued into the new
term), so they are due for rotation; the demo district officer has filed a
host change request the centre has not decided yet."""

from __future__ import annotations

import datetime as dt

from accounts.models import Membership, Tenant

from .hosts import change_request_file, host_assign
from .models import HostAssignment, Officer, Unit


def load_demo_hosts(*, tenant: Tenant) -> None:
    units = list(Unit.objects.for_tenant(tenant).order_by("name"))
    universities = [u for u in units if u.kind in ("university", "research_institute")] or units
    officers = Officer.objects.for_tenant(tenant).filter(status="active").order_by("id")
    for i, officer in enumerate(officers.filter(category="city")):
        host = universities[i % len(universities)]
        if i < 6:  # at this host since the previous term: due for rotation
            HostAssignment.objects.create(
                tenant=tenant, officer=officer, unit=host, start=dt.date(2023, 1, 1)
            )
            officer.host_units.set([host])
        else:
            host_assign(
                tenant=tenant, officer=officer, unit=host, start=officer.term_start, by=None
            )
    for officer in officers.exclude(category="city"):
        local = [u for u in units if u.district_id == officer.district_id] or units
        host_assign(
            tenant=tenant, officer=officer, unit=local[0], start=officer.term_start, by=None
        )
    me = officers.filter(user__username="demo-officer").first()
    if me is not None:
        membership = Membership.objects.get(tenant=tenant, user=me.user)
        others = [u for u in units if u.district_id == me.district_id] or units
        change_request_file(
            membership=membership,
            officer=me,
            kind="host_change",
            reason="原派驻企业已完成技术升级，申请调整到新的园区企业服务。",
            unit=others[-1],
            proposed_on=dt.date(2025, 9, 1),
        )
