"""The officer's file (一人一档, issue 13 item 5) in the API: the sections
as JSON, and the workbook. The officer themself, district managers of the
officer's district, the centre and auditors; anyone else: 404."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from accounts.choices import Role
from liaison.api.viewsets import TenantScopedAPIView
from liaison.excel import XLSX

from ..officer_file import file_json, file_officer, file_workbook, file_years, officer_file

ALL_ROLES = frozenset(Role.values)
YEARS = [
    OpenApiParameter("from", int, description="first year (default: the first term's)"),
    OpenApiParameter("to", int, description="last year (default: this year or the term's last)"),
]


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) == 4 else None


class _FileView(TenantScopedAPIView):
    method_roles = {"GET": ALL_ROLES}

    def roles_for(self, request) -> frozenset[str]:
        # every role passes (the officer's reach answers 404), so that another
        # method answers 405 as on any route, not 403
        return ALL_ROLES

    def file(self, request, pk: int):
        officer = file_officer(membership=self.membership, pk=pk)
        years = file_years(
            officer,
            start=_year(request.query_params.get("from")),
            end=_year(request.query_params.get("to")),
        )
        return officer_file(tenant=self.tenant, officer=officer, years=years)


class OfficerFileView(_FileView):
    """The officer's file: officer, agreements, reports, service days,
    trainings, ledger, statement, grades and history."""

    @extend_schema(parameters=YEARS, responses={200: OpenApiResponse(description="the sections")})
    def get(self, request, tenant_slug: str, pk: int):
        return Response(file_json(self.file(request, pk)))


class OfficerFileExportView(_FileView):
    """The officer's file as a workbook, one sheet per section."""

    @extend_schema(parameters=YEARS, responses={200: OpenApiResponse(description="an .xlsx file")})
    def get(self, request, tenant_slug: str, pk: int):
        file = self.file(request, pk)
        response = HttpResponse(
            file_workbook(tenant=self.tenant, file=file, user=request.user), content_type=XLSX
        )
        first, last = file.years
        response["Content-Disposition"] = (
            f'attachment; filename="officer-file-{file.officer.pk}-{first}-{last}.xlsx"'
        )
        return response
