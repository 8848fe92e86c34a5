"""``/api/v1/tenants/{slug}/tenant-exports/``: the tenant admin's background
exports of the whole tenant (start, progress, download)."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison.api.permissions import ADMIN
from liaison.api.viewsets import TenantScopedViewSet
from liaison.errors import Conflict

from .jobs import live_progress, tenant_export_start
from .models import TenantExport

ZIP = "application/zip"


class TenantExportSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = TenantExport
        fields = [
            "id",
            "status",
            "progress",
            "filename",
            "rows",
            "sha256",
            "error",
            "created_at",
            "finished_at",
            "download",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> int:
        return live_progress(obj)

    def get_download(self, obj) -> str | None:
        if obj.status != TenantExport.Status.DONE:
            return None
        return reverse(
            "api:tenant-export-download", kwargs={"tenant_slug": obj.tenant.slug, "pk": obj.pk}
        )


class TenantExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Exports of the whole tenant (every row, file and a manifest, as a
    zip that ``manage.py importtenant`` loads): tenant admins only."""

    model = TenantExport
    serializer_class = TenantExportSerializer
    action_roles = {"list": ADMIN, "retrieve": ADMIN, "create": ADMIN, "download": ADMIN}

    def scope_queryset(self, queryset):
        return queryset.select_related("tenant").order_by("-created_at", "-id")

    @extend_schema(request=None, responses={202: TenantExportSerializer})
    def create(self, request, *args, **kwargs):
        job = tenant_export_start(membership=self.membership)
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, ZIP): OpenApiResponse(description="the zip"),
            409: OpenApiResponse(description="not finished"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status != TenantExport.Status.DONE:
            raise Conflict(_("The export is not finished yet."))
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=ZIP
        )
