"""Excel file of an assessment year (the scoring app's kit: liaison.excel)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.utils.translation import gettext as _

from accounts.models import Tenant
from accounts.selectors import policy_in_force
from liaison.excel import Provenance, SheetWriter, heading, new_workbook, text_id, workbook_bytes


def assessment_xlsx(*, tenant: Tenant, year: int, status: str, table: dict, user) -> bytes:
    """One sheet: officer id and name, category, district, dispatching unit,
    each component, score (a number, the exact fraction beside it), proposed
    grade and grade in force (labels), reasons. ``table`` is what
    ``grade_views.year_table`` builds."""
    label = _("final") if status == "final" else _("draft")
    workbook = new_workbook(
        provenance=Provenance(
            tenant=tenant,
            user=user,
            kind="assessment",
            kind_label=_("Annual assessment"),
            filters={_("Year"): str(year), _("Status"): label},
            policy_version=str(policy_in_force(tenant=tenant, on=dt.date(year, 12, 31)).version),
        )
    )
    components = table["components"]
    sheet = SheetWriter(
        workbook,
        str(year),
        heading=heading(
            tenant.name,
            _("%(year)d annual assessment") % {"year": year},
            label,
        ),
        columns=[
            (_("Officer ID"), 9),
            (_("Officer"), 14),
            (_("Category"), 12),
            (_("District"), 12),
            (_("Dispatching unit"), 20),
            *[(label, 12) for _code, label in components],
            (_("Score"), 9),
            (_("Exact score"), 10),
            (_("Proposed grade"), 10),
            (_("Grade"), 10),
            (_("Reasons"), 60),
        ],
    )
    for row in table["rows"]:
        sheet.row(
            [
                text_id(row["officer"]),
                row["full_name"],
                row["category_label"],
                row["district_name"],
                row["unit_name"],
                *[None if v is None else Fraction(v) for v in row["component_exact"]],
                Fraction(row["score_exact"]),
                row["score_exact"],
                row["proposed_label"],
                row["grade_label"],
                "；".join(row["reasons"]),
            ]
        )
    sheet.close()
    return workbook_bytes(workbook)
