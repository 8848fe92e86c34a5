"""Scoring API: annual rankings, finalisation and Excel export."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.choices import Role
from liaison.api.exceptions import Conflict
from liaison.api.permissions import ADMIN, ALL_ROLES, READERS
from liaison.api.viewsets import TenantScopedAPIView, TenantScopedViewSet
from liaison.excel import XLSX
from roster.selectors import district_list, districts_in_reach
from scoring.exports import ranking_xlsx
from scoring.models import ExportJob, QuotaReport
from scoring.quotas import check_month, quota_report_build
from scoring.selectors import export_job_list, ranking_for
from scoring.services import ranking_export_start, ranking_finalize

RANKING_READERS = READERS | {Role.DISTRICT_MANAGER}


class RankingView(TenantScopedAPIView):
    """The year's ranking per pool: the live draft, or the finalised snapshot."""

    method_roles = {"GET": RANKING_READERS}

    @extend_schema(responses={200: OpenApiResponse(description="ranking per pool")})
    def get(self, request, tenant_slug: str, year: int):
        return Response(ranking_for(membership=self.membership, year=year))


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

    def get_download(self, obj) -> str | None:
        if obj.status != ExportJob.Status.DONE:
            return None
        return reverse("api:export-download", kwargs={"tenant_slug": obj.tenant.slug, "pk": obj.pk})


class ExportJobViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, TenantScopedViewSet):
    """Background exports: status and progress, then the file."""

    model = ExportJob
    serializer_class = ExportJobSerializer
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "download": ALL_ROLES}

    def scope_queryset(self, queryset):
        return export_job_list(membership=self.membership).select_related("tenant")

    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(description="the file"),
            409: OpenApiResponse(description="not finished"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status != ExportJob.Status.DONE:
            raise Conflict(_("The export is not finished yet."))
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX
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
        return Response(
            QuotaReportSerializer(report, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
