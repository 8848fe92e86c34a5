"""Ranking and statement pages."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
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
from .export_jobs import live_progress
from .exports import pool_label, ranking_xlsx, statement_xlsx
from .models import ExportJob
from .selectors import (
    after_freeze_changes,
    cached_ranking,
    export_job_list,
    latest_year_with_data,
    officer_months,
    pools_in_reach,
    ranking_for,
    snapshot_get,
    statement_for,
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
    """One pool at a time (issue 16 item 3): a pool picker, the pool's chart
    and a page of its table; excellence marks, the boundary and ties made
    visible. The ranking is read from the cache (computed once per change
    of the year's inputs)."""

    roles = RANKING_READERS
    template_name = "scoring/ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        asked = self.request.GET.get("pool") or ""
        chooser = _PoolChooser(self.membership, asked)
        ranking = cached_ranking(tenant=self.tenant, year=year, pools=chooser)
        index = ranking.index
        visible = chooser.visible  # read once, when the pool was chosen
        if asked and not ranking.pools:
            raise Http404(_("No such pool in this ranking."))
        districts = dict(district_list(tenant=self.tenant).values_list("code", "name"))
        final = index["status"] == "final"
        snapshot = snapshot_get(tenant=self.tenant, year=year) if final else None
        pool = page_obj = figures = None
        if ranking.pools:
            ((position, pool),) = ranking.pools.items()
            figures = index["pools"][position]
            pool = {**pool, "label": pool_label(pool["pool"], districts)}
            page_obj = Paginator(pool["rows"], settings.RANKING_PAGE_SIZE).get_page(
                self.request.GET.get("page")
            )
            _mark_rows(pool["rows"], page_obj, districts)
            # issue 15: each officer's conversion rate of demands, for the rows shown
            annotate_conversion_rates(tenant=self.tenant, year=year, rows=page_obj.object_list)
        # award candidates are read off the whole programme's ranking: a
        # manager's view (their districts only) would name the wrong people
        reads_all = self.membership.reads_all
        everyone = index["candidates"] if reads_all else []
        context.update(
            pool_chart=(
                pool_charts(tenant=self.tenant, year=year, pools=[pool], final=snapshot)[0]
                if pool is not None
                else None
            ),
            pool_choices=[
                {
                    "pool": p["pool"],
                    "label": pool_label(p["pool"], districts),
                    "size": p["size"],
                    "query": urlencode({"pool": p["pool"]}),
                }
                for p in visible
            ],
            pool=pool,
            figures=figures,
            page_obj=page_obj,
            year=year,
            years=range(year - 3, year + 2),
            ranking=index,
            candidates_hidden=not reads_all,
            kinds=[
                (code, _("%(kind)s (entries)") % {"kind": label})
                for code, label in EntryKind.choices
            ],
            gold=everyone[:1],
            top_ten=everyone[1:11],
            can_finalize=self.membership.role == Role.ADMIN and not final,
            can_export=self.membership.role in READERS,
            changes=after_freeze_changes(tenant=self.tenant, year=year) if final else [],
            snapshot=snapshot,
        )
        return context


class _PoolChooser:
    """For :func:`cached_ranking`: the pool to show, the one asked for if the
    member may see it, else (none asked) the first they may see. Keeps the
    pools the member may see (``visible``): a district manager's reach is
    read once per page."""

    def __init__(self, membership, asked: str):
        self.membership, self.asked = membership, asked
        self.visible: list[dict] = []

    def __call__(self, index: dict) -> list[int]:
        self.visible = pools_in_reach(membership=self.membership, pools=index["pools"])
        names = [p["pool"] for p in index["pools"]]
        seen = {p["pool"] for p in self.visible}
        wanted = self.asked or next((n for n in names if n in seen), None)
        return [i for i, n in enumerate(names) if n == wanted and n in seen]


def _mark_rows(rows: list[dict], page_obj, districts: dict[str, str]) -> None:
    """Ties, the excellence boundary, district names and reason labels on
    the rows of the page (a tie or the boundary may reach across its edge:
    the neighbours come from the whole pool)."""
    first = page_obj.start_index() - 1
    for i, row in enumerate(page_obj.object_list, start=first):
        exact = row["points_exact"]  # reduced fractions: equal text, equal points
        row["tied"] = (i > 0 and rows[i - 1]["points_exact"] == exact) or (
            i + 1 < len(rows) and rows[i + 1]["points_exact"] == exact
        )
        row["boundary"] = row["excellent"] and (i + 1 == len(rows) or not rows[i + 1]["excellent"])
        row["district_name"] = districts.get(row["district"] or "", "")
        row["reason_label"] = REASONS.get(row["reason"], row["reason"])


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
    """A background export's progress (polled with htmx) and its download
    link. The tenant export's pages (``portability.urls``) are this view and
    :class:`ExportDownloadView` under their own routes."""

    roles = ALL_ROLES
    page_route, download_route, list_route = "export-page", "export-download", ""

    def get_template_names(self):
        if self.request.htmx:
            return ["scoring/_export_status.html"]
        return ["scoring/export.html"]

    def jobs(self):
        return export_job_list(membership=self.membership)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = get_object_or_404(self.jobs(), pk=self.kwargs["pk"])
        job.progress = live_progress(job)
        context.update(
            job=job,
            page_route=self.page_route,
            download_route=self.download_route,
            list_route=self.list_route,
        )
        return context


class ExportDownloadView(TenantPageMixin, View):
    roles = ALL_ROLES
    page_route = "export-page"

    def jobs(self):
        return export_job_list(membership=self.membership)

    def get(self, request, tenant_slug, pk):
        job = get_object_or_404(self.jobs(), pk=pk)
        if job.status != ExportJob.Status.DONE:  # not ready: back to its progress page
            return redirect(self.page_route, tenant_slug=tenant_slug, pk=pk)
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=job.content_type,
        )
