"""The Yangquan demo programme's roster and selection (issue 11): officers
serving their hosts (服务对象, 第十三条（四）), a county manager's pending host
change, an open round with nominations at every stage of Yangquan's chain
(a self-application draft among them, 第十四条（三）自荐), and a round whose
notice has ended with more verified nominees than seats, waiting for the
centre to choose whom to appoint; and the last full year (2025) of ten
commissioners with its assessment draft (``assessment.demo``)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from accounts.choices import Role
from accounts.models import Membership, Tenant

from . import services as roster
from . import workflow
from .hosts import change_request_file, host_assign
from .models import District, SelectionRound, Unit

#: A commissioner's agreement runs one year (第十四条（五）).
TERM = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
COUNTIES = [("chengqu", "城区"), ("jiaoqu", "郊区"), ("yuxian", "盂县")]
#: Hosts (服务对象) per county: enterprises, parks and co-operatives.
HOSTS = {
    "chengqu": [("阳泉经济技术开发区", "park")],
    "jiaoqu": [("郊区设施农业专业合作社", "enterprise")],
    "yuxian": [("盂县农业科技示范园", "park"), ("盂县恒达新材料有限公司", "enterprise")],
}
#: The demo's logins besides the admin: (key, username, role, name).
LOGINS = [
    ("reviewer", "demo-yq-reviewer", Role.UNIT_REVIEWER, "阳泉学院科研处"),
    ("manager", "demo-yq-manager", Role.DISTRICT_MANAGER, "盂县科技局管理员"),
]
#: The open round: (name, degree, how far along Yangquan's chain, nominated by)
OPEN_ROUND = [
    ("赵文静", "master", "draft", "self"),  # 自荐 through the public form
    ("马晓军", "master", "submitted", "reviewer"),
    ("李红梅", "doctorate", "submitted", "manager"),  # the county's recommendation
    ("王建平", "master", "unit_endorsed", "reviewer"),
    ("刘雅婷", "doctorate", "centre_verified", "reviewer"),
]
#: The round waiting for appointment: 3 verified on an ended notice, 2 seats.
APPOINTMENT_ROUND = ["陈国栋", "杨帆", "许婷"]
NOTICE = (dt.date(2026, 11, 2), dt.date(2026, 11, 6))


def load_demo_yangquan(
    *, tenant: Tenant, rng: random.Random, password: str, name: Callable[[random.Random], str]
) -> None:
    """Counties, hosts, officers, a county manager, the change request and
    the two rounds; ``name`` draws a person's name."""
    college = roster.unit_create(
        tenant=tenant, name="太原理工大学阳泉学院", kind="university", district=None
    )
    institute = roster.unit_create(
        tenant=tenant, name="阳泉市农业科学研究所", kind="research_institute", district=None
    )
    districts, hosts, officers = {}, {}, []
    for code, county in COUNTIES:
        districts[code] = roster.district_create(tenant=tenant, code=code, name=county)
        hosts[code] = [
            roster.unit_create(tenant=tenant, name=host, kind=kind, district=districts[code])
            for host, kind in HOSTS[code]
        ]
        for i in range(3):
            officer = roster.officer_create(
                tenant=tenant,
                full_name=name(rng),
                category="commissioner",
                district=districts[code],
                unit=institute if i % 2 else college,
                term_start=TERM[0],
                term_end=TERM[1],
            )
            host_assign(tenant=tenant, officer=officer, unit=hosts[code][0], start=TERM[0], by=None)
            officers.append(officer)
    reach = {"reviewer": {"units": [college]}, "manager": {"districts": [districts["yuxian"]]}}
    members = {
        key: roster.member_create(
            tenant=tenant,
            username=username,
            password=password,
            role=role,
            full_name=full_name,
            **reach[key],
        )
        for key, username, role, full_name in LOGINS
    }
    members["admin"] = Membership.objects.get(tenant=tenant, user__username="demo-yq-admin")
    # the county asks to move one of its commissioners to a new host
    county_officer = next(o for o in officers if o.district.code == "yuxian")
    change_request_file(
        membership=members["manager"],
        officer=county_officer,
        kind="host_change",
        reason="示范园项目已结题，企业新上光伏材料生产线，急需技术服务。",
        unit=hosts["yuxian"][1],
        proposed_on=dt.date(2026, 12, 1),
    )
    _open_round(tenant, rng, members, college, districts["yuxian"])
    _appointment_round(tenant, rng, members, college)
    # issue 12: the last full year's commissioners and their assessment draft
    from assessment.demo import load_demo_assessment

    load_demo_assessment(
        tenant=tenant,
        members=members,
        districts=districts,
        hosts=hosts,
        units=[college, institute],
    )


def _data(rng: random.Random, name: str, degree: str, unit: Unit, **extra) -> dict:
    return {
        "full_name": name,
        "gender": rng.choice(["male", "female"]),
        "birth_date": dt.date(rng.randint(1975, 1992), rng.randint(1, 12), 1),
        "degree": degree,
        "title_level": "intermediate",
        "unit": unit,
        "mobile": f"135{rng.randrange(10**8):08d}",
        "cv": "长期从事农业技术推广与企业技术服务工作。",
        **extra,
    }


def _walk(nomination, members: dict, to: str) -> None:
    """Take the nomination along Yangquan's chain up to stage ``to``."""
    steps = [
        ("submitted", members["reviewer" if nomination.nominated_by_id is None else "by"]),
        ("unit_endorsed", members["reviewer"]),
        ("centre_verified", members["admin"]),
    ]
    for stage, member in steps:
        if nomination.stage == to:
            return
        nomination = workflow.nomination_advance(
            membership=member, nomination=nomination, comment="" if stage == "submitted" else "同意"
        )


def _open_round(tenant, rng, members: dict, college: Unit, county: District) -> SelectionRound:
    selection = workflow.round_create(
        membership=members["admin"], year=2027, category="commissioner", seats=10
    )
    for name, degree, stage, by in OPEN_ROUND:
        if by == "self":
            nomination = workflow.application_create(
                tenant=tenant, round=selection, data=_data(rng, name, degree, college)
            )
        else:
            extra = {"district": county} if by == "manager" else {}
            nomination = workflow.nomination_create(
                membership=members[by],
                round=selection,
                data=_data(rng, name, degree, college, **extra),
            )
        _walk(nomination, {**members, "by": members.get(by)}, stage)
    return selection


def _appointment_round(tenant, rng, members: dict, college: Unit) -> SelectionRound:
    selection = workflow.round_create(
        membership=members["admin"],
        year=2026,
        category="commissioner",
        seats=2,
        title="2026年度科技特派员补充选派",
    )
    for name in APPOINTMENT_ROUND:
        nomination = workflow.nomination_create(
            membership=members["reviewer"],
            round=selection,
            data=_data(rng, name, "master", college),
        )
        _walk(nomination, {**members, "by": members["reviewer"]}, "centre_verified")
    workflow.notice_publish(
        membership=members["admin"], round=selection, start=NOTICE[0], end=NOTICE[1]
    )
    return selection
