"""Annual assessment API (API.md "Annual assessment"): the year's rows, the
centre's grade decisions and finalisation. Score and component values are
decimal strings rounded to 2 places (exact fractions are kept in the frozen
rows); reasons are sentences in the caller's language. A tenant whose
policy has no assessment answers 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accounts.choices import Role
from liaison.api.permissions import ADMIN, READERS
from liaison.api.viewsets import TenantScopedAPIView

from ..selectors import assessment_for, assessment_year_rows, render_row
from ..services import assessment_finalize, grade_set

ASSESSMENT_READERS = READERS | {Role.DISTRICT_MANAGER}


class AssessmentYearView(TenantScopedAPIView):
    """The year's rows: every officer's score, components, proposed grade,
    grade in force and reasons (district managers: their districts)."""

    method_roles = {"GET": ASSESSMENT_READERS}

    @extend_schema(responses={200: OpenApiResponse(description="the year's assessment rows")})
    def get(self, request, tenant_slug: str, year: int):
        return Response(assessment_for(membership=self.membership, year=year))


class GradeSerializer(serializers.Serializer):
    grade = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentGradeView(TenantScopedAPIView):
    """The centre sets an officer's grade with a reason (recorded)."""

    method_roles = {"POST": ADMIN}

    @extend_schema(
        request=GradeSerializer,
        responses={
            200: OpenApiResponse(description="the officer's row"),
            400: OpenApiResponse(description="no reason, or an unknown grade"),
            404: OpenApiResponse(description="not appointed in the year"),
            409: OpenApiResponse(description="the year is final"),
        },
    )
    def post(self, request, tenant_slug: str, year: int, officer_id: int):
        form = GradeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        grade_set(
            membership=self.membership,
            year=year,
            officer_id=officer_id,
            grade=form.validated_data["grade"],
            reason=form.validated_data["reason"],
        )
        rows = assessment_year_rows(tenant=self.tenant, year=year)
        row = next(r for r in rows.rows if r["officer"] == officer_id)
        return Response(render_row(row, rows))


class AssessmentFinalizeView(TenantScopedAPIView):
    """Freeze the year's grades (admin; once)."""

    method_roles = {"POST": ADMIN}

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(description="the final year"),
            409: OpenApiResponse(description="already final"),
        },
    )
    def post(self, request, tenant_slug: str, year: int):
        assessment_finalize(membership=self.membership, year=year)
        return Response(assessment_for(membership=self.membership, year=year))
