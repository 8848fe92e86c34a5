"""Monthly quota reports: feeding the quota engine from the ledger, and
building (idempotently) a tenant's report for a month."""

from __future__ import annotations

import datetime as dt
import math
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Tenant, User
from accounts.selectors import policy_in_force
from ledgers.models import Credit
from roster.models import Officer
from roster.selectors import officers_appointed, terms_served

from . import engine
from .engine import exact_text, two_decimals
from .engine.quotas import PERIOD_MONTHS
from .models import QuotaReport

MONTH = re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$")


def check_month(month: str) -> str:
    if not isinstance(month, str) or not MONTH.match(month):
        raise ValidationError({"month": _("Give a month as 2026-03.")})
    return month


def previous_month(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year}-{first.month:02d}"


def quota_rows(*, tenant: Tenant, month: str) -> tuple[int, list[dict]]:
    """The policy version used and the report's rows for the month."""
    start, end = engine.month_bounds(check_month(month))
    policy = policy_in_force(tenant=tenant, on=end)
    quotas = engine.Quota.from_policy(policy.rules.get("quotas", []))
    officers = {
        o.id: o
        for o in officers_appointed(tenant=tenant, start=start, end=end).select_related("district")
    }
    terms = terms_served(officers=list(officers.values()))
    facts = [
        engine.QuotaOfficer(
            id=o.id,
            category=o.category,
            district=o.district.code if o.district_id else None,
            term_start=o.term_start,
            term_end=min(o.term_end, o.disqualified_on or o.term_end),
            earlier_terms=tuple(terms[o.id][:-1]),
        )
        for o in officers.values()
    ]
    credits = Credit.objects.filter(
        entry__tenant=tenant,
        entry__status__in=["submitted", "verified"],
        entry__occurred_on__range=(dt.date(start.year, 1, 1), end),
        officer_id__in=officers,
    ).values_list(
        "officer_id",
        "entry_id",
        "entry__kind",
        "entry__occurred_on",
        "entry__status",
        "entry__is_valid",
    )
    entries = [
        engine.QuotaEntry(
            officer=o, entry=e, kind=k, occurred_on=d, verified=s == "verified", valid=v
        )
        for o, e, k, d, s, v in credits.iterator(chunk_size=5000)
    ]
    rows = engine.officer_rows(month, quotas, facts, entries) + engine.district_rows(
        month, quotas, facts, entries
    )
    duties = duty_columns(
        tenant=tenant, rules=policy.rules, officers=list(officers.values()), start=start, end=end
    )
    return policy.version, [
        _render(row, officers) | duties.get(row.officer, NO_DUTIES) for row in rows
    ]


#: the duty columns of a district's row (the duties are the officers')
NO_DUTIES = {"reports_due": None, "reports_late": None, "service_days": None}


def duty_columns(
    *, tenant: Tenant, rules: dict, officers: list[Officer], start: dt.date, end: dt.date
) -> dict[int, dict]:
    """Officer id → the month's duties beside the quotas (issue 13):
    ``reports_due`` (plans and reports the policy's duties make due in the
    month), ``reports_late`` (of those, the ones whose day has passed and
    that were not handed in by it, or were returned since) and
    ``service_days`` (days on site in the month)."""
    from duties.choices import DutyKind, ReportStatus
    from duties.models import Report
    from duties.schedule import periods_due
    from duties.selectors import binds, duties_of, service_day_totals

    today = timezone.localdate()
    days = service_day_totals(
        tenant=tenant, officers=[o.id for o in officers], start=start, end=end
    )
    on_time = set(
        Report.objects.for_tenant(tenant)
        .filter(
            officer__in=[o.id for o in officers],
            due_on__range=(start, end),
            late=False,
            status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
        )
        .values_list("officer_id", "kind", "period")
    )
    out = {}
    for officer in officers:
        due = [
            (duty["report"], period, day)
            for duty in duties_of(rules, DutyKind.REPORT)
            if binds(duty, officer)
            for period, day in periods_due(
                duty["report"],
                duty["due_offset_days"],
                since=start,
                until=end,
                active=(officer.term_start, officer.term_end),
            )
        ]
        out[officer.id] = {
            "reports_due": len(due),
            "reports_late": sum(
                day < today and (officer.id, kind, period) not in on_time
                for kind, period, day in due
            ),
            "service_days": days[officer.id],
        }
    return out


def _render(row: engine.QuotaRow, officers: dict[int, Officer]) -> dict:
    officer = officers.get(row.officer) if row.officer else None
    return {
        "subject": row.subject,
        "officer": row.officer,
        "full_name": officer.full_name if officer else "",
        "category": officer.category if officer else "",
        "district": row.district,
        "quota": row.quota,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "required": two_decimals(row.required).removesuffix(".00"),
        "required_exact": exact_text(row.required),
        "counted": row.counted,
        "verified": row.verified,
        "met": row.met,
    }


def quota_report_build(*, tenant: Tenant, month: str, by: User | None = None) -> QuotaReport:
    """Build (or rebuild, replacing) the month's report in one transaction;
    safe to run twice or at once: one report per tenant and month."""
    version, rows = quota_rows(tenant=tenant, month=month)
    defaults = {
        "generated_at": timezone.now(),
        "generated_by": by,
        "policy_version": version,
        "rows": rows,
    }
    for _attempt in range(2):
        try:
            with transaction.atomic():
                report, _created = QuotaReport.objects.update_or_create(
                    tenant=tenant, month=month, defaults=defaults
                )
                return report
        except IntegrityError:  # a concurrent build created it first: replace that one
            continue
    raise IntegrityError(f"quota report {tenant.slug} {month}")


def notify_shortfalls(*, report: QuotaReport) -> int:
    """Tell each district manager how many of their officers are behind, and
    the centre about city officers and districts; once per month and person."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from accounts.choices import NotificationKind, Role
    from accounts.models import Membership
    from accounts.notifications import announce_now, webhook_enqueue
    from roster.selectors import districts_in_reach

    tenant = report.tenant
    behind = [r for r in report.rows if not r["met"]]
    link = reverse("quota-detail", kwargs={"tenant_slug": tenant.slug, "pk": report.pk})
    link = f"{link}?status=behind"
    sent = 0
    for member in (
        Membership.objects.for_tenant(tenant)
        .filter(is_active=True, role__in=[Role.ADMIN, Role.DISTRICT_MANAGER])
        .select_related("user", "tenant")
    ):
        if member.role == Role.ADMIN:
            mine = [r for r in behind if r["category"] == "city" or r["officer"] is None]
        else:
            codes = set(districts_in_reach(membership=member).values_list("code", flat=True))
            mine = [r for r in behind if r["district"] in codes]
        if mine:
            sent += announce_now(
                tenant=tenant,
                users=[member.user],
                key=f"quota:{report.month}",
                kind=NotificationKind.REMINDER,
                message=_shortfall_message(report.month, mine),
                link=link,
                webhook=False,
            )
    if sent:  # the bureau's group hears of the whole month once
        with translation.override(settings.LANGUAGE_CODE):
            title, body = _shortfall_message(report.month, behind)()
        webhook_enqueue(
            tenant=tenant, kind=NotificationKind.REMINDER, title=title, body=body, link=link
        )
    return sent


def _shortfall_message(month: str, rows: list[dict]):
    people = len({r["officer"] for r in rows if r["officer"]})

    def message() -> tuple[str, str]:
        return (
            _("%(month)s quotas: %(n)d officers behind") % {"month": month, "n": people},
            _("%(rows)d quota rows are behind; open the report for details.") % {"rows": len(rows)},
        )

    return message


def officer_progress(*, officer: Officer, month: str) -> list[dict]:
    """One officer's quotas this month, live: counted to date against the
    expectation to date, and what is still needed."""
    start, end = engine.month_bounds(check_month(month))
    policy = policy_in_force(tenant=officer.tenant, on=end)
    quotas = engine.Quota.from_policy(policy.rules.get("quotas", []))
    fact = engine.QuotaOfficer(
        id=officer.id,
        category=officer.category,
        district=officer.district.code if officer.district_id else None,
        term_start=officer.term_start,
        term_end=officer.term_end,
        earlier_terms=tuple(terms_served(officers=[officer])[officer.id][:-1]),
    )
    credits = Credit.objects.filter(
        officer=officer,
        entry__status__in=["submitted", "verified"],
        entry__occurred_on__range=(dt.date(start.year, 1, 1), end),
    ).values_list(
        "entry_id", "entry__kind", "entry__occurred_on", "entry__status", "entry__is_valid"
    )
    entries = [
        engine.QuotaEntry(
            officer=officer.id, entry=e, kind=k, occurred_on=d, verified=s == "verified", valid=v
        )
        for e, k, d, s, v in credits
    ]
    by_code = {q.code: q for q in quotas}
    rows = []
    for row in engine.officer_rows(month, quotas, [fact], entries):
        # counts are whole: "met" (counted >= required) is counted >= the
        # expectation rounded up, so the page shows whole entries
        expected = math.ceil(row.required)
        quota = by_code[row.quota]
        period_months = PERIOD_MONTHS[quota.period]
        rows.append(
            {
                "quota": row.quota,
                "counted": row.counted,
                "verified": row.verified,
                "required": two_decimals(row.required).removesuffix(".00"),
                "expected": expected,
                "needed": max(0, expected - row.counted),
                "met": row.met,
                # the pro-rating: count per period x months served / months of the period
                "per_period": quota.count,
                "period": quota.period,
                "served": (
                    int(row.required * period_months / quota.count)
                    if quota.count and quota.period != "month"
                    else None
                ),
                "period_months": period_months,
            }
        )
    return rows


def quota_year(
    *, tenant: Tenant, year: int, officers: list[Officer], today: dt.date
) -> dict[int, tuple[int, int]]:
    """Officer id → (quota rows met, quota rows) of ``year``'s months ended
    by ``today``: each month's officer rows (one per quota of the officer's
    category, to date and pro-rated as in the monthly report, under the
    policy in force at the month's end). An officer with no rows: (0, 0)."""
    months = [m for m in range(1, 13) if engine.month_bounds(f"{year}-{m:02d}")[1] < today]
    out = {o.id: (0, 0) for o in officers}
    if not months or not officers:
        return out
    terms = terms_served(officers=officers)
    facts = [
        engine.QuotaOfficer(
            id=o.id,
            category=o.category,
            district=o.district.code if o.district_id else None,
            term_start=o.term_start,
            term_end=min(o.term_end, o.disqualified_on or o.term_end),
            earlier_terms=tuple(terms[o.id][:-1]),
        )
        for o in officers
    ]
    entries = [
        engine.QuotaEntry(
            officer=o, entry=e, kind=k, occurred_on=d, verified=s == "verified", valid=v
        )
        for o, e, k, d, s, v in Credit.objects.filter(
            entry__tenant=tenant,
            entry__status__in=["submitted", "verified"],
            entry__occurred_on__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            officer_id__in=[o.id for o in officers],
        ).values_list(
            "officer_id",
            "entry_id",
            "entry__kind",
            "entry__occurred_on",
            "entry__status",
            "entry__is_valid",
        )
    ]
    met: dict[int, list[int]] = {o.id: [0, 0] for o in officers}
    for m in months:
        month = f"{year}-{m:02d}"
        end = engine.month_bounds(month)[1]
        quotas = engine.Quota.from_policy(
            policy_in_force(tenant=tenant, on=end).rules.get("quotas", [])
        )
        for row in engine.officer_rows(month, quotas, facts, entries):
            met[row.officer][0] += row.met
            met[row.officer][1] += 1
    return {officer_id: (a, b) for officer_id, (a, b) in met.items()}
