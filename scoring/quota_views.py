"""Quota report pages: the months, a month's report with filters and
progress bars, its Excel file; admins build a month by hand."""

from __future__ import annotations

from fractions import Fraction

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
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
from roster.selectors import district_list, districts_in_reach, officer_list

from .models import QuotaReport
from .quotas import previous_month, quota_report_build
from .selectors.quota_rows import ReportRows

QUOTA_READERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER})
#: rows on a page of a month's report (a report at L holds 162,520)
PAGE_ROWS = 100


def _reports(membership):
    return QuotaReport.objects.for_tenant(membership.tenant).order_by("-month")


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
        # the rows stay in the database: the page reads its own (ReportRows)
        return get_object_or_404(_reports(self.membership).defer("rows"), pk=self.kwargs["pk"])

    def filtered_rows(self, report) -> ReportRows:
        """The report's rows in the caller's reach that pass the page's
        filters (read by the database a page or a chunk at a time)."""
        get = self.request.GET
        status = get.get("status")
        return ReportRows(
            report,
            districts=None
            if self.membership.reads_all
            else set(districts_in_reach(membership=self.membership).values_list("code", flat=True)),
            district=get.get("district") or None,
            met={"met": True, "behind": False}.get(status),
            scope=get.get("scope") if get.get("scope") in ("officer", "district") else None,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        labels = policy_in_force(tenant=self.tenant).category_labels
        names = dict(district_list(tenant=self.tenant).values_list("code", "name"))
        matched = self.filtered_rows(report)
        page_obj = Paginator(matched, PAGE_ROWS).get_page(self.request.GET.get("page"))
        rows = page_obj.object_list
        for row in rows:
            required = Fraction(row["required_exact"])
            row["percent"] = 100 if not required else min(100, int(row["counted"] * 100 / required))
            row["quota_label"] = quota_label(row["quota"])
            row["category_label"] = labels.get(row["category"], row["category"])
            row["district_name"] = names.get(row["district"] or "", "")
        context.update(
            report=report,
            rows=rows,
            page_obj=page_obj,
            behind=matched.behind(),
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
        # the units of the officers in the caller's reach (a manager: their districts')
        units = dict(
            officer_list(membership=self.membership)
            .select_related(None)
            .order_by()
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
