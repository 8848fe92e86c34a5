"""The province's one sheet (一个表): a row per member programme, counts only
— no officer's name or id (SPEC.md §5b). Sealed with the 来源 sheet."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Tenant
from accounts.selectors import policy_in_force
from ledgers.choices import EntryKind
from liaison.excel import Provenance, SheetWriter, heading, new_workbook, workbook_bytes

from .selectors import MemberFigures, figures_total


def figures_workbook(*, tenant: Tenant, user, year: int, rows: list[MemberFigures]) -> bytes:
    workbook = new_workbook(
        provenance=Provenance(
            tenant=tenant,
            user=user,
            kind="network",
            kind_label=_("Province network figures"),
            filters={_("Year"): str(year)},
            policy_version=str(policy_in_force(tenant=tenant).version),
        )
    )
    kinds = list(EntryKind)
    sheet = SheetWriter(
        workbook,
        _("Province network"),
        heading=heading(tenant.name, _("Province network figures"), str(year)),
        columns=[
            (_("Programme"), 24),
            (_("Code"), 16),
            (_("Active officers"), 10),
            *[(kind.label, 10) for kind in kinds],
            (_("Verified entries"), 10),
            (_("Contract amount (10k yuan)"), 12),
            (_("Excellence year"), 10),
            (_("Excellent officers"), 10),
            (_("Reports on time (%)"), 10),
        ],
    )
    for row in rows:
        sheet.row(
            [
                row.tenant.name,
                row.tenant.slug,
                row.officers,
                *[row.entries[kind.value] for kind in kinds],
                row.entries_total,
                row.contract_amount,
                row.excellence_year if row.excellence_year is not None else "",
                row.excellent,
                row.on_time_percent if row.on_time_percent is not None else "",
            ]
        )
    if rows:
        total = figures_total(rows)
        sheet.row(
            [
                _("Total"),
                "",
                total.officers,
                *[total.entries[kind.value] for kind in kinds],
                total.entries_total,
                total.contract_amount,
                "",
                total.excellent,
                "",
            ]
        )
    sheet.close()
    return workbook_bytes(workbook)
