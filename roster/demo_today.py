"""Demo journeys that finish today (issue 14 item 8), dated from the day the
demo is loaded: a round whose public notice has ended (the centre appoints
today), a public objection waiting for the centre's answer on the running
notice and a nomination waiting at the demo reviewer's step (the entries of
the day are ``ledgers.demo.load_demo_review_today``). Everything goes
through the services, so each step writes its history and sends its real
notification (``accounts.notifications.announce``, after commit)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Membership, Tenant

from . import workflow
from .models import Nomination, Notice, Unit

#: Verified by the centre, on a notice that ended before today.
WAITING = [
    ("许明轩", "male", "高级工程师", "master", "senior"),
    ("何静怡", "female", "副研究员", "doctorate", "senior"),
]
#: Nominated by the district manager, at the unit reviewer's step.
AT_REVIEWER = ("罗嘉欣", "female", "工程师", "master", "intermediate")
OBJECTION_REASON = "该同志的工作简历与实际任职经历不符，请核实。"


def _data(person, unit: Unit, mobile: str, born: dt.date) -> dict:
    name, gender, title, degree, level = person
    return {
        "full_name": name,
        "gender": gender,
        "title": title,
        "degree": degree,
        "title_level": level,
        "unit": unit,
        "position": "技术转移专员",
        "mobile": mobile,
        "email": "",
        "birth_date": born,
        "cv": "长期从事科技成果转化与企业技术服务工作，熟悉技术合同登记与成果评价。",
    }


def load_demo_selection_today(*, tenant: Tenant, today: dt.date | None = None) -> None:
    """Load the selection journeys of the day (after
    :func:`roster.demo.load_demo_selection`, whose notice runs)."""
    today = today or timezone.localdate()
    members = {
        m.user.username: m
        for m in Membership.objects.for_tenant(tenant).select_related("user", "tenant")
    }
    admin, manager, reviewer = (
        members["demo-admin"],
        members["demo-manager"],
        members["demo-reviewer"],
    )
    unit = Unit.objects.for_tenant(tenant).get(name="洪山区科技成果转化中试基地")

    # a. this year's round: two nominees through every review, on a notice of
    # five working days that ended yesterday, no objection: appointable today
    ended = workflow.round_create(
        membership=admin,
        year=today.year,
        category="district",
        seats=2,
        title=f"{today.year}年度区派联络员补选",
    )
    for i, person in enumerate(WAITING):
        nomination = workflow.nomination_create(
            membership=reviewer,
            round=ended,
            data=_data(person, unit, f"1365550{i:04d}", dt.date(1986 + i, 3, 1)),
        )
        for actor in (reviewer, reviewer, manager, admin):
            workflow.nomination_advance(
                membership=actor,
                nomination=nomination,
                comment={reviewer: "", manager: "同意"}.get(
                    actor, "分管领导审定：武科转〔2026〕5号"
                ),
            )
    end = today - dt.timedelta(days=1)
    start = end - dt.timedelta(days=6)
    workflow.notice_publish(membership=admin, round=ended, start=start, end=end)

    # b. an objection from the public on the notice that runs (next year's round)
    running = Notice.objects.for_tenant(tenant).filter(end__gte=today).order_by("id").first()
    nominee = Nomination.objects.filter(notice=running).order_by("id").first()
    workflow.objection_file(
        tenant=tenant,
        notice=running,
        nomination=nominee,
        name="",
        contact="13900001234",
        reason=OBJECTION_REASON,
        today=today,
    )

    # d. the manager nominates in their district: the unit reviewer is told
    nomination = workflow.nomination_create(
        membership=manager,
        round=running.round,
        data=_data(AT_REVIEWER, unit, "13655509999", dt.date(1990, 6, 1)),
    )
    workflow.nomination_advance(membership=manager, nomination=nomination)
