"""Ranking and statement pages."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from accounts.selectors import policy_in_force
from ledgers.choices import EntryKind
from liaison.api.permissions import ADMIN, ALL_ROLES, READERS
from liaison.errors import Conflict
from liaison.excel import XLSX
from liaison.views import TenantPageMixin
from matching.funnel import annotate_conversion_rates  # issue 15
from roster.selectors import district_list, officer_list

from .charts import MAX_SERIES, Chart, cumulative, line_chart
from .exports import pool_label, ranking_xlsx, statement_xlsx
from .models import ExportJob
from .selectors import (
    after_freeze_changes,
    export_job_list,
    latest_year_with_data,
    officer_months,
    ranking_for,
    snapshot_get,
    statement_for,
    year_result,
)
from .services import ranking_export_start, ranking_finalize

RANKING_READERS = READERS | {Role.DISTRICT_MANAGER}

#: The engine's reasons (English, data) as labels in the user's language.
REASONS = {
    "within the places": gettext_lazy("within the excellence places"),
    "tied for the last place (ties included)": gettext_lazy(
        "tied for the last place (ties included)"
    ),
    "outside the places": gettext_lazy("outside the excellence places"),
    "no points": gettext_lazy("no points: not eligible"),
    "disqualified in the year": gettext_lazy("disqualified in the year: not eligible"),
    "not eligible": gettext_lazy("not eligible"),
    "discipline violation": gettext_lazy("discipline violation: excellence removed"),
}
STATEMENT_READERS = READERS | {Role.DISTRICT_MANAGER, Role.OFFICER}


class RankingRedirectView(TenantPageMixin, View):
    roles = RANKING_READERS

    def get(self, request, tenant_slug):
        year = latest_year_with_data(tenant=self.tenant, today=timezone.localdate())
        return redirect("ranking-page", tenant_slug=tenant_slug, year=year)


class RankingPageView(TenantPageMixin, TemplateView):
    """Pools as tabs; excellence marks, the boundary and ties made visible."""

    roles = RANKING_READERS
    template_name = "scoring/ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        snapshot = snapshot_get(tenant=self.tenant, year=year)
        # a draft is computed once, for the table and the chart
        result = None if snapshot else year_result(tenant=self.tenant, year=year)
        ranking = ranking_for(membership=self.membership, year=year, result=result)
        districts = dict(district_list(tenant=self.tenant).values_list("code", "name"))
        # issue 15: each officer's conversion rate of demands, one small figure
        annotate_conversion_rates(
            tenant=self.tenant, year=year, rows=[r for p in ranking["pools"] for r in p["rows"]]
        )
        pools = []
        for pool in ranking["pools"]:
            rows = pool["rows"]
            totals = [Fraction(r["points_exact"]) for r in rows]
            for i, row in enumerate(rows):
                row["tied"] = (i > 0 and totals[i] == totals[i - 1]) or (
                    i + 1 < len(rows) and totals[i] == totals[i + 1]
                )
                row["boundary"] = row["excellent"] and (
                    i + 1 == len(rows) or not rows[i + 1]["excellent"]
                )
                row["district_name"] = districts.get(row["district"] or "", "")
                row["reason_label"] = REASONS.get(row["reason"], row["reason"])
            pools.append(
                {
                    **pool,
                    "label": pool_label(pool["pool"], districts),
                    "excellent_count": sum(r["excellent"] for r in rows),
                }
            )
        # award candidates are read off the whole programme's ranking: a
        # manager's view (their districts only) would name the wrong people
        whole = self.membership.reads_all
        everyone = (
            sorted(
                (
                    r
                    for p in pools
                    for r in p["rows"]
                    if Fraction(r["points_exact"]) > 0 and r.get("eligible", True)
                ),
                key=lambda r: (-Fraction(r["points_exact"]), r["officer"]),
            )
            if whole
            else []
        )
        context.update(
            pool_charts=pool_charts(tenant=self.tenant, year=year, pools=pools, final=snapshot),
            year=year,
            years=range(year - 3, year + 2),
            ranking=ranking,
            candidates_hidden=not whole,
            pools=pools,
            kinds=[
                (code, _("%(kind)s (entries)") % {"kind": label})
                for code, label in EntryKind.choices
            ],
            gold=everyone[:1],
            top_ten=everyone[1:11],
            can_finalize=self.membership.role == Role.ADMIN and ranking["status"] == "draft",
            can_export=self.membership.role in READERS,
            changes=after_freeze_changes(tenant=self.tenant, year=year)
            if ranking["status"] == "final"
            else [],
            snapshot=snapshot,
        )
        return context


def pool_charts(*, tenant, year: int, pools: list[dict], final) -> list[Chart]:
    """One small chart per pool: its best officers' points accumulated month
    by month (bonus aside), the top :data:`MAX_SERIES` of those with points."""
    scored = {p["pool"]: [r for r in p["rows"] if Fraction(r["points_exact"]) > 0] for p in pools}
    shown = [r["officer"] for rows in scored.values() for r in rows[:MAX_SERIES]]
    months = officer_months(tenant=tenant, year=year, officers=shown, final=final)
    return [
        line_chart(
            str(p["label"]),
            [
                (r["full_name"], cumulative(months[r["officer"]]))
                for r in scored[p["pool"]][:MAX_SERIES]
            ],
            total=len(scored[p["pool"]]),
        )
        for p in pools
    ]


class RankingFinalizePageView(TenantPageMixin, View):
    roles = ADMIN

    def post(self, request, tenant_slug, year):
        try:
            ranking_finalize(membership=self.membership, year=year)
            messages.success(request, _("The %(year)d ranking is finalised.") % {"year": year})
        except Conflict as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(
            reverse("ranking-page", kwargs={"tenant_slug": tenant_slug, "year": year})
        )


class StatementPageView(TenantPageMixin, TemplateView):
    """An officer's statement with a chart of points per month."""

    roles = STATEMENT_READERS
    template_name = "scoring/statement.html"

    def get_officer(self):
        return get_object_or_404(officer_list(membership=self.membership), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        officer, year = self.get_officer(), self.kwargs["year"]
        statement = statement_for(tenant=self.tenant, officer=officer, year=year)
        names = _names(self.tenant, statement)
        monthly = defaultdict(Fraction)
        for line in statement["lines"]:
            monthly[int(line["occurred_on"][5:7])] += Fraction(line["share_exact"])
            line["credited_names"] = [names.get(i, str(i)) for i in line["credited"]]
            line["kind_label"] = EntryKind(line["kind"]).label
        context.update(
            bonus_reason=_bonus_label(statement),
            officer=officer,
            # the printed statement names the officer's category (issue 14 item 7)
            category_label=policy_in_force(tenant=self.tenant).category_labels.get(
                officer.category, officer.category
            ),
            year=year,
            statement=statement,
            months=list(range(1, 13)),
            monthly=[round(float(monthly[m]), 2) for m in range(1, 13)],
            years=range(year - 3, year + 2),
        )
        return context


class StatementExportView(StatementPageView):
    def get(self, request, *args, **kwargs):
        officer, year = self.get_officer(), self.kwargs["year"]
        statement = statement_for(tenant=self.tenant, officer=officer, year=year)
        body = statement_xlsx(
            tenant=self.tenant,
            officer=officer,
            statement=statement,
            names=_names(self.tenant, statement),
            user=request.user,
        )
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="statement-{officer.pk}-{year}.xlsx"'
        )
        return response


def _bonus_label(statement: dict) -> str:
    """The engine's bonus reason (English data) in the user's language."""
    reason = statement.get("bonus_reason", "")
    if not reason:
        return ""
    threshold = "".join(ch for ch in reason if ch.isdigit())
    if "no credited conversion" in reason:
        return _(
            "The year total is above %(t)s points, but no successful conversion "
            "credits this officer: no bonus."
        ) % {"t": threshold}
    return _("The year total is above %(t)s points: a bonus once a year.") % {"t": threshold}


def _names(tenant, statement) -> dict[int, str]:
    from roster.models import Officer

    ids = {i for line in statement["lines"] for i in line["credited"]}
    return dict(
        Officer.objects.for_tenant(tenant).filter(id__in=ids).values_list("id", "full_name")
    )


class RankingExportPageView(TenantPageMixin, View):
    """The ranking as Excel: small files at once, large ones as a background
    job whose page shows the progress and then the download link."""

    roles = READERS

    def get(self, request, tenant_slug, year):
        ranking = ranking_for(membership=self.membership, year=year)
        rows = sum(len(p["rows"]) for p in ranking["pools"])
        if rows > settings.EXPORT_INLINE_MAX_ROWS or request.GET.get("background"):
            job = ranking_export_start(membership=self.membership, year=year)
            return redirect("export-page", tenant_slug=tenant_slug, pk=job.pk)
        districts = dict(district_list(tenant=self.tenant).values_list("code", "name"))
        body = ranking_xlsx(
            tenant=self.tenant, ranking=ranking, districts=districts, user=request.user
        )
        response = HttpResponse(body, content_type=XLSX)
        name = f"ranking-{self.tenant.slug}-{year}-{ranking['status']}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ExportPageView(TenantPageMixin, TemplateView):
    """A background export's progress (polled with htmx) and its download link."""

    roles = ALL_ROLES

    def get_template_names(self):
        if self.request.htmx:
            return ["scoring/_export_status.html"]
        return ["scoring/export.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = get_object_or_404(
            export_job_list(membership=self.membership), pk=self.kwargs["pk"]
        )
        return context


class ExportDownloadView(TenantPageMixin, View):
    roles = ALL_ROLES

    def get(self, request, tenant_slug, pk):
        job = get_object_or_404(export_job_list(membership=self.membership), pk=pk)
        if job.status != ExportJob.Status.DONE:  # not ready: back to its progress page
            return redirect("export-page", tenant_slug=tenant_slug, pk=pk)
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX
        )
