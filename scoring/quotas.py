"""Monthly quota reports: feeding the quota engine from the ledger, and
building (idempotently) a tenant's report for a month."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Policy, Tenant, User
from accounts.selectors import policy_in_force
from ledgers.models import Credit
from roster.models import Officer
from roster.selectors import earlier_terms, officers_appointed, terms_served

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
    """The policy version used and the report's rows for the month
    (:func:`quota_rows_iter`, all at once: for tests and small tenants)."""
    version, rows = quota_rows_iter(tenant=tenant, month=month)
    return version, list(rows)


def quota_rows_iter(*, tenant: Tenant, month: str) -> tuple[int, Iterator[dict]]:
    """The policy version used and the report's rows for the month, one at a
    time (officers in the roster's order, then districts): what the report
    stores, made without holding the rows (issue 16).

    The entries are counted in the database, per officer and per district,
    from each quota period's start to the month's end
    (:func:`quota_counts`); the engine decides what is required and met.
    (The tests count the same ledger entry by entry in the engine,
    ``scoring.tests.quota_recount``, and compare.)"""
    facts = quota_month(tenant=tenant, month=month)
    by_officer, by_district = quota_counts(
        tenant=tenant, month=month, quotas=facts.quotas, appointed=facts.appointed
    )
    rows = itertools.chain(
        engine.officer_rows_counted(month, facts.quotas, facts.officer_facts(), by_officer),
        # districts are few: their rows are made when the officers' are done
        _later(
            lambda: engine.district_rows_counted(
                month, facts.quotas, facts.officer_facts(), by_district
            )
        ),
    )
    return facts.policy.version, quota_rows_rendered(facts, rows)


def _later(make: Callable[[], list]) -> Iterator:
    yield from make()


@dataclass(frozen=True)
class QuotaMonth:
    """What a month's report is built from, before its counts: the policy in
    force at the month's end and its quotas, the officers appointed in the
    month (queryset, rows by id in the roster's order, the terms they
    served); :meth:`officer_facts` makes their engine facts one by one."""

    tenant: Tenant
    month: str
    start: dt.date
    end: dt.date
    policy: Policy
    quotas: list[engine.Quota]
    appointed: QuerySet[Officer]
    officers: dict[int, Appointed]
    earlier: dict[int, list[tuple[dt.date, dt.date]]]  # the renewed officers' earlier terms

    def officer_facts(self) -> Iterator[engine.QuotaOfficer]:
        """The officers' engine facts in the roster's order, made as asked
        (their terms as :func:`roster.selectors.terms_served` gives them)."""
        for o in self.officers.values():
            terms = [*self.earlier.get(o.id, ()), (o.term_start, o.term_end or dt.date.max)]
            yield quota_officer(o, o.district__code, terms)

    @cached_property
    def facts(self) -> list[engine.QuotaOfficer]:
        """:meth:`officer_facts` all at once."""
        return list(self.officer_facts())


def quota_month(*, tenant: Tenant, month: str) -> QuotaMonth:
    """The month's :class:`QuotaMonth` (a bad month → 400)."""
    start, end = engine.month_bounds(check_month(month))
    policy = policy_in_force(tenant=tenant, on=end)
    appointed = officers_appointed(tenant=tenant, start=start, end=end)
    # thousands of officers share their category, district and term dates:
    # one object each (a report's memory is mostly these rows)
    shared: dict = {}
    officers = {
        i: Appointed(
            i,
            shared.setdefault(category, category),
            shared.setdefault(district, district),
            shared.setdefault(term_start, term_start),
            shared.setdefault(term_end, term_end),
            disqualified_on,
            full_name,
        )
        for i, category, district, term_start, term_end, disqualified_on, full_name in (
            appointed.values_list(*Appointed._fields).iterator(chunk_size=5000)
        )  # the roster's order
    }
    earlier = earlier_terms(among=appointed)  # the renewed officers only
    return QuotaMonth(
        tenant=tenant,
        month=month,
        start=start,
        end=end,
        policy=policy,
        quotas=engine.Quota.from_policy(policy.rules.get("quotas", [])),
        appointed=appointed,
        officers=officers,
        earlier=earlier,
    )


def quota_rows_render(facts: QuotaMonth, rows: Iterable[engine.QuotaRow]) -> list[dict]:
    """The engine's rows as the report stores them, with the officers'
    duty columns."""
    return list(quota_rows_rendered(facts, rows))


def quota_rows_rendered(facts: QuotaMonth, rows: Iterable[engine.QuotaRow]) -> Iterator[dict]:
    """:func:`quota_rows_render` one row at a time (the duty columns are
    read when the first row is asked for)."""
    duties = duty_columns(
        tenant=facts.tenant,
        rules=facts.policy.rules,
        officers=list(facts.officers.values()),
        start=facts.start,
        end=facts.end,
        among=facts.appointed,
    )
    texts: dict[tuple, tuple[str, str, str, str]] = {}
    for row in rows:
        yield _render(row, facts.officers, texts, duties)


def quota_officer(
    officer: Officer | Appointed, district: str | None, terms: list[tuple[dt.date, dt.date]]
) -> engine.QuotaOfficer:
    """The quota engine's fact of an appointment: ``district`` its code,
    ``terms`` the terms it served (:func:`roster.selectors.terms_served`,
    the current one last); a disqualification ends the term."""
    return engine.QuotaOfficer(
        id=officer.id,
        category=officer.category,
        district=district,
        term_start=officer.term_start,
        term_end=min(officer.term_end, officer.disqualified_on or officer.term_end),
        earlier_terms=tuple(terms[:-1]),
    )


class Appointed(NamedTuple):
    """What the report reads of an officer appointed in the month."""

    id: int
    category: str
    district__code: str | None
    term_start: dt.date
    term_end: dt.date
    disqualified_on: dt.date | None
    full_name: str


def quota_entries(
    *, tenant: Tenant, officers: list[int], since: dt.date, until: dt.date
) -> list[engine.QuotaEntry]:
    """Every credit of the officers on the tenant's entries that count
    (:data:`COUNTED`) from ``since`` to ``until``, one engine fact each."""
    credits = Credit.objects.filter(
        entry__tenant=tenant,
        entry__status__in=COUNTED,
        entry__occurred_on__range=(since, until),
        officer_id__in=officers,
    ).values_list(
        "officer_id",
        "entry_id",
        "entry__kind",
        "entry__occurred_on",
        "entry__status",
        "entry__is_valid",
    )
    return [
        engine.QuotaEntry(
            officer=o, entry=e, kind=k, occurred_on=d, verified=s == "verified", valid=v
        )
        for o, e, k, d, s, v in credits.iterator(chunk_size=5000)
    ]


#: the statuses whose entries count towards quotas
COUNTED = ("submitted", "verified")


class _Counts(Mapping):
    """The engine's :data:`~scoring.engine.quotas.QuotaCounts` over compact
    rows: subject → a tuple of (counted, verified) pairs, one pair per
    (kind, basis, period start) in ``columns`` order."""

    def __init__(self, columns: list[tuple[str, str, dt.date]]):
        self.position = {column: 2 * i for i, column in enumerate(columns)}
        self.rows: dict[int | str, tuple[int, ...]] = {}

    def get(self, key, default=None):
        subject, kind, basis, start = key
        row = self.rows.get(subject)
        at = self.position.get((kind, basis, start))
        if row is None or at is None:
            return default
        return row[at], row[at + 1]

    def __getitem__(self, key):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self):
        for subject in self.rows:
            for kind, basis, start in self.position:
                yield subject, kind, basis, start

    def __len__(self) -> int:
        return len(self.rows) * len(self.position)


def _count_query(queryset, group: str, quotas: list[engine.Quota], month: str, *, distinct: bool):
    """``queryset`` (credits) grouped by ``group``, counting (with
    ``distinct``: each entry once) for each (kind, basis, period start) of
    ``quotas`` the entries from the start to the month's end, all and
    verified: one row per subject, two integers per quota."""
    month_end = engine.month_bounds(month)[1]
    columns = sorted(
        {(q.kind, engine.basis_of(q), engine.period_starts(month, [q])[0]) for q in quotas}
    )
    aggregates = {}
    for i, (kind, basis, since) in enumerate(columns):
        chosen = Q(entry__kind=kind, entry__occurred_on__gte=since)
        if basis == "valid":
            chosen &= Q(entry__is_valid=True)
        aggregates[f"n{i}"] = Count("entry_id", filter=chosen, distinct=distinct)
        aggregates[f"v{i}"] = Count(
            "entry_id", filter=chosen & Q(entry__status="verified"), distinct=distinct
        )
    counts = _Counts(columns)
    names = [name for i in range(len(columns)) for name in (f"n{i}", f"v{i}")]
    rows = (
        queryset.filter(
            entry__occurred_on__range=(min(since for _k, _b, since in columns), month_end),
            entry__kind__in=sorted({kind for kind, _b, _s in columns}),
        )
        .values_list(group)
        .annotate(**aggregates)
        .values_list(group, *names)
        .order_by()
    )
    # run as plain SQL: a row per subject, the integers as they come (no
    # converters), all sent at once and turned into Python rows a chunk at
    # a time; not from a server-side cursor: PostgreSQL plans no parallel
    # query for a cursor (tried: at L, December, 8.8 s instead of 6.8 s
    # for 5 MB less peak RSS)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(5000):
            for row in chunk:
                counts.rows[row[0]] = row[1:]
    return counts


def quota_counts(
    *, tenant: Tenant, month: str, quotas: list[engine.Quota], appointed
) -> tuple[Mapping, Mapping]:
    """The month's counts for the engine, made in the database: per officer
    (keyed by officer id: every officer credited) and per district (keyed by
    district code: entries crediting any officer of ``appointed``, the
    queryset of the officers appointed in the month, with that district,
    each entry once), each from a quota period's start to the month's end.
    Two queries at most, a row per officer and per district."""
    credits = Credit.objects.filter(entry__tenant=tenant, entry__status__in=COUNTED)
    empty = _Counts([])
    mine = [q for q in quotas if q.scope == "officer"]
    theirs = [q for q in quotas if q.scope == "district"]
    by_officer = _count_query(credits, "officer_id", mine, month, distinct=False) if mine else empty
    by_district = (
        _count_query(
            credits.filter(officer_id__in=appointed.filter(district__isnull=False).values("id")),
            "officer__district__code",
            theirs,
            month,
            distinct=True,
        )
        if theirs
        else empty
    )
    return by_officer, by_district


#: the duty columns of a row, in order
DUTY_COLUMNS = ("reports_due", "reports_late", "service_days")
#: the duty columns of a district's row (the duties are the officers')
NO_DUTIES = (None, None, None)


def duty_columns(
    *,
    tenant: Tenant,
    rules: dict,
    officers: list[Officer] | list[Appointed],
    start: dt.date,
    end: dt.date,
    among: QuerySet[Officer] | None = None,
) -> dict[int, tuple[int, int, int]]:
    """Officer id → the month's duties beside the quotas (issue 13), in
    :data:`DUTY_COLUMNS` order (a tuple: thousands of officers):
    ``reports_due`` (plans and reports the policy's duties make due in the
    month), ``reports_late`` (of those, the ones whose day has passed and
    that were not handed in by it, or were returned since) and
    ``service_days`` (days on site in the month). ``among``: a queryset of
    (at least) the officers, read as a subquery instead of a list of ids."""
    from duties.choices import DutyKind, ReportStatus
    from duties.models import Report
    from duties.schedule import periods_due
    from duties.selectors import binds, duties_of, service_day_totals

    today = timezone.localdate()
    ids = [o.id for o in officers]
    days = service_day_totals(tenant=tenant, officers=ids, start=start, end=end, among=among)
    on_time = set(
        Report.objects.for_tenant(tenant)
        .filter(
            officer__in=ids if among is None else among.values("id"),
            due_on__range=(start, end),
            late=False,
            status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
        )
        .values_list("officer_id", "kind", "period")
    )
    out = {}
    reports = duties_of(rules, DutyKind.REPORT)
    schedules: dict[tuple, list[tuple[str, str, dt.date]]] = {}  # per category and term
    for officer in officers:
        key = (officer.category, officer.term_start, officer.term_end)
        if key not in schedules:
            schedules[key] = [
                (duty["report"], period, day)
                for duty in reports
                if binds(duty, officer)
                for period, day in periods_due(
                    duty["report"],
                    duty["due_offset_days"],
                    since=start,
                    until=end,
                    active=(officer.term_start, officer.term_end),
                )
            ]
        due = schedules[key]
        out[officer.id] = (
            len(due),
            sum(
                day < today and (officer.id, kind, period) not in on_time
                for kind, period, day in due
            ),
            days[officer.id],
        )
    return out


def _render(
    row: engine.QuotaRow,
    officers: dict[int, Appointed],
    texts: dict[tuple, tuple[str, str, str, str]],
    duties: dict[int, tuple[int, int, int]],
) -> dict:
    officer = officers.get(row.officer) if row.officer else None
    # the texts of a (required, period) pair, made once: reports have few
    key = (row.required.numerator, row.required.denominator, row.period_start, row.period_end)
    if key not in texts:
        texts[key] = (
            two_decimals(row.required).removesuffix(".00"),
            exact_text(row.required),
            row.period_start.isoformat(),
            row.period_end.isoformat(),
        )
    required, required_exact, period_start, period_end = texts[key]
    due, late, days = duties.get(row.officer, NO_DUTIES)
    return {
        "subject": row.subject,
        "officer": row.officer,
        "full_name": officer.full_name if officer else "",
        "category": officer.category if officer else "",
        "district": row.district,
        "quota": row.quota,
        "period_start": period_start,
        "period_end": period_end,
        "required": required,
        "required_exact": required_exact,
        "counted": row.counted,
        "verified": row.verified,
        "met": row.met,
        "reports_due": due,
        "reports_late": late,
        "service_days": days,
    }


#: rows encoded to JSON per statement when a report is stored (about 0.7 MB)
CHUNK_ROWS = 2000

#: the staged chunks (:func:`_stage_rows`) as the stored JSON array, in order
_STAGED = {
    "postgresql": "SELECT ('[' || COALESCE(string_agg(body, ',' ORDER BY n), '') || ']')::json"
    " FROM quota_report_part",
    "sqlite": "SELECT '[' || COALESCE(group_concat(body, ','), '') || ']'"
    " FROM (SELECT body FROM quota_report_part ORDER BY n)",
}


def quota_report_build(*, tenant: Tenant, month: str, by: User | None = None) -> QuotaReport:
    """Build (or rebuild, replacing) the month's report in one transaction;
    safe to run twice or at once: one report per tenant and month.

    Memory does not grow with the report (issue 16): the rows are made one
    at a time (:func:`quota_rows_iter`), encoded to JSON :data:`CHUNK_ROWS`
    at a time into a temporary table, and the database joins the chunks
    into the stored array. The report comes back with its rows deferred
    (read from the database if asked for) and ``row_count`` set."""
    check_month(month)
    for _attempt in range(2):
        version, rows = quota_rows_iter(tenant=tenant, month=month)
        try:
            with transaction.atomic():
                count = _stage_rows(rows)
                report, _created = QuotaReport.objects.update_or_create(
                    tenant=tenant,
                    month=month,
                    defaults={
                        "generated_at": timezone.now(),
                        "generated_by": by,
                        "policy_version": version,
                        # constant SQL, no parameters
                        "rows": RawSQL(f"({_STAGED[connection.vendor]})", ()),  # noqa: S611
                    },
                )
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM quota_report_part")
        except IntegrityError:  # a concurrent build created it first: replace that one
            continue
        report = QuotaReport.objects.defer("rows").get(pk=report.pk)
        report.row_count = count
        return report
    raise IntegrityError(f"quota report {tenant.slug} {month}")


def _stage_rows(rows: Iterable[dict]) -> int:
    """The rows encoded as JSON (as the JSONField would: ``json.dumps``
    defaults) into the temporary table ``quota_report_part``, a chunk of
    array elements per row; how many rows. Inside the build's transaction."""
    temporary = (
        "CREATE TEMPORARY TABLE IF NOT EXISTS quota_report_part"
        " (n integer PRIMARY KEY, body text NOT NULL)"
    )
    if connection.vendor == "postgresql":
        temporary += " ON COMMIT DROP"
    encode = json.JSONEncoder().encode
    count = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        cursor.execute(temporary)
        cursor.execute("DELETE FROM quota_report_part")  # an earlier build in this transaction
        for n in itertools.count():
            chunk = list(itertools.islice(rows, CHUNK_ROWS))
            if not chunk:
                return count
            # the chunk's rows as array elements: "[{…}, {…}]" without its brackets
            body = encode(chunk)[1:-1]
            cursor.execute("INSERT INTO quota_report_part (n, body) VALUES (%s, %s)", (n, body))
            count += len(chunk)
            del chunk, body
    return count


#: a report's rows behind quota, grouped by district and by whether the
#: centre hears of them (a city officer's row or a district's): rows and
#: distinct officers per group (an officer's rows share district and category)
_BEHIND = {
    "postgresql": """
        SELECT r ->> 'district', (r ->> 'category' = 'city' OR r ->> 'officer' IS NULL),
               COUNT(*), COUNT(DISTINCT r ->> 'officer')
        FROM scoring_quotareport q CROSS JOIN json_array_elements(q.rows) r
        WHERE q.id = %s AND NOT (r ->> 'met')::boolean
        GROUP BY 1, 2""",
    "sqlite": """
        SELECT json_extract(r.value, '$.district'),
               (json_extract(r.value, '$.category') = 'city'
                OR json_extract(r.value, '$.officer') IS NULL),
               COUNT(*), COUNT(DISTINCT json_extract(r.value, '$.officer'))
        FROM scoring_quotareport q, json_each(q.rows) r
        WHERE q.id = %s AND NOT json_extract(r.value, '$.met')
        GROUP BY 1, 2""",
}


def notify_shortfalls(*, report: QuotaReport) -> int:
    """Tell each district manager how many of their officers are behind, and
    the centre about city officers and districts; once per month and person.
    The rows behind are counted in the database (a report can be large)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from accounts.choices import NotificationKind, Role
    from accounts.models import Membership
    from accounts.notifications import announce_now, webhook_enqueue
    from roster.selectors import districts_in_reach

    tenant = report.tenant
    with connection.cursor() as cursor:
        cursor.execute(_BEHIND[connection.vendor], [report.pk])
        # (district, the centre's, rows, officers)
        behind = [(d, bool(c), n, p) for d, c, n, p in cursor.fetchall()]
    link = reverse("quota-detail", kwargs={"tenant_slug": tenant.slug, "pk": report.pk})
    link = f"{link}?status=behind"
    sent = 0
    for member in (
        Membership.objects.for_tenant(tenant)
        .filter(is_active=True, role__in=[Role.ADMIN, Role.DISTRICT_MANAGER])
        .select_related("user", "tenant")
    ):
        if member.role == Role.ADMIN:
            mine = [g for g in behind if g[1]]
        else:
            codes = set(districts_in_reach(membership=member).values_list("code", flat=True))
            mine = [g for g in behind if g[0] in codes]
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


def _shortfall_message(month: str, groups: list[tuple[str | None, bool, int, int]]):
    """The message about the rows behind in ``groups`` (from :data:`_BEHIND`)."""
    people = sum(g[3] for g in groups)
    rows = sum(g[2] for g in groups)

    def message() -> tuple[str, str]:
        return (
            _("%(month)s quotas: %(n)d officers behind") % {"month": month, "n": people},
            _("%(rows)d quota rows are behind; open the report for details.") % {"rows": rows},
        )

    return message


def officer_progress(*, officer: Officer, month: str) -> list[dict]:
    """One officer's quotas this month, live: counted to date against the
    expectation to date, and what is still needed."""
    start, end = engine.month_bounds(check_month(month))
    policy = policy_in_force(tenant=officer.tenant, on=end)
    quotas = engine.Quota.from_policy(policy.rules.get("quotas", []))
    fact = quota_officer(
        officer,
        officer.district.code if officer.district_id else None,
        terms_served(officers=[officer])[officer.id],
    )
    entries = quota_entries(
        tenant=officer.tenant, officers=[officer.id], since=dt.date(start.year, 1, 1), until=end
    )
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
        quota_officer(o, o.district.code if o.district_id else None, terms[o.id]) for o in officers
    ]
    entries = quota_entries(
        tenant=tenant,
        officers=[o.id for o in officers],
        since=dt.date(year, 1, 1),
        until=dt.date(year, 12, 31),
    )
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
