"""A running selection round for the demo tenant: nominations at every
review stage of the wuhan district chain, and an open public notice."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import Membership, Tenant

from . import workflow
from .models import Unit

PEOPLE = [
    ("陈思远", "male", "高级工程师", "master", "senior"),
    ("林晓雯", "female", "副研究员", "doctorate", "senior"),
    ("周海峰", "male", "工程师", "bachelor", "intermediate"),
    ("黄丽娜", "female", "经济师", "master", "intermediate"),
    ("吴建国", "male", "高级经济师", "bachelor", "senior"),
    ("郑雅琴", "female", "助理研究员", "master", "junior"),
    ("王志宏", "male", "副教授", "doctorate", "senior"),
]


def load_demo_selection(*, tenant: Tenant, rng: random.Random) -> None:
    members = {
        m.user.username: m
        for m in Membership.objects.for_tenant(tenant).select_related("user", "tenant")
    }
    admin, manager, reviewer = (
        members["demo-admin"],
        members["demo-manager"],
        members["demo-reviewer"],
    )
    year = timezone.localdate().year + 1
    selection = workflow.round_create(
        membership=admin, year=year, category="district", seats=6, title=f"{year}年度区派联络员增选"
    )
    unit = Unit.objects.for_tenant(tenant).get(name="洪山区科技成果转化中试基地")
    # how many steps each nominee has gone: 0 draft, 1 submitted, 2 endorsed by the
    # unit, 3 recommended by the district, 4 verified by the centre (then on notice)
    reached = [0, 1, 2, 3, 4, 4, 4]
    actors = [reviewer, reviewer, manager, admin]
    for (name, gender, title, degree, level), reach in zip(PEOPLE, reached, strict=True):
        nomination = workflow.nomination_create(
            membership=reviewer,
            round=selection,
            data={
                "full_name": name,
                "gender": gender,
                "title": title,
                "degree": degree,
                "title_level": level,
                "unit": unit,
                "position": "技术转移专员",
                "mobile": f"137{rng.randrange(10**8):08d}",
                "email": "",
                "birth_date": dt.date(rng.randint(1978, 1995), rng.randint(1, 12), 1),
                "cv": "长期从事科技成果转化与企业技术服务工作。",
            },
        )
        for actor in actors[:reach]:
            workflow.nomination_advance(
                membership=actor,
                nomination=nomination,
                # the centre's step records the deputy director's approval (第七条（二）4)
                comment={reviewer: "", manager: "同意"}.get(
                    actor, "分管领导审定：武科转〔2026〕3号"
                ),
            )
    workflow.notice_publish(membership=admin, round=selection)
