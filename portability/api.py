"""``/api/v1/tenants/{slug}/tenant-exports/``: the tenant admin's background
exports of the whole tenant: the shared export jobs
(:class:`scoring.api.views.ExportJobViewSet`) of kind ``tenant``, which an
admin also starts here."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison.api.permissions import ADMIN
from scoring.api.views import ExportJobSerializer, ExportJobViewSet
from scoring.models import ZIP

from .jobs import KIND, tenant_export_start


class TenantExportSerializer(ExportJobSerializer):
    """An export job, with the zip's ``sha256`` and ``rows`` at the top level
    too (where this API had them before the zips became export jobs)."""

    sha256 = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    class Meta(ExportJobSerializer.Meta):
        fields = [*ExportJobSerializer.Meta.fields, "sha256", "rows"]

    def get_sha256(self, obj) -> str:
        return obj.params.get("sha256", "")

    def get_rows(self, obj) -> int | None:
        return obj.params.get("rows")


class TenantExportViewSet(ExportJobViewSet):
    """Exports of the whole tenant (every row, file and a manifest, as a
    zip that ``manage.py importtenant`` loads; its SHA-256 and row count in
    ``params`` when done): tenant admins only."""

    action_roles = {"list": ADMIN, "retrieve": ADMIN, "create": ADMIN, "download": ADMIN}
    serializer_class = TenantExportSerializer
    download_route = "api:tenant-export-download"

    def scope_queryset(self, queryset):
        # every zip of the tenant is in scope: another role gets 403 here (the
        # role decides), while the shared exports/ routes hide them (404)
        return queryset.filter(kind=KIND).select_related("tenant").order_by("-created_at", "-id")

    @extend_schema(request=None, responses={202: TenantExportSerializer})
    def create(self, request, *args, **kwargs):
        job = tenant_export_start(membership=self.membership)
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, ZIP): OpenApiResponse(OpenApiTypes.BINARY, description="the zip"),
            409: OpenApiResponse(description="not finished"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return super().download(request, *args, **kwargs)
