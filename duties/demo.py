"""Demo duties (``manage.py demo``): a month of plans and reports, agreements,
service days and trainings on the demo tenants, dated from today so the
overdue list and reminders have something to show.

The demo programmes started asking for their duties five weeks ago (a
policy version of that Monday: earlier versions carry none), so the overdue
list shows the last weeks' gaps rather than a year of plans nobody was asked
for. The officers the story below does not follow handed in their plans and
reports on time and had them accepted, except every seventh officer's latest
one, which is missing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Membership, Policy, Tenant
from accounts.services import policy_version_create

from .choices import ReportStatus
from .models import Report
from .selectors import reports_due


def introduce_duties(*, tenant: Tenant, since: dt.date) -> None:
    """The programme's duties bind from ``since``: the versions before carry
    none, a version of that day carries the preset's."""
    first = Policy.objects.for_tenant(tenant).order_by("effective_from", "version").first()
    duties = (first.rules.get("duties") or []) if first else []
    if not duties:
        return
    for policy in Policy.objects.for_tenant(tenant).filter(effective_from__lt=since):
        policy.rules = {**policy.rules, "duties": []}
        policy.save(update_fields=["rules"])
    policy_version_create(
        tenant=tenant,
        effective_from=since,
        changes={"duties": duties},
        by=None,
        note="自本日起按工作规则报送计划与报告",
    )


FILLED_BODY = "按计划开展走访和对接工作。"


def duties_start(*, tenant: Tenant, today: dt.date) -> dt.date:
    """When the demo programme started asking for its duties: the first day
    of last month, or of last quarter where quarterly reports are asked for
    (so that one of each is owed)."""
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rules = Policy.objects.for_tenant(tenant).order_by("-effective_from").first().rules
    if any(d.get("report") == "quarterly_report" for d in rules.get("duties") or []):
        quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        previous = quarter_start - dt.timedelta(days=1)  # the last quarter's last day
        return dt.date(previous.year, (previous.month - 1) // 3 * 3 + 1, 1)
    return last_month


def _fill_the_others(*, tenant: Tenant, today: dt.date, written: set[int]) -> None:
    """Accepted, on-time reports for the officers the story does not follow."""
    admin = (
        Membership.objects.for_tenant(tenant).filter(role="admin").select_related("user").first()
    )
    from roster.models import Officer

    officers = list(Officer.objects.for_tenant(tenant).filter(status="active").order_by("id"))
    due = reports_due(officers=officers, tenant=tenant, on=today - dt.timedelta(days=1))
    latest: dict[int, tuple] = {}
    for row in due:
        latest[row["officer"]] = (row["kind"], row["period"])
    rows = []
    for row in due:
        officer_id = row["officer"]
        if officer_id in written or row["status"] != "missing":
            continue
        if officer_id % 7 == 0 and latest[officer_id] == (row["kind"], row["period"]):
            continue  # every seventh officer's latest is missing
        handed = timezone.make_aware(dt.datetime.combine(row["due_on"], dt.time(9)))
        rows.append(
            Report(
                tenant=tenant,
                officer_id=officer_id,
                kind=row["kind"],
                period=row["period"],
                body=FILLED_BODY,
                due_on=row["due_on"],
                status=ReportStatus.ACCEPTED,
                submitted_at=handed - dt.timedelta(days=1),
                reviewed_at=handed,
                reviewed_by=admin.user if admin else None,
                created_by=admin.user,
            )
        )
    Report.objects.bulk_create(rows)


def load_demo_duties(*, tenant: Tenant, today: dt.date | None = None) -> None:
    from .demo_records import load_demo_records
    from .demo_reports import load_demo_reports

    today = today or timezone.localdate()
    introduce_duties(tenant=tenant, since=duties_start(tenant=tenant, today=today))
    followed = load_demo_reports(tenant=tenant, today=today)
    _fill_the_others(tenant=tenant, today=today, written=followed)
    load_demo_records(tenant=tenant, today=today)
