"""Scoring API: annual rankings, finalisation, Excel export and the
background export jobs."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from accounts.choices import Role
from liaison.api.concurrency import etag_for_body
from liaison.api.exceptions import Conflict
from liaison.api.permissions import ADMIN, ALL_ROLES, READERS
from liaison.api.viewsets import TenantScopedAPIView, TenantScopedViewSet
from liaison.excel import XLSX
from roster.selectors import district_list, districts_in_reach
from scoring.export_jobs import live_progress
from scoring.exports import ranking_xlsx
from scoring.models import ZIP, ExportJob, QuotaReport
from scoring.quotas import check_month, quota_report_build
from scoring.selectors import (
    cached_ranking,
    export_job_list,
    pool_named,
    pools_in_reach,
    ranking_encoded,
    ranking_for,
)
from scoring.selectors.quota_rows import ReportRows
from scoring.services import ranking_export_start, ranking_finalize

RANKING_READERS = READERS | {Role.DISTRICT_MANAGER}


#: The query parameters of one pool's page (issue 16 item 3).
POOL_PAGE_PARAMS = ("pool", "page", "page_size")
POOL_PAGE_SIZE, POOL_MAX_PAGE_SIZE = 50, 500


def _whole_number(request, name: str, default: int, *, most: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (most is not None and int(raw) > most):
        message = (
            _("Give a whole number from 1 to %(most)d.") % {"most": most}
            if most is not None
            else _("Give a whole number from 1.")
        )
        raise serializers.ValidationError({name: [message]})
    return int(raw)


def pool_page(request, membership, year: int) -> dict:
    """One pool's rows, a page at a time: ``{"year","status","pool":{whole-
    pool figures},"count","next","previous","results"}`` (and the
    finalisation's ``finalized_at``, ``policy_version``). 404 for a pool
    that is not in the caller's ranking (none such, or out of reach) and for
    a page past the last. Reads that pool only from the cache."""
    name = request.query_params.get("pool")
    if not name:
        raise serializers.ValidationError(
            {"pool": [_("Name the pool to page through (for example pool=city).")]}
        )
    page = _whole_number(request, "page", 1)
    size = _whole_number(request, "page_size", POOL_PAGE_SIZE, most=POOL_MAX_PAGE_SIZE)
    ranking = cached_ranking(tenant=membership.tenant, year=year, pools=pool_named(name))
    if not ranking.pools or not pools_in_reach(
        membership=membership, pools=[ranking.index["pools"][i] for i in ranking.pools]
    ):
        raise NotFound(_("No such pool in this ranking."))
    ((position, pool),) = ranking.pools.items()
    rows = pool["rows"]
    pages = max(1, -(-len(rows) // size))
    if page > pages:
        raise NotFound(_("That page is past the last one."))
    url = request.build_absolute_uri()
    body = {k: v for k, v in ranking.body().items() if k != "pools"}
    body.update(
        pool=ranking.index["pools"][position],
        count=len(rows),
        next=replace_query_param(url, "page", page + 1) if page < pages else None,
        previous=(
            None
            if page == 1
            else remove_query_param(url, "page")
            if page == 2
            else replace_query_param(url, "page", page - 1)
        ),
        results=rows[(page - 1) * size : page * size],
    )
    return body


class RankingView(TenantScopedAPIView):
    """The year's ranking per pool: the live draft, or the finalised snapshot.
    Read from the cache, computed once per change of the year's inputs."""

    method_roles = {"GET": RANKING_READERS}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "pool",
                str,
                description="Addition (issue 16): one pool's rows, a page at a time "
                "(`city`, `district:CODE`, `all`); 404 for a pool out of reach.",
            ),
            OpenApiParameter("page", int, description="with `pool`: the page, from 1"),
            OpenApiParameter(
                "page_size",
                int,
                description=f"with `pool`: rows per page ({POOL_PAGE_SIZE} by default, "
                f"{POOL_MAX_PAGE_SIZE} at most)",
            ),
        ],
        responses={
            200: OpenApiResponse(
                description="Without `pool`: the ranking per pool, every row "
                '(`{"year","status","pools":[{"pool","size","excellent_places","rows"}]}`). '
                "Addition (issue 16), with `pool`: "
                '`{"year","status","pool":{"pool","size","excellent_places","excellent",'
                '"with_points","line","line_exact"},"count","next","previous","results":[rows]}`; '
                "a final ranking adds `finalized_at` and `policy_version` to both."
            )
        },
    )
    def get(self, request, tenant_slug: str, year: int):
        if any(name in request.query_params for name in POOL_PAGE_PARAMS):
            return Response(pool_page(request, self.membership, year))
        renderer = request.accepted_renderer
        if not isinstance(renderer, JSONRenderer):  # another format: DRF renders it
            return Response(ranking_for(membership=self.membership, year=year))
        # JSON: the encoded body is cached beside the ranking, so a read sends
        # those bytes as DRF's own renderer wrote them (no re-encoding)
        context = self.get_renderer_context()
        media_type = request.accepted_media_type
        body = ranking_encoded(
            membership=self.membership,
            year=year,
            encode=lambda data: renderer.render(data, media_type, context),
            variant=f"{type(renderer).__module__}.{type(renderer).__qualname__};{media_type}",
        )
        content_type = (
            f"{renderer.media_type}; charset={renderer.charset}"
            if renderer.charset
            else renderer.media_type
        )
        return HttpResponse(body, content_type=content_type)


class RankingFinalizeView(TenantScopedAPIView):
    """Freeze the year's ranking (admin; once)."""

    method_roles = {"POST": ADMIN}

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(description="final ranking"),
            409: OpenApiResponse(description="already final"),
        },
    )
    def post(self, request, tenant_slug: str, year: int):
        ranking_finalize(membership=self.membership, year=year)
        return Response(ranking_for(membership=self.membership, year=year))


class RankingExportView(TenantScopedAPIView):
    """The year's ranking as an .xlsx file, one sheet per pool."""

    method_roles = {"GET": READERS}
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "export"

    @extend_schema(
        parameters=[OpenApiParameter("background", bool, description="always run as a job")],
        responses={
            (200, XLSX): OpenApiResponse(description="Excel workbook"),
            202: OpenApiResponse(description='{"job": id}: a background export'),
        },
    )
    def get(self, request, tenant_slug: str, year: int):
        ranking = ranking_for(membership=self.membership, year=year)
        rows = sum(len(p["rows"]) for p in ranking["pools"])
        if request.query_params.get("background") or rows > settings.EXPORT_INLINE_MAX_ROWS:
            job = ranking_export_start(membership=self.membership, year=year)
            return Response(
                {
                    "job": job.pk,
                    "status_url": reverse(
                        "api:export-detail", kwargs={"tenant_slug": tenant_slug, "pk": job.pk}
                    ),
                },
                status=status.HTTP_202_ACCEPTED,
            )
        districts = dict(district_list(tenant=self.tenant).values_list("code", "name"))
        body = ranking_xlsx(
            tenant=self.tenant, ranking=ranking, districts=districts, user=request.user
        )
        response = HttpResponse(body, content_type=XLSX)
        name = f"ranking-{self.tenant.slug}-{year}-{ranking['status']}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ExportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "params",
            "status",
            "progress",
            "filename",
            "error",
            "created_at",
            "finished_at",
            "download",
        ]

    def get_progress(self, obj) -> int:
        return live_progress(obj)

    def get_download(self, obj) -> str | None:
        if obj.status != ExportJob.Status.DONE:
            return None
        view = self.context.get("view")
        route = getattr(view, "download_route", "api:export-download")
        return reverse(route, kwargs={"tenant_slug": obj.tenant.slug, "pk": obj.pk})


class ExportJobViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, TenantScopedViewSet):
    """Background exports: status and progress, then the file (an Excel
    workbook, or the zip of a whole-tenant export: admins only)."""

    model = ExportJob
    serializer_class = ExportJobSerializer
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "download": ALL_ROLES}
    download_route = "api:export-download"

    def scope_queryset(self, queryset):
        return export_job_list(membership=self.membership).select_related("tenant")

    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="the file"),
            (200, ZIP): OpenApiResponse(
                OpenApiTypes.BINARY, description="the zip of a whole-tenant export (admins)"
            ),
            409: OpenApiResponse(description="not finished"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status != ExportJob.Status.DONE:
            raise Conflict(_("The export is not finished yet."))
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=job.content_type,
        )


class QuotaReportSerializer(serializers.ModelSerializer):
    rows = serializers.SerializerMethodField()

    class Meta:
        model = QuotaReport
        fields = ["id", "month", "generated_at", "policy_version", "rows"]

    def get_rows(self, obj) -> list[dict]:
        codes = self.context.get("district_codes")
        return [row for row in obj.rows if codes is None or row["district"] in codes]


class QuotaReportListSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuotaReport
        fields = ["id", "month", "generated_at", "policy_version"]


class QuotaMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")


class QuotaReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Monthly quota reports; admins (re)build a month, district managers
    read their districts' rows."""

    model = QuotaReport
    filterset_fields = ["month"]
    action_roles = {"list": RANKING_READERS, "retrieve": RANKING_READERS, "create": ADMIN}

    def get_serializer_class(self):
        return QuotaReportListSerializer if self.action == "list" else QuotaReportSerializer

    def scope_queryset(self, queryset):
        # the rows are read by the database (ReportRows): 57 MB of JSON at L
        return queryset.defer("rows")

    @extend_schema(responses=QuotaReportSerializer)
    def retrieve(self, request, *args, **kwargs):
        """The report with its rows in the caller's reach. The rows go out
        as the database keeps them (filtered there for a district manager):
        parsed and encoded again, a report at L (57 MB) took 2.8 s and 530 MB."""
        report = self.get_object()
        head = JSONRenderer().render(QuotaReportListSerializer(report).data)
        rows = ReportRows(report, districts=self.get_serializer_context().get("district_codes"))
        body = head[:-1] + b', "rows": ' + rows.as_json().encode() + b"}"
        response = HttpResponse(body, content_type="application/json")
        response["ETag"] = etag_for_body(report.pk, body)
        return response

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "membership") and not self.membership.reads_all:
            context["district_codes"] = set(
                districts_in_reach(membership=self.membership).values_list("code", flat=True)
            )
        return context

    @extend_schema(request=QuotaMonthSerializer, responses={201: QuotaReportSerializer})
    def create(self, request, *args, **kwargs):
        """Build (or rebuild, replacing) the report of a month."""
        form = QuotaMonthSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = quota_report_build(
            tenant=self.tenant, month=check_month(form.validated_data["month"]), by=request.user
        )
        # a Response with its data: an Idempotency-Key replays it (API.md)
        return Response(
            QuotaReportSerializer(report, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
