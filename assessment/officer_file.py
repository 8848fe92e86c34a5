"""One file per officer (一人一档, SPEC.md §5a, issue 13 item 5).

Everything recorded of one officer over a range of years, in sections that
the page, the workbook (one sheet per section) and the API share: the
officer, agreements, plans and reports, service days, trainings attended,
the ledger (entries crediting the officer), the points statement per year,
the assessment's grades (finalised years) and the history (appointment,
renewals, host assignments, disqualification, audit events of the officer's
record).

Reach: the officer themself, district managers of the officer's district,
the centre (admin) and auditors; anyone else, or another tenant: 404.

A section is ``{"key", "title", "columns": [(key, label, width)], "rows"}``;
row values are Python values (dates as dates, fractions exact), turned into
JSON by :func:`file_json` and into cells by :func:`file_workbook`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.choices import Role
from accounts.models import Membership, Tenant
from accounts.selectors import policy_in_force
from audit.models import AuditEvent
from duties.choices import ReportKind, ReportStatus, TrainingKind
from duties.models import Agreement, Report, ServiceDay, Training
from ledgers.choices import EntryKind, EntryStatus
from ledgers.models import Entry
from liaison.excel import Provenance, SheetWriter, heading, new_workbook, workbook_bytes
from roster.choices import OfficerStatus
from roster.models import HostAssignment, Officer, OfficerRenewal
from roster.selectors import officer_list
from scoring.engine import exact_text, two_decimals

from .choices import YearStatus
from .models import AssessmentResult

#: who may open an officer's file (within their reach of officers)
FILE_READERS = (Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER, Role.OFFICER)
#: at most this many years in one file
MAX_YEARS = 10


def file_officer(*, membership: Membership, pk: int) -> Officer:
    """The officer whose file the member may open, else 404."""
    if membership.role not in FILE_READERS:
        raise Http404
    return get_object_or_404(officer_list(membership=membership), pk=pk)


def file_years(officer: Officer, *, start: int | None = None, end: int | None = None):
    """The years of the file: from the first term's year (an earlier term of a
    renewal counts) to this year or the term's last, whichever is first;
    ``start``/``end`` narrow it (at most :data:`MAX_YEARS`)."""
    first = min(
        [officer.term_start, *officer.renewals.values_list("previous_start", flat=True)]
    ).year
    last = min(timezone.localdate().year, officer.term_end.year)
    lo, hi = max(first, start or first), min(last, end or last)
    if hi < lo:
        lo = hi = last
    return max(lo, hi - MAX_YEARS + 1), hi


@dataclass
class OfficerFile:
    officer: Officer
    years: tuple[int, int]
    sections: list[dict]


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _section(key: str, title: str, columns: list[tuple[str, str, int]], rows: list[dict]):
    return {"key": key, "title": title, "columns": columns, "rows": rows}


def officer_file(*, tenant: Tenant, officer: Officer, years: tuple[int, int]) -> OfficerFile:
    """Every section of the officer's file for ``years`` (first, last)."""
    first, last = years
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    policy = policy_in_force(tenant=tenant, on=min(end, timezone.localdate()))
    categories = policy.category_labels
    sections = [
        _section(
            "officer",
            _("Officer"),
            [
                ("full_name", _("Name"), 12),
                ("category", _("Category"), 12),
                ("district", _("District"), 12),
                ("unit", _("Unit"), 24),
                ("status", _("Status"), 10),
                ("term_start", _("Term start"), 12),
                ("term_end", _("Term end"), 12),
                ("disqualified_on", pgettext("officer file", "Disqualified on"), 12),
            ],
            [
                {
                    "full_name": officer.full_name,
                    "category": categories.get(officer.category, officer.category),
                    "district": officer.district.name if officer.district_id else "",
                    "unit": officer.unit.name if officer.unit_id else "",
                    "status": str(OfficerStatus(officer.status).label),
                    "term_start": officer.term_start,
                    "term_end": officer.term_end,
                    "disqualified_on": officer.disqualified_on,
                }
            ],
        ),
        _agreements(officer, start, end),
        _reports(officer, first, last),
        _service_days(officer, start, end),
        _trainings(officer, start, end),
        _ledger(officer, start, end),
        _statements(tenant, officer, first, last),
        _grades(tenant, officer, first, last),
        _history(tenant, officer, start, end),
    ]
    return OfficerFile(officer=officer, years=years, sections=sections)


def _agreements(officer: Officer, start: dt.date, end: dt.date) -> dict:
    rows = [
        {
            "host_unit": a.host_unit.name,
            "start": a.start,
            "end": a.end,
            "signed_on": a.signed_on,
            "filed": _yes(a.filed_at is not None),
        }
        for a in Agreement.objects.filter(officer=officer, start__lte=end, end__gte=start)
        .select_related("host_unit")
        .order_by("start", "id")
    ]
    return _section(
        "agreements",
        pgettext("officer file", "Service agreements"),
        [
            ("host_unit", _("Host unit"), 24),
            ("start", pgettext("officer file", "Start"), 12),
            ("end", pgettext("officer file", "End"), 12),
            ("signed_on", pgettext("officer file", "Signed on"), 12),
            ("filed", pgettext("officer file", "Filed"), 8),
        ],
        rows,
    )


def _reports(officer: Officer, first: int, last: int) -> dict:
    rows = [
        {
            "kind": str(ReportKind(r.kind).label),
            "period": r.period,
            "due_on": r.due_on,
            "status": str(ReportStatus(r.status).label),
            "submitted_on": timezone.localdate(r.submitted_at) if r.submitted_at else None,
            "late": _yes(r.late),
        }
        for r in Report.objects.filter(
            officer=officer, due_on__year__gte=first, due_on__year__lte=last
        ).order_by("due_on", "kind", "id")
    ]
    return _section(
        "reports",
        pgettext("officer file", "Plans and reports"),
        [
            ("kind", _("Kind"), 12),
            ("period", _("Period"), 10),
            ("due_on", pgettext("officer file", "Due on"), 12),
            ("status", _("Status"), 10),
            ("submitted_on", pgettext("officer file", "Handed in on"), 12),
            ("late", pgettext("officer file", "Late"), 8),
        ],
        rows,
    )


def _service_days(officer: Officer, start: dt.date, end: dt.date) -> dict:
    rows = [
        {
            "host_unit": s.host_unit.name,
            "start": s.start,
            "end": s.end,
            "days": (s.end - s.start).days + 1,
            "note": s.note,
        }
        for s in ServiceDay.objects.filter(officer=officer, start__lte=end, end__gte=start)
        .select_related("host_unit")
        .order_by("start", "id")
    ]
    return _section(
        "service_days",
        pgettext("officer file", "Service days"),
        [
            ("host_unit", _("Host unit"), 24),
            ("start", pgettext("officer file", "Start"), 12),
            ("end", pgettext("officer file", "End"), 12),
            ("days", pgettext("officer file", "Days"), 8),
            ("note", _("Note"), 30),
        ],
        rows,
    )


def _trainings(officer: Officer, start: dt.date, end: dt.date) -> dict:
    rows = [
        {"held_on": t.held_on, "title": t.title, "kind": str(TrainingKind(t.kind).label)}
        for t in Training.objects.filter(
            attendance__officer=officer, held_on__range=(start, end)
        ).order_by("held_on", "id")
    ]
    return _section(
        "trainings",
        pgettext("officer file", "Trainings attended"),
        [
            ("held_on", pgettext("officer file", "Held on"), 12),
            ("title", pgettext("officer file", "Title"), 30),
            ("kind", _("Kind"), 12),
        ],
        rows,
    )


def _ledger(officer: Officer, start: dt.date, end: dt.date) -> dict:
    rows = [
        {
            "entry": e.id,
            "kind": str(EntryKind(e.kind).label),
            "title": e.title,
            "occurred_on": e.occurred_on,
            "status": str(EntryStatus(e.status).label),
        }
        for e in Entry.objects.filter(officers=officer, occurred_on__range=(start, end))
        .distinct()
        .order_by("occurred_on", "id")
    ]
    return _section(
        "ledger",
        _("Ledger"),
        [
            ("entry", _("Entry"), 8),
            ("kind", _("Kind"), 12),
            ("title", pgettext("officer file", "Title"), 30),
            ("occurred_on", _("Date"), 12),
            ("status", _("Status"), 10),
        ],
        rows,
    )


def _statements(tenant: Tenant, officer: Officer, first: int, last: int) -> dict:
    """The points statement's totals per year (the statement page has the lines)."""
    from scoring.selectors import statement_for

    rows = []
    for year in range(first, last + 1):
        statement = statement_for(tenant=tenant, officer=officer, year=year)
        total = Fraction(statement["total_exact"])
        rows.append(
            {
                "year": year,
                "status": _("final") if statement["status"] == "final" else _("draft"),
                "entries": len(statement["lines"]),
                "bonus": int(statement["bonus"]),
                "total": total,
                "total_exact": exact_text(total),
            }
        )
    return _section(
        "statement",
        _("Points statement"),
        [
            ("year", _("Year"), 8),
            ("status", _("Status"), 8),
            ("entries", pgettext("officer file", "Entries"), 8),
            ("bonus", _("Bonus"), 8),
            ("total", _("Total points"), 12),
            ("total_exact", _("Exact total"), 12),
        ],
        rows,
    )


def _grades(tenant: Tenant, officer: Officer, first: int, last: int) -> dict:
    """The grades of the finalised years (a draft year's proposal changes
    until the centre finalises it)."""
    from scoring.engine import assessment as engine

    from .selectors import grade_labels

    rows = []
    for result in (
        AssessmentResult.objects.for_tenant(tenant)
        .filter(
            officer=officer,
            assessment_year__status=YearStatus.FINAL,
            assessment_year__year__range=(first, last),
        )
        .select_related("assessment_year")
        .order_by("assessment_year__year")
    ):
        year = result.assessment_year.year
        rules = engine.assessment_rules(
            policy_in_force(tenant=tenant, on=dt.date(year, 12, 31)).rules
        )
        labels = grade_labels(rules) if rules is not None else {}
        score = Fraction(result.score)
        rows.append(
            {
                "year": year,
                "grade": labels.get(result.grade, result.grade),
                "score": two_decimals(score),
                "score_exact": exact_text(score),
            }
        )
    return _section(
        "grades",
        pgettext("officer file", "Assessment grades"),
        [
            ("year", _("Year"), 8),
            ("grade", _("Grade"), 10),
            ("score", _("Score"), 10),
            ("score_exact", _("Exact score"), 12),
        ],
        rows,
    )


def _history(tenant: Tenant, officer: Officer, start: dt.date, end: dt.date) -> dict:
    """Appointment, renewals, host assignments, disqualification and the
    audit log of the officer's record, by date."""
    rows: list[dict] = []

    def add(day: dt.date, change: str, detail: str = "", actor: str = "") -> None:
        rows.append({"date": day, "change": change, "detail": detail, "actor": actor})

    renewals = list(OfficerRenewal.objects.filter(officer=officer).order_by("term_start", "id"))
    first_start = renewals[0].previous_start if renewals else officer.term_start
    add(
        first_start,
        _("Appointed"),
        pgettext("officer file", "Replaces %(name)s") % {"name": officer.replaces.full_name}
        if officer.replaces_id
        else "",
    )
    for r in renewals:
        add(
            r.term_start,
            pgettext("roster change", "Renewed"),
            pgettext("officer file", "%(start)s to %(end)s")
            % {"start": r.term_start, "end": r.term_end},
        )
    for h in (
        HostAssignment.objects.filter(officer=officer)
        .select_related("unit")
        .order_by("start", "id")
    ):
        add(h.start, pgettext("officer file", "Host unit assigned"), h.unit.name)
        if h.end is not None:
            add(h.end, pgettext("officer file", "Host unit ended"), h.unit.name)
    if officer.disqualified_on is not None:
        add(officer.disqualified_on, _("Disqualified"))
    # the audit log of the record: a change names the fields changed (their
    # labels), a creation none (every field is new)
    labels = {f.attname: str(f.verbose_name) for f in Officer._meta.concrete_fields}
    for event in AuditEvent.objects.filter(
        tenant=tenant, object_type="officer", object_id=str(officer.id)
    ).order_by("at", "id"):
        changed = [] if event.action == "create" else sorted(event.changes or {})
        add(
            timezone.localdate(event.at),
            pgettext("officer file", "Record %(action)s") % {"action": event.get_action_display()},
            _(", ").join(labels.get(c, c) for c in changed),
            event.actor_username,
        )
    rows = [r for r in rows if start <= r["date"] <= end]
    rows.sort(key=lambda r: r["date"])
    return _section(
        "history",
        _("History"),
        [
            ("date", _("Date"), 12),
            ("change", _("Change"), 16),
            ("detail", pgettext("officer file", "Details"), 36),
            ("actor", pgettext("officer file", "By"), 12),
        ],
        rows,
    )


# --- renderings ---------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return two_decimals(value)
    return value


def file_json(file: OfficerFile) -> dict:
    """``{"officer", "years": [first, last], "sections": {key: {"title",
    "rows"}}}``: dates ISO, fractions as 2-place decimals beside their exact
    text."""
    return {
        "officer": file.officer.id,
        "years": list(file.years),
        "sections": {
            s["key"]: {
                "title": s["title"],
                "rows": [{k: _json_value(v) for k, v in row.items()} for row in s["rows"]],
            }
            for s in file.sections
        },
    }


def file_workbook(*, tenant: Tenant, file: OfficerFile, user) -> bytes:
    """One sheet per section, the columns' labels as headers; sealed with the
    ``来源`` sheet (who exported it, for which officer and years)."""
    first, last = file.years
    years = str(first) if first == last else f"{first}–{last}"
    workbook = new_workbook(
        provenance=Provenance(
            tenant=tenant,
            user=user,
            kind="officer_file",
            kind_label=pgettext("officer file", "Officer's file"),
            filters={
                _("Officer"): f"{file.officer.full_name}（{file.officer.pk}）",
                pgettext("officer file", "Years"): years,
            },
            policy_version=str(policy_in_force(tenant=tenant, on=dt.date(last, 12, 31)).version),
        )
    )
    for section in file.sections:
        sheet = SheetWriter(
            workbook,
            section["title"],
            heading=heading(tenant.name, file.officer.full_name, section["title"], years),
            columns=[(label, width) for _key, label, width in section["columns"]],
        )
        for row in section["rows"]:
            sheet.row([row[key] for key, _label, _width in section["columns"]])
        sheet.close()
    return workbook_bytes(workbook)
