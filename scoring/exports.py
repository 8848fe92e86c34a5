"""Excel files of the scoring app: the annual ranking and a statement."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.utils.translation import gettext as _

from accounts.models import Tenant
from accounts.selectors import policy_in_force
from ledgers.choices import EntryKind
from liaison.excel import Provenance, SheetWriter, heading, new_workbook, text_id, workbook_bytes
from roster.models import Officer

KIND_LABELS = dict(EntryKind.choices)


def pool_label(pool: str, districts: dict[str, str]) -> str:
    """A pool's name for people: city officers, all officers, or the district."""
    if pool == "city":
        return _("City officers")
    if pool == "all":
        return _("All officers")
    code = pool.split(":", 1)[1]
    return districts.get(code, code)


def _units(tenant: Tenant, ids) -> dict[int, str]:
    """Officer id → dispatching unit name (one query)."""
    return dict(
        Officer.objects.for_tenant(tenant).filter(pk__in=set(ids)).values_list("pk", "unit__name")
    )


def ranking_workbook(
    *, tenant: Tenant, ranking: dict, districts: dict[str, str], user, progress=None
):
    """One sheet per pool: rank, officer id and name, category, district,
    unit, points by kind, bonus, total, excellent (numbers as numbers; the
    exact fraction beside the total). ``progress(done, total)`` is called
    every 1000 rows."""
    status = _("final") if ranking["status"] == "final" else _("draft")
    policy = policy_in_force(tenant=tenant, on=dt.date(ranking["year"], 12, 31))
    workbook = new_workbook(
        provenance=Provenance(
            tenant=tenant,
            user=user,
            kind="ranking",
            kind_label=_("Annual ranking"),
            filters={_("Year"): str(ranking["year"]), _("Status"): status},
            policy_version=str(policy.version),
        )
    )
    categories = policy.category_labels
    units = _units(tenant, (r["officer"] for p in ranking["pools"] for r in p["rows"]))
    kinds = list(KIND_LABELS)
    columns = [
        (_("Rank"), 7),
        (_("Officer ID"), 10),
        (_("Officer"), 14),
        (_("Category"), 10),
        (_("District"), 12),
        (_("Dispatching unit"), 20),
        *[(str(KIND_LABELS[k]), 10) for k in kinds],
        (_("Bonus"), 8),
        (_("Total points"), 12),
        (_("Exact total"), 12),
        (_("Excellent"), 8),
    ]
    total, done = sum(len(p["rows"]) for p in ranking["pools"]), 0
    for pool in ranking["pools"] or [{"pool": "all", "rows": []}]:
        label = pool_label(pool["pool"], districts)
        sheet = SheetWriter(
            workbook,
            label,
            columns=columns,
            heading=heading(
                tenant.name, _("%(year)d annual ranking") % {"year": ranking["year"]}, label, status
            ),
        )
        for row in pool["rows"]:
            sheet.row(
                [
                    row["rank"],
                    text_id(row["officer"]),
                    row["full_name"],
                    categories.get(row["category"], row["category"]),
                    districts.get(row["district"] or "", "") or "",
                    units.get(row["officer"]) or "",
                    *[row["counts"].get(k, 0) for k in kinds],
                    int(row["bonus"]),
                    Fraction(row["points_exact"]),
                    row["points_exact"],
                    _("Yes") if row["excellent"] else "",
                ]
            )
            done += 1
            if progress is not None and done % 1000 == 0:
                progress(done, total)
        sheet.close()
    return workbook


def ranking_xlsx(*, tenant: Tenant, ranking: dict, districts: dict[str, str], user) -> bytes:
    """The ranking workbook as bytes (small exports, answered inline)."""
    return workbook_bytes(
        ranking_workbook(tenant=tenant, ranking=ranking, districts=districts, user=user)
    )


def officer_label(officer_id, name: str) -> str:
    """``张敏（12）``: a name with the officer id (two 张敏 told apart)."""
    return f"{name}（{officer_id}）"


def statement_xlsx(
    *, tenant: Tenant, officer: Officer, statement: dict, names: dict[int, str], user
) -> bytes:
    """An officer's statement: one line per entry (entry id as text, the
    credited officers with their ids), then bonus and total."""
    policy = policy_in_force(tenant=tenant, on=dt.date(statement["year"], 12, 31))
    workbook = new_workbook(
        provenance=Provenance(
            tenant=tenant,
            user=user,
            kind="statement",
            kind_label=_("Points statement"),
            filters={
                _("Officer"): officer_label(officer.pk, officer.full_name),
                _("Year"): str(statement["year"]),
            },
            policy_version=str(policy.version),
        )
    )
    unit = officer.unit.name if officer.unit_id else ""
    sheet = SheetWriter(
        workbook,
        str(statement["year"]),
        heading=heading(
            tenant.name,
            _("%(year)d points statement") % {"year": statement["year"]},
            officer_label(officer.pk, officer.full_name),
            unit,
        ),
        columns=[
            (_("Entry ID"), 8),
            (_("Kind"), 14),
            (_("Date"), 12),
            (_("Credited officers"), 30),
            (_("Share"), 10),
            (_("Exact share"), 10),
        ],
    )
    for line in statement["lines"]:
        sheet.row(
            [
                text_id(line["entry"]),
                str(KIND_LABELS.get(line["kind"], line["kind"])),
                dt.date.fromisoformat(line["occurred_on"]),
                "、".join(officer_label(i, names.get(i, "")) for i in line["credited"]),
                Fraction(line["share_exact"]),
                line["share_exact"],
            ]
        )
    sheet.row(["", _("Bonus"), None, "", int(statement["bonus"]), statement["bonus"]])
    sheet.row(
        ["", _("Total"), None, "", Fraction(statement["total_exact"]), statement["total_exact"]]
    )
    sheet.close()
    return workbook_bytes(workbook)
