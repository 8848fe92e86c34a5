"""Quota report pages: the months, a month's report with filters and
progress bars, its Excel file; admins build a month by hand."""

from __future__ import annotations

from fractions import Fraction

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView

from accounts.choices import Role
from accounts.selectors import policy_in_force
from ledgers.choices import EntryKind
from liaison.excel import (
    XLSX,
    Provenance,
    SheetWriter,
    describe_filters,
    heading,
    new_workbook,
    text_id,
    workbook_bytes,
)
from liaison.views import TenantPageMixin
from roster.models import Officer
from roster.selectors import district_list, districts_in_reach

from .models import QuotaReport
from .quotas import previous_month, quota_report_build

QUOTA_READERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER})


def _reports(membership):
    return QuotaReport.objects.for_tenant(membership.tenant).order_by("-month")


def _visible_rows(membership, report: QuotaReport) -> list[dict]:
    if membership.reads_all:
        return list(report.rows)
    codes = set(districts_in_reach(membership=membership).values_list("code", flat=True))
    return [r for r in report.rows if r["district"] in codes]


def quota_label(code: str) -> str:
    """``"achievement/month"`` → "征集科技成果 / 月" (labels in the user's language)."""
    kind, period, *basis = code.split("/")
    label = f"{EntryKind(kind).label} · {pgettext('quota period', period)}"
    return label + (f" · {_('valid')}" if basis else "")


class QuotaListView(TenantPageMixin, TemplateView):
    roles = QUOTA_READERS
    template_name = "scoring/quota_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            reports=_reports(self.membership),
            suggested=previous_month(),
            can_build=self.membership.role == Role.ADMIN,
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.membership.role != Role.ADMIN:
            return redirect("quota-list", tenant_slug=self.tenant.slug)
        try:
            report = quota_report_build(
                tenant=self.tenant, month=request.POST.get("month", ""), by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("quota-list", tenant_slug=self.tenant.slug)
        messages.success(request, _("The %(month)s report is built.") % {"month": report.month})
        return redirect("quota-detail", tenant_slug=self.tenant.slug, pk=report.pk)


class QuotaDetailView(TenantPageMixin, TemplateView):
    """A month's report: officers and districts, met or not, with the
    progress to date against the pro-rated expectation."""

    roles = QUOTA_READERS
    template_name = "scoring/quota_detail.html"

    def get_report(self):
        return get_object_or_404(_reports(self.membership), pk=self.kwargs["pk"])

    def filtered_rows(self, report):
        rows = _visible_rows(self.membership, report)
        get = self.request.GET
        if get.get("district"):
            rows = [r for r in rows if r["district"] == get["district"]]
        if get.get("status") in ("met", "behind"):
            rows = [r for r in rows if r["met"] == (get["status"] == "met")]
        if get.get("scope") in ("officer", "district"):
            rows = [r for r in rows if r["subject"].startswith(get["scope"])]
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        labels = policy_in_force(tenant=self.tenant).category_labels
        names = dict(district_list(tenant=self.tenant).values_list("code", "name"))
        rows = self.filtered_rows(report)
        for row in rows:
            required = Fraction(row["required_exact"])
            row["percent"] = 100 if not required else min(100, int(row["counted"] * 100 / required))
            row["quota_label"] = quota_label(row["quota"])
            row["category_label"] = labels.get(row["category"], row["category"])
            row["district_name"] = names.get(row["district"] or "", "")
        context.update(
            report=report,
            rows=rows,
            behind=sum(1 for r in rows if not r["met"]),
            filters=self.request.GET,
            # issue 14 "Lists": the filter offers only the districts in reach
            districts=districts_in_reach(membership=self.membership),
        )
        return context


class QuotaExportView(QuotaDetailView):
    """The month's report as Excel (the same filtered rows)."""

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        filters = describe_filters(request.GET)
        filters = {_("Month"): report.month, **filters}
        book = new_workbook(
            provenance=Provenance(
                tenant=self.tenant,
                user=request.user,
                kind="quota-report",
                kind_label=_("Quota report"),
                filters=filters,
                policy_version=str(report.policy_version),
            )
        )
        names = dict(district_list(tenant=self.tenant).values_list("code", "name"))
        rows = self.filtered_rows(report)
        units = dict(
            Officer.objects.for_tenant(self.tenant)
            .filter(pk__in={r["officer"] for r in rows if r["officer"]})
            .values_list("pk", "unit__name")
        )
        sheet = SheetWriter(
            book,
            report.month,
            heading=heading(
                self.tenant.name, _("Quota report %(month)s") % {"month": report.month}
            ),
            columns=[
                (_("Officer ID"), 10),
                (_("Officer"), 12),
                (_("District"), 12),
                (_("Dispatching unit"), 20),
                (_("Quota"), 24),
                (_("Period"), 24),
                (_("Required to date"), 12),
                (_("Counted"), 10),
                (_("Of which verified"), 10),
                (_("Met"), 8),
                # issue 13: the month's duties of the officer (blank: a
                # district's row, or a report built before them)
                (pgettext("quota report", "Reports due"), 10),
                (pgettext("quota report", "Reports late"), 10),
                (pgettext("quota report", "Service days"), 10),
            ],
        )
        for row in rows:
            sheet.row(
                [
                    text_id(row["officer"]),
                    row["full_name"] or _("(district)"),
                    names.get(row["district"] or "", ""),
                    units.get(row["officer"]) or "",
                    quota_label(row["quota"]),
                    f"{row['period_start']} – {row['period_end']}",
                    Fraction(row["required_exact"]),
                    row["counted"],
                    row["verified"],
                    _("Yes") if row["met"] else _("No"),
                    row.get("reports_due"),
                    row.get("reports_late"),
                    row.get("service_days"),
                ]
            )
        sheet.close()
        response = HttpResponse(workbook_bytes(book), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="quota-{self.tenant.slug}-{report.month}.xlsx"'
        )
        return response
