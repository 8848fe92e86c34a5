"""The request's audit context, and the events only a response shows:
refused pages (403) and file exports."""

from __future__ import annotations

import re

from . import context, services

#: /t/<slug>/… pages and /api/v1/tenants/<slug>/… API paths.
TENANT_PATH = re.compile(r"^/(?:t|api/v1/tenants)/(?P<slug>[-\w]+)/")
_REQUEST_ID = re.compile(r"^[-\w.:]{1,100}$")


class AuditMiddleware:
    """Opens the request's :class:`~audit.context.AuditContext` (its id is
    sent back as ``X-Request-ID``; an incoming well-formed one is kept), and
    records a ``denied`` event for a 403 not already recorded by the API's
    exception handler and an ``export`` event for an attachment served
    under a tenant's pages or API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else context.new_request_id()
        with context.audit_context(request_id=request_id, request=request) as ctx:
            request.audit_request_id = request_id
            response = self.get_response(request)
            self._record(request, response, ctx)
        response["X-Request-ID"] = request_id
        return response

    def _record(self, request, response, ctx) -> None:
        match = TENANT_PATH.match(request.path_info)
        status = response.status_code
        if status == 403 and not getattr(request, "audit_denied_recorded", False):
            if match is not None or request.path_info.startswith("/api/"):
                services.audit_denied(request=request, tenant_id=ctx.tenant())
        elif (
            match is not None
            and 200 <= status < 300
            and response.get("Content-Disposition", "").lower().startswith("attachment")
        ):
            filename = response.get("Content-Disposition", "").partition("filename=")[2]
            services.audit_export(
                request=request,
                tenant_id=ctx.tenant(),
                filename=filename.strip('"'),
            )
