"""Excel files of the scoring app: the annual ranking and a statement."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.utils.translation import gettext as _

from accounts.models import Tenant
from accounts.selectors import policy_in_force
from ledgers.choices import EntryKind
from liaison.excel import SheetWriter, heading, new_workbook, workbook_bytes

KIND_LABELS = dict(EntryKind.choices)


def pool_label(pool: str, districts: dict[str, str]) -> str:
    """A pool's name for people: city officers, all officers, or the district."""
    if pool == "city":
        return _("City officers")
    if pool == "all":
        return _("All officers")
    code = pool.split(":", 1)[1]
    return districts.get(code, code)


def ranking_workbook(*, tenant: Tenant, ranking: dict, districts: dict[str, str], progress=None):
    """One sheet per pool: rank, officer, points by kind, bonus, total,
    excellent (numbers as numbers; the exact fraction beside the total).
    ``progress(done, total)`` is called every 1000 rows."""
    workbook = new_workbook()
    status = _("final") if ranking["status"] == "final" else _("draft")
    policy = policy_in_force(tenant=tenant, on=dt.date(ranking["year"], 12, 31))
    categories = policy.category_labels
    kinds = list(KIND_LABELS)
    columns = [
        (_("Rank"), 7),
        (_("Officer"), 14),
        (_("Category"), 10),
        (_("District"), 12),
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
                    row["full_name"],
                    categories.get(row["category"], row["category"]),
                    districts.get(row["district"] or "", "") or "",
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


def ranking_xlsx(*, tenant: Tenant, ranking: dict, districts: dict[str, str]) -> bytes:
    """The ranking workbook as bytes (small exports, answered inline)."""
    return workbook_bytes(ranking_workbook(tenant=tenant, ranking=ranking, districts=districts))


def statement_xlsx(
    *, tenant: Tenant, officer_name: str, statement: dict, names: dict[int, str]
) -> bytes:
    """An officer's statement: one line per entry, then bonus and total."""
    workbook = new_workbook()
    sheet = SheetWriter(
        workbook,
        str(statement["year"]),
        heading=heading(
            tenant.name, _("%(year)d points statement") % {"year": statement["year"]}, officer_name
        ),
        columns=[
            (_("Entry"), 8),
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
                line["entry"],
                str(KIND_LABELS.get(line["kind"], line["kind"])),
                dt.date.fromisoformat(line["occurred_on"]),
                "、".join(names.get(i, str(i)) for i in line["credited"]),
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
