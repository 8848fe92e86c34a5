"""``exports/verify/``: is an uploaded Excel file one the portal produced,
unchanged? (API.md "Additions — Notifications and exports".)"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from audit.exports import export_verify_upload
from liaison.api.permissions import ALL_ROLES
from liaison.api.viewsets import TenantScopedAPIView


class ExportVerifyView(TenantScopedAPIView):
    """POST multipart ``file`` → 200 ``{"valid": true|false, "reason",
    "provenance", "sha256", "sheets", "rows"}``; a file that is no .xlsx
    workbook → 400 ``{"file": [message]}``. Every member may check a file:
    the answer tells nothing the file does not already hold. Writes nothing."""

    method_roles = {"POST": ALL_ROLES}
    parser_classes = [MultiPartParser, FormParser, JSONParser]  # JSON: told to send a file

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={
            200: OpenApiResponse(description="the verdict, the provenance read back"),
            400: OpenApiResponse(description="no file, or not an .xlsx workbook"),
        },
    )
    def post(self, request, tenant_slug: str):
        return Response(export_verify_upload(tenant=self.tenant, upload=request.FILES.get("file")))
