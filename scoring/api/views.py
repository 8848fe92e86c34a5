"""Scoring API: annual rankings, finalisation and Excel export."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.choices import Role
from liaison.api.permissions import ADMIN, READERS
from liaison.api.viewsets import TenantScopedAPIView
from liaison.excel import XLSX
from roster.selectors import district_list
from scoring.exports import ranking_xlsx
from scoring.selectors import ranking_for
from scoring.services import ranking_finalize

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

    @extend_schema(responses={(200, XLSX): OpenApiResponse(description="Excel workbook")})
    def get(self, request, tenant_slug: str, year: int):
        ranking = ranking_for(membership=self.membership, year=year)
        districts = dict(district_list(tenant=self.tenant).values_list("code", "name"))
        body = ranking_xlsx(tenant=self.tenant, ranking=ranking, districts=districts)
        response = HttpResponse(body, content_type=XLSX)
        name = f"ranking-{self.tenant.slug}-{year}-{ranking['status']}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
