"""Demo plans and reports (issue 13), dated from ``today`` so the review
queue, the overdue list and the reminders have something to show.

Wuhan: the city officer with a login (demo-city-officer) wrote the weekly
plans of the last five weeks — three accepted on time, one accepted but
handed in late, one missing — and this week's waits for review; three
officers of demo-officer's district their monthly plans: last month two
accepted and one returned with a reason, this month demo-officer's waiting
for demo-manager, one accepted and one missing. Yangquan: last quarter's reports of the county
manager's commissioners, two accepted and one missing.

Written through the services by the right members (the officer with a login
drafts their own, the centre or the district manager those of the others;
someone else accepts or returns); the times are then set to the days they
were handed in, so "late" is what the dates say."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Membership, Tenant
from accounts.selectors import policy_in_force
from roster.models import Officer
from roster.selectors import officer_list

from . import services
from .choices import ReportStatus
from .models import Report
from .schedule import period_bounds, period_of
from .selectors import report_due_on

WEEKLY_BODY = "本周计划：走访{n}家企业，收集技术需求；参加成果对接会一次；整理上周对接台账。"
MONTHLY_BODY = "本月计划：走访辖区高校院所{n}次，组织一场成果发布会，跟进两项成果转化合同。"
QUARTERLY_BODY = "本季度开展技术服务{n}次，解决企业技术难题两项，举办培训一期。"
RETURN_REASON = "请补充拟走访企业名单和具体时间安排。"


def _member(tenant: Tenant, username: str) -> Membership | None:
    return (
        Membership.objects.for_tenant(tenant)
        .filter(user__username=username, is_active=True)
        .select_related("user", "tenant")
        .first()
    )


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return min(when, timezone.now())


def _write(
    tenant: Tenant,
    *,
    author: Membership,
    reviewer: Membership | None,
    officer: Officer,
    kind: str,
    period: str,
    body: str,
    to: str,
    handed_in: dt.date | None = None,
) -> Report:
    """A report of ``officer`` brought to status ``to``, handed in on
    ``handed_in`` (its due day when not given)."""
    report = services.report_create(
        tenant=tenant, membership=author, officer=officer, kind=kind, period=period, body=body
    )
    if to != ReportStatus.DRAFT:
        services.report_submit(tenant=tenant, membership=author, report=report)
        if to == ReportStatus.ACCEPTED:
            services.report_accept(tenant=tenant, membership=reviewer, report=report)
        elif to == ReportStatus.RETURNED:
            services.report_return(
                tenant=tenant, membership=reviewer, report=report, reason=RETURN_REASON
            )
    handed_in = handed_in or report.due_on
    start, _end = period_bounds(kind, period)
    fields = {"created_at": _at(min(start, report.due_on) - dt.timedelta(days=1), 17)}
    if to != ReportStatus.DRAFT:
        fields.update(submitted_at=_at(handed_in), late=handed_in > report.due_on)
    if to in (ReportStatus.ACCEPTED, ReportStatus.RETURNED):
        fields["reviewed_at"] = _at(handed_in + dt.timedelta(days=1), 10)
    Report.objects.filter(pk=report.pk).update(**fields)
    return report


def _wuhan(tenant: Tenant, today: dt.date) -> set[int]:
    admin, manager = _member(tenant, "demo-admin"), _member(tenant, "demo-manager")
    city, officer = _member(tenant, "demo-city-officer"), _member(tenant, "demo-officer")
    officers = Officer.objects.for_tenant(tenant)
    followed: set[int] = set()
    if city is not None and admin is not None:
        mine = officers.get(user=city.user)
        followed.add(mine.id)
        # weeks back: 5, 4, 3 accepted; 2 accepted but late; 1 missing; 0 waiting
        for back in (5, 4, 3, 2, 0):
            period = period_of("weekly_plan", today - dt.timedelta(weeks=back))
            monday = period_bounds("weekly_plan", period)[0]
            _write(
                tenant,
                author=city,
                reviewer=admin,
                officer=mine,
                kind="weekly_plan",
                period=period,
                body=WEEKLY_BODY.format(n=back + 2),
                to=ReportStatus.SUBMITTED if back == 0 else ReportStatus.ACCEPTED,
                handed_in=monday + dt.timedelta(days=2) if back == 2 else None,
            )
    if officer is None or manager is None or admin is None:
        return followed
    own = officers.get(user=officer.user)
    others = list(
        officers.filter(district=own.district, category="district", status="active")
        .exclude(pk=own.pk)
        .order_by("id")[:2]
    )
    this_month = period_of("monthly_plan", today)
    last_month = period_of(
        "monthly_plan", period_bounds("monthly_plan", this_month)[0] - dt.timedelta(days=1)
    )
    plans = [
        (own, officer, last_month, ReportStatus.ACCEPTED),
        (others[0], admin, last_month, ReportStatus.ACCEPTED),
        (others[1], admin, last_month, ReportStatus.RETURNED),
        (own, officer, this_month, ReportStatus.SUBMITTED),
        (others[0], admin, this_month, ReportStatus.ACCEPTED),
    ]
    rules = policy_in_force(tenant=tenant, on=today).rules
    for n, (who, author, period, to) in enumerate(plans):
        due = report_due_on(rules, "monthly_plan", period, who)
        _write(
            tenant,
            author=author,
            reviewer=manager,
            officer=who,
            kind="monthly_plan",
            period=period,
            body=MONTHLY_BODY.format(n=n + 2),
            to=to,
            handed_in=min(due - dt.timedelta(days=2), today),
        )
    return followed | {own.id, *(o.id for o in others)}


def _yangquan(tenant: Tenant, today: dt.date) -> set[int]:
    admin, manager = _member(tenant, "demo-yq-admin"), _member(tenant, "demo-yq-manager")
    if admin is None or manager is None:
        return set()
    start, _end = period_bounds("quarterly_report", period_of("quarterly_report", today))
    period = period_of("quarterly_report", start - dt.timedelta(days=1))
    q_start, q_end = period_bounds("quarterly_report", period)
    officers = Officer.objects.for_tenant(tenant).filter(
        status="active", term_start__lte=q_end, term_end__gte=q_start
    )
    reach = list(
        officers.filter(id__in=officer_list(membership=manager).values("id")).order_by("id")
    )
    # the county manager drafts for their commissioners, the centre accepts;
    # the last one's report is missing
    for n, officer in enumerate(reach[:2]):
        _write(
            tenant,
            author=manager,
            reviewer=admin,
            officer=officer,
            kind="quarterly_report",
            period=period,
            body=QUARTERLY_BODY.format(n=n + 3),
            to=ReportStatus.ACCEPTED,
            handed_in=min(q_end + dt.timedelta(days=5), today),
        )
    return {o.id for o in reach}


def load_demo_reports(*, tenant: Tenant, today: dt.date) -> set[int]:
    """The plans and reports of the story; answers the officers it follows."""
    if tenant.slug == "wuhan-demo":
        return _wuhan(tenant, today)
    if tenant.slug == "yangquan-demo":
        return _yangquan(tenant, today)
    return set()
