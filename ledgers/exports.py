"""The ledger export of SPEC.md §8 ("the ledgers (filtered)"): the entries
of the ledger list page, with the same filters and the caller's reach, one
row per entry: entry id (text), kind, title, credited officers (ids and
names), their districts and units, status, date, points (the sum of the
entry's live shares; empty until verified). Entries are read in chunks and
streamed to a sheet written as they come (liaison.excel): constant memory."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.selectors import policy_in_force
from liaison.excel import Provenance, SheetWriter, heading, new_workbook, text_id, workbook_file
from scoring.export_jobs import Built
from scoring.selectors.ranking import live_shares

from .choices import EntryKind, EntryStatus
from .filtersets import EntryFilterSet
from .models import Credit
from .selectors import entry_list

CHUNK = 2000


def _chunks(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ledger_workbook(
    *, membership: Membership, entries: QuerySet, user, filters: dict, progress=None
):
    """The workbook (unsaved) of ``entries`` (already scoped and filtered).
    ``progress(done, total)`` is called after every chunk."""
    tenant = membership.tenant
    workbook = new_workbook(
        provenance=Provenance(
            tenant=tenant,
            user=user,
            kind="ledger",
            kind_label=_("Ledger"),
            filters=filters,
            policy_version=str(policy_in_force(tenant=tenant).version),
        )
    )
    sheet = SheetWriter(
        workbook,
        _("Ledger"),
        heading=heading(tenant.name, _("Ledger")),
        columns=[
            (_("Entry ID"), 10),
            (_("Kind"), 14),
            (_("Title"), 36),
            (_("Officer ID"), 12),
            (_("Officers"), 24),
            (_("District"), 12),
            (_("Dispatching unit"), 24),
            (_("Status"), 10),
            (_("Date"), 12),
            (_("Points"), 10),
            (_("Exact points"), 10),
        ],
    )
    # the labels as text once (lazy ones would be translated again per row)
    kinds = {k: str(label) for k, label in EntryKind.choices}
    statuses = {k: str(label) for k, label in EntryStatus.choices}
    total, done = entries.count(), 0
    # the filtered rows themselves, not "id IN (their ids)": PostgreSQL read
    # that as a hash join over the tenant's whole ledger (1.2 s at 5M entries
    # for a 100k export)
    rows = (
        entries.select_related(None)
        .prefetch_related(None)
        .order_by("-occurred_on", "-id")
        .values_list("id", "kind", "title", "status", "occurred_on")
    )
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        chunk_ids = [row[0] for row in chunk]
        credited = defaultdict(list)  # entry → [(officer id, name, district, unit)]
        for entry_id, officer_id, name, district, unit in (
            Credit.objects.filter(entry_id__in=chunk_ids)
            .order_by("entry_id", "officer_id")
            .values_list(
                "entry_id",
                "officer_id",
                "officer__full_name",
                "officer__district__name",
                "officer__unit__name",
            )
        ):
            credited[entry_id].append((officer_id, name, district, unit))
        points = defaultdict(Fraction)
        for entry_id, share, size in (
            live_shares(tenant)
            .filter(entry_id__in=chunk_ids)
            .values_list("entry_id", "points", "group_size")
        ):
            points[entry_id] += Fraction(share, size)
        for entry_id, kind, title, status, occurred_on in chunk:
            people = credited.get(entry_id, [])
            scored = entry_id in points
            sheet.row(
                [
                    text_id(entry_id),
                    kinds.get(kind, kind),
                    title,
                    "、".join(text_id(p[0]) for p in people),
                    "、".join(f"{p[1]}（{p[0]}）" for p in people),
                    "、".join(dict.fromkeys(p[2] for p in people if p[2])),
                    "、".join(dict.fromkeys(p[3] for p in people if p[3])),
                    statuses.get(status, status),
                    occurred_on,
                    points[entry_id] if scored else None,
                    _exact(points[entry_id]) if scored else "",
                ]
            )
        done += len(chunk)
        if progress is not None and total:
            progress(done, total)
    sheet.close()
    return workbook


def _exact(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def _filter_labels() -> dict[str, str]:
    return {
        "kind": _("Kind"),
        "status": _("Status"),
        "officer": _("Officer ID"),
        "district": _("District"),
        "occurred_on__gte": _("From"),
        "occurred_on__lte": _("To"),
        "q": _("Search"),
    }


def ledger_entries(*, membership: Membership, query: QueryDict) -> tuple[QuerySet, dict]:
    """The ledger list page's rows for ``query`` (its kind and filters,
    within the caller's reach) and the filters as people read them."""
    entries = entry_list(membership=membership)
    kind = query.get("kind")
    if kind in EntryKind.values:
        entries = entries.filter(kind=kind)
    entries = EntryFilterSet(query or None, queryset=entries, tenant=membership.tenant).qs
    labels, values = (
        _filter_labels(),
        {
            "kind": dict(EntryKind.choices),
            "status": dict(EntryStatus.choices),
        },
    )
    filters = {}
    for name in sorted(query.keys()):
        value = query.get(name)
        if name == "page" or value in (None, ""):
            continue
        filters[labels.get(name, name)] = str(values.get(name, {}).get(value, value))
    return entries, filters


def build_ledger(*, job, membership: Membership, progress):
    """The ``ledger`` kind of background export: the entries the job's
    query selects, as the caller may see them when it runs."""
    entries, filters = ledger_entries(
        membership=membership, query=QueryDict(job.params.get("query", ""))
    )
    workbook = ledger_workbook(
        membership=membership,
        entries=entries,
        user=job.created_by,
        filters=filters,
        progress=progress,
    )
    return Built(workbook_file(workbook))


def ledger_export_start(*, membership: Membership, query: QueryDict):
    """Queue a background ledger export (large exports); the job's page
    shows its progress and then the download link."""
    from scoring.models import ExportJob
    from scoring.tasks import run_export

    job = ExportJob.objects.create(
        tenant=membership.tenant,
        kind="ledger",
        params={"query": query.urlencode()},
        filename=f"ledger-{membership.tenant.slug}.xlsx",
        language=translation.get_language() or "zh-hans",
        created_by=membership.user,
    )
    transaction.on_commit(lambda: run_export.delay(tenant_id=membership.tenant_id, job_id=job.pk))
    return job
