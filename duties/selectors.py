"""Reading the duties: what the policy asks of whom, what is due, the yearly
totals the assessment, the quota reports and the officer's file count."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

from django.db.models import Q, QuerySet

from accounts.choices import Role
from accounts.models import Membership, Policy, Tenant
from accounts.selectors import policy_in_force
from roster.models import Officer
from roster.selectors import officer_list

from .choices import DueStatus, DutyKind, ReportStatus
from .models import Agreement, Report, ServiceDay, Training
from .schedule import due_on, periods_due

# --- the policy's duties ---------------------------------------------------------------


def duties_of(rules: dict, kind: str) -> list[dict]:
    """The policy's duties of ``kind`` (``report``, ``agreement``, …)."""
    return [d for d in rules.get("duties") or [] if d.get("kind") == kind]


def binds(duty: dict, officer: Officer) -> bool:
    """Whether ``duty`` binds ``officer`` (its categories; none: everyone)."""
    categories = duty.get("categories") or []
    return not categories or officer.category in categories


def report_duty(rules: dict, kind: str, officer: Officer | None = None) -> dict | None:
    """The policy's duty asking for reports of ``kind`` (of ``officer``)."""
    for duty in duties_of(rules, DutyKind.REPORT):
        if duty.get("report") == kind and (officer is None or binds(duty, officer)):
            return duty
    return None


def report_due_on(rules: dict, kind: str, period: str, officer: Officer) -> dt.date:
    """When ``officer``'s report of ``kind`` for ``period`` is due: the
    policy's offset, or the period's own start (plans) or the day after its
    end (reports) where the policy asks for none."""
    duty = report_duty(rules, kind, officer)
    return due_on(kind, period, duty["due_offset_days"] if duty else 0)


def service_day_minimum(rules: dict, officer: Officer) -> int | None:
    """The days on site a year the policy asks of ``officer`` (``None``: none)."""
    minimums = [d["min_days"] for d in duties_of(rules, DutyKind.SERVICE_DAYS) if binds(d, officer)]
    return max(minimums) if minimums else None


def training_minimums(rules: dict, officer: Officer) -> dict[str, int]:
    """Trainings and meetings a year the policy asks of ``officer``, by kind."""
    out: dict[str, int] = {}
    for duty in duties_of(rules, DutyKind.TRAINING):
        if binds(duty, officer):
            out[duty["training"]] = out.get(duty["training"], 0) + duty["min_per_year"]
    return out


# --- lists in reach -------------------------------------------------------------------


def report_list(*, membership: Membership) -> QuerySet[Report]:
    """Plans and reports of the officers the member sees."""
    return (
        Report.objects.for_tenant(membership.tenant)
        .filter(officer__in=officer_list(membership=membership).values("id"))
        .select_related("officer", "officer__district")
        .order_by("-due_on", "officer__full_name", "id")
    )


def agreement_list(*, membership: Membership) -> QuerySet[Agreement]:
    return (
        Agreement.objects.for_tenant(membership.tenant)
        .filter(officer__in=officer_list(membership=membership).values("id"))
        .select_related("officer", "host_unit", "renews")
        .order_by("-start", "officer__full_name", "id")
    )


def service_day_list(*, membership: Membership) -> QuerySet[ServiceDay]:
    return (
        ServiceDay.objects.for_tenant(membership.tenant)
        .filter(officer__in=officer_list(membership=membership).values("id"))
        .select_related("officer", "host_unit")
        .order_by("-start", "officer__full_name", "id")
    )


def training_list(*, membership: Membership) -> QuerySet[Training]:
    """Every training of the tenant for the centre and auditors; the ones an
    officer in reach attended (or a manager recorded) for the others."""
    trainings = Training.objects.for_tenant(membership.tenant).order_by("-held_on", "id")
    if membership.reads_all:
        return trainings
    reach = officer_list(membership=membership).values("id")
    q = Q(attendance__officer__in=reach)
    if membership.role == Role.DISTRICT_MANAGER:
        q |= Q(created_by=membership.user)
    return trainings.filter(q).distinct()


# --- what is due ----------------------------------------------------------------------


def duty_since(*, tenant: Tenant, duty: dict, on: dt.date) -> dt.date:
    """The day ``duty`` has bound without a break up to ``on``: the effective
    date of the earliest policy version in the unbroken run of versions that
    carry it (the same code asking for the same report). A programme that
    starts asking for weekly plans in October owes none for the spring. The
    first version rules the days before it too (as ``policy_in_force``)."""

    def carries(rules: dict) -> bool:
        return any(
            d.get("code") == duty["code"] and d.get("report") == duty.get("report")
            for d in rules.get("duties") or []
        )

    versions = list(
        Policy.objects.for_tenant(tenant)
        .order_by("-effective_from", "-version")
        .values_list("effective_from", "rules")
    )
    in_force = [v for v in versions if v[0] <= on] or versions[-1:]
    since = on + dt.timedelta(days=1)  # not in force on ``on``: it binds from no day yet
    for effective_from, rules in in_force:
        if not carries(rules):
            break
        since = effective_from
    else:
        if in_force and in_force[-1] is versions[-1]:  # back to the first version
            since = dt.date.min
    return since


def reports_due(*, officers: QuerySet[Officer] | list[Officer], tenant: Tenant, on: dt.date):
    """The reports the policy's duties require of ``officers`` from 1 January
    of ``on``'s year until ``on`` that are missing or not yet accepted:
    ``[{"officer", "kind", "period", "due_on", "status"}]``, earliest first.
    Only active officers owe reports; a period owes one when it overlaps the
    officer's term."""
    rules = policy_in_force(tenant=tenant, on=on).rules
    duties = duties_of(rules, DutyKind.REPORT)
    officers = [o for o in officers if o.status == "active"]
    if not duties or not officers:
        return []
    year_start = dt.date(on.year, 1, 1)
    since = year_start
    filed = {
        (officer_id, kind, period): status
        for officer_id, kind, period, status in Report.objects.for_tenant(tenant)
        .filter(officer__in=[o.id for o in officers], due_on__gte=since - dt.timedelta(days=7))
        .values_list("officer_id", "kind", "period", "status")
    }
    starts = {
        duty["code"]: max(year_start, duty_since(tenant=tenant, duty=duty, on=on))
        for duty in duties
    }
    rows = []
    for officer in officers:
        for duty in duties:
            if not binds(duty, officer):
                continue
            kind = duty["report"]
            for period, due in periods_due(
                kind,
                duty["due_offset_days"],
                since=starts[duty["code"]],
                until=on,
                active=(officer.term_start, officer.term_end),
            ):
                status = filed.get((officer.id, kind, period), DueStatus.MISSING)
                if status != ReportStatus.ACCEPTED:
                    rows.append(
                        {
                            "officer": officer.id,
                            "kind": kind,
                            "period": period,
                            "due_on": due,
                            "status": str(status),
                        }
                    )
    rows.sort(key=lambda r: (r["due_on"], r["officer"], r["kind"]))
    return rows


def overdue(rows: list[dict], on: dt.date) -> list[dict]:
    """The rows of :func:`reports_due` already late on ``on`` (not handed in
    by their day: missing, draft or returned)."""
    return [
        r
        for r in rows
        if r["due_on"] < on and r["status"] in (DueStatus.MISSING, DueStatus.DRAFT, "returned")
    ]


# --- yearly totals (assessment, quota reports, the officer's file) --------------------


def _clip(start: dt.date, end: dt.date, lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date]:
    return max(start, lo), min(end, hi)


def service_day_totals(
    *, tenant: Tenant, officers: list[int], start: dt.date, end: dt.date, among=None
):
    """Officer id → days on site from ``start`` to ``end`` (days recorded
    twice count once). ``among``: a queryset of (at least) these officers,
    read as a subquery instead of a list of ids (thousands of officers)."""
    days: dict[int, set[dt.date]] = defaultdict(set)
    for officer_id, s, e in (
        ServiceDay.objects.for_tenant(tenant)
        .filter(
            officer__in=officers if among is None else among.values("id"),
            start__lte=end,
            end__gte=start,
        )
        .values_list("officer_id", "start", "end")
    ):
        s, e = _clip(s, e, start, end)
        days[officer_id].update(s + dt.timedelta(days=i) for i in range((e - s).days + 1))
    return {officer_id: len(days.get(officer_id, ())) for officer_id in officers}


def training_counts(*, tenant: Tenant, officers: list[int], start: dt.date, end: dt.date):
    """Officer id → {training kind: trainings attended from ``start`` to ``end``}."""
    out: dict[int, dict[str, int]] = {officer_id: {} for officer_id in officers}
    for officer_id, kind in (
        Training.objects.for_tenant(tenant)
        .filter(held_on__range=(start, end), attendance__officer__in=officers)
        .values_list("attendance__officer_id", "kind")
    ):
        out[officer_id][kind] = out[officer_id].get(kind, 0) + 1
    return out


def training_facts(
    *, tenant: Tenant, rules: dict, officers: list[Officer], year: int
) -> dict[int, tuple[int, int]]:
    """Officer id → (trainings attended, trainings required) in ``year``:
    attendance counts up to each kind's minimum."""
    counts = training_counts(
        tenant=tenant,
        officers=[o.id for o in officers],
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
    )
    out = {}
    for officer in officers:
        minimums = training_minimums(rules, officer)
        attended = sum(min(counts[officer.id].get(k, 0), n) for k, n in minimums.items())
        out[officer.id] = (attended, sum(minimums.values()))
    return out


def reports_on_time(
    *, tenant: Tenant, rules: dict, officers: list[Officer], year: int, today: dt.date
) -> dict[int, Fraction | None]:
    """Officer id → the share of the reports due in ``year`` (until
    ``today``) handed in by their day and not returned since; ``None`` where
    the policy asks the officer for none."""
    until = min(dt.date(year, 12, 31), today)
    handed = {
        (officer_id, kind, period)
        for officer_id, kind, period in Report.objects.for_tenant(tenant)
        .filter(
            officer__in=[o.id for o in officers],
            late=False,
            status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
        )
        .values_list("officer_id", "kind", "period")
    }
    starts = {
        duty["code"]: max(dt.date(year, 1, 1), duty_since(tenant=tenant, duty=duty, on=until))
        for duty in duties_of(rules, DutyKind.REPORT)
    }
    out: dict[int, Fraction | None] = {}
    for officer in officers:
        due = [
            (duty["report"], period)
            for duty in duties_of(rules, DutyKind.REPORT)
            if binds(duty, officer)
            for period, _ in periods_due(
                duty["report"],
                duty["due_offset_days"],
                since=starts[duty["code"]],
                until=until,
                active=(officer.term_start, officer.term_end),
            )
        ]
        if not any(binds(d, officer) for d in duties_of(rules, DutyKind.REPORT)):
            out[officer.id] = None
        elif not due:
            out[officer.id] = Fraction(1)
        else:
            on_time = sum((officer.id, kind, period) in handed for kind, period in due)
            out[officer.id] = Fraction(on_time, len(due))
    return out


def agreements_ending(*, tenant: Tenant, on: dt.date, days: int) -> QuerySet[Agreement]:
    """Agreements ending within ``days`` of ``on`` and not yet renewed."""
    return (
        Agreement.objects.for_tenant(tenant)
        .filter(end__gte=on, end__lte=on + dt.timedelta(days=days), renewed_by__isnull=True)
        .select_related("officer", "officer__user", "host_unit")
        .order_by("end", "id")
    )


def last_report_at(*, officers: QuerySet[Officer]) -> QuerySet[Report]:
    """Reports handed in by ``officers`` (for the dormant check: a plan or a
    report is activity)."""
    return Report.objects.filter(officer__in=officers, submitted_at__isnull=False)


def reported_since(officers: QuerySet[Officer], since: dt.datetime) -> QuerySet:
    """The ids of ``officers`` who handed in a plan or report since ``since``:
    the roster's dormant check counts it as activity (registered in
    ``DutiesConfig.ready``)."""
    return last_report_at(officers=officers).filter(submitted_at__gte=since).values("officer_id")
