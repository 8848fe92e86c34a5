"""Assessment pages (issue 12 "The centre decides"): the year's grades, the
centre's decisions and finalisation, results letters per dispatching unit
and the Excel export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from accounts.models import Membership
from liaison.api.permissions import ADMIN, READERS
from liaison.errors import Conflict
from liaison.excel import XLSX
from liaison.views import TenantPageMixin
from matching.funnel import annotate_conversion_rates  # issue 15
from roster.selectors import districts_in_reach, unit_list
from scoring.engine import assessment as engine

from .exports import assessment_xlsx
from .selectors import (
    assessment_year_rows,
    grade_labels,
    in_reach,
    reason_text,
    render_row,
    shown,
)
from .services import assessment_finalize, grade_set

ASSESSMENT_READERS = READERS | {Role.DISTRICT_MANAGER}


def year_table(*, membership: Membership, year: int) -> dict:
    """The year's rows in reach, with labels for people."""
    rows = assessment_year_rows(tenant=membership.tenant, year=year)
    grades = grade_labels(rows.rules)
    categories = rows.policy.category_labels
    components = [(c.code, c.label or c.code) for c in rows.rules.components]
    if rows.rules.method == "points":
        components = [("points", _("Points"))]
    out = []
    for row in in_reach(rows, membership):
        officer = rows.officers[row["officer"]]
        shaped = render_row(row, rows)
        shaped.update(
            score_exact=row["score"],
            component_exact=[row["components"].get(code) for code, _label in components],
            component_cells=[
                (shown(row["components"].get(code)), label) for code, label in components
            ],
            category_label=categories.get(officer.category, officer.category),
            district_name=officer.district.name if officer.district_id else "",
            unit_id=officer.unit_id,
            unit_name=officer.unit.name if officer.unit_id else "",
            proposed_label=grades.get(row["proposed_grade"], row["proposed_grade"]),
            grade_label=grades.get(row["grade"], row["grade"]),
            changed=row["grade"] != row["proposed_grade"],
            reasons=[reason_text(r, rows.rules) for r in row["reasons"]],
        )
        out.append(shaped)
    return {
        "status": rows.status,
        "rules": rows.rules,
        # the grades one may set (not "pending")
        "grades": [(code, label) for code, label in grades.items() if code != engine.PENDING],
        "components": components,
        "rows": out,
    }


class AssessmentRedirectView(TenantPageMixin, View):
    """The current year's assessment (the year selector reaches the others)."""

    roles = ASSESSMENT_READERS

    def get(self, request, tenant_slug):
        year = timezone.localdate().year
        return redirect("assessment-page", tenant_slug=tenant_slug, year=year)


ROWS_PER_PAGE = 50


class AssessmentPageView(TenantPageMixin, TemplateView):
    """Every officer's components, proposed grade, grade in force and reasons;
    the admin sets grades with a reason and finalises the year."""

    roles = ASSESSMENT_READERS
    template_name = "assessment/grades/year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        table = year_table(membership=self.membership, year=year)
        # issue 15: each officer's conversion rate of demands, one figure
        annotate_conversion_rates(tenant=self.tenant, year=year, rows=table["rows"])
        counts = {code: 0 for code, _label in table["grades"]}
        for row in table["rows"]:
            counts[row["grade"]] = counts.get(row["grade"], 0) + 1
        pending = [row for row in table["rows"] if row["grade"] == engine.PENDING]
        units = {}
        for row in table["rows"]:
            if row["unit_id"] is not None:
                units[row["unit_id"]] = row["unit_name"]
        # issue 14 "Lists": search by name or district, filter by grade, 50 a page
        get = self.request.GET
        shown = table["rows"]
        query = get.get("q", "").strip().casefold()
        if query:
            shown = [
                r
                for r in shown
                if query in r["full_name"].casefold()
                or query in (r.get("district_name") or "").casefold()
            ]
        if get.get("grade"):
            shown = [r for r in shown if r["grade"] == get["grade"]]
        page_obj = Paginator(shown, ROWS_PER_PAGE).get_page(get.get("page"))
        context.update(
            year=year,
            years=range(year - 3, year + 2),
            table=table,
            rows=page_obj.object_list,
            page_obj=page_obj,
            filters=get,
            counts=[(label, counts.get(code, 0)) for code, label in table["grades"]]
            + ([(pgettext("assessment grade", "Pending"), len(pending))] if pending else []),
            pending=pending,
            units=sorted(units.items(), key=lambda u: u[1]),
            can_decide=self.membership.role == Role.ADMIN and table["status"] == "draft",
            can_export=self.membership.role in ASSESSMENT_READERS,
        )
        return context


def _back(tenant_slug: str, year: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("assessment-page", kwargs={"tenant_slug": tenant_slug, "year": year})
    )


class GradeSetPageView(TenantPageMixin, View):
    roles = ADMIN

    def post(self, request, tenant_slug, year, officer_id):
        try:
            grade_set(
                membership=self.membership,
                year=year,
                officer_id=officer_id,
                grade=request.POST.get("grade", ""),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("The grade is set."))
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
        except Conflict as exc:
            messages.error(request, exc.message)
        return _back(tenant_slug, year)


class AssessmentFinalizePageView(TenantPageMixin, View):
    roles = ADMIN

    def post(self, request, tenant_slug, year):
        try:
            assessment_finalize(membership=self.membership, year=year)
            messages.success(request, _("The %(year)d assessment is finalised.") % {"year": year})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except Conflict as exc:
            messages.error(request, exc.message)
        return _back(tenant_slug, year)


class ResultsLetterView(TenantPageMixin, TemplateView):
    """A printable results letter (考核结果反馈) to one dispatching unit: its
    officers and their grades."""

    roles = ASSESSMENT_READERS
    template_name = "assessment/grades/letter.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        unit = get_object_or_404(unit_list(tenant=self.tenant), pk=self.kwargs["unit_id"])
        if not self.membership.reads_all and not (
            districts_in_reach(membership=self.membership).filter(pk=unit.district_id).exists()
        ):
            raise Http404
        table = year_table(membership=self.membership, year=year)
        context.update(
            year=year,
            unit=unit,
            table=table,
            rows=[r for r in table["rows"] if r["unit_id"] == unit.id],
            issued_on=timezone.localdate(),
        )
        return context


class AssessmentExportView(TenantPageMixin, View):
    """The year as an .xlsx file (the rows the caller may see)."""

    roles = ASSESSMENT_READERS

    def get(self, request, tenant_slug, year):
        table = year_table(membership=self.membership, year=year)
        body = assessment_xlsx(
            tenant=self.tenant, year=year, status=table["status"], table=table, user=request.user
        )
        response = HttpResponse(body, content_type=XLSX)
        name = f"assessment-{self.tenant.slug}-{year}-{table['status']}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
