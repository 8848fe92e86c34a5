"""API error conventions (API.md): 400 with field messages, 401 without
credentials, 403 for a visible object the caller may not act on, 404 for
anything out of reach, 409 for a transition not allowed from the current
state. A refused request changes nothing (services are atomic)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.selectors import TenantSuspended
from liaison import errors


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This action is not allowed in the object's current state.")
    default_code = "conflict"


def _as_drf(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError as a DRF 400 with its field messages."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _as_drf(exc)
    elif isinstance(exc, errors.Conflict):
        exc = Conflict(detail=exc.message)
    elif isinstance(exc, Http404):
        # Django's message names the model in English ("No Entry matches the
        # given query."); every 404 reads the same, in the caller's language.
        exc = exceptions.NotFound()
    suspended = isinstance(exc, TenantSuspended)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_403_FORBIDDEN:
        if suspended:
            _not_audited(context)
        else:
            _audit_denied(context)
    return response


def _not_audited(context) -> None:
    """A member of a suspended tenant is refused by the platform admin's
    decision (itself in the audit log), not for a missing right: no
    ``denied`` row per request, or a client retrying would flood the log."""
    request = context.get("request")
    if request is not None:
        request._request.audit_denied_recorded = True  # the middleware adds none either


def _audit_denied(context) -> None:
    """Every refused action leaves a ``denied`` row in the tenant's audit log."""
    from audit.services import audit_denied

    request, view = context.get("request"), context.get("view")
    if request is None:
        return
    tenant = getattr(view, "tenant", None)
    kwargs = getattr(view, "kwargs", None) or {}
    audit_denied(
        request=request._request,
        tenant_id=tenant.pk if tenant is not None else None,
        actor=getattr(request, "_user", None),
        object_id=kwargs.get("pk", ""),
    )
    request._request.audit_denied_recorded = True
