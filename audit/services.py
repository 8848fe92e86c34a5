"""Writing security events to the audit log. Row changes need no service:
the database triggers write them (``audit/triggers.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from accounts.models import Membership

from . import context
from .choices import AuditAction
from .models import AuditEvent


def audit_record(
    *,
    tenant_ids: Iterable[int | None],
    action: str,
    object_type: str = "",
    object_id: str = "",
    changes: dict | None = None,
    extra: dict | None = None,
    actor=None,
) -> list[AuditEvent]:
    """One event per tenant (``None``: an event outside any tenant, seen by
    no tenant). The actor and request id come from the current context
    unless ``actor`` is given."""
    ctx = context.current()
    actor_id, actor_username = ctx.actor() if ctx is not None else (None, "")
    if actor is not None and actor.is_authenticated:
        actor_id, actor_username = actor.pk, actor.get_username()
    events = [
        AuditEvent(
            tenant_id=tenant_id,
            actor_id=actor_id,
            actor_username=actor_username or "",
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            changes=changes or {},
            request_id=ctx.request_id if ctx is not None else "",
            extra=extra or {},
        )
        for tenant_id in (list(tenant_ids) or [None])
    ]
    return AuditEvent.objects.bulk_create(events)


def _member_tenants(username: str) -> list[int]:
    """Tenants where a user of that name is a member (none: unknown name)."""
    if not username:
        return []
    User = get_user_model()
    return list(
        Membership.objects.filter(**{f"user__{User.USERNAME_FIELD}": username})
        .values_list("tenant_id", flat=True)
        .order_by("tenant_id")
    )


def request_details(request) -> dict:
    if request is None:
        return {}
    return {
        "path": request.get_full_path()[:500],
        "method": request.method,
        "ip": request.META.get("REMOTE_ADDR", ""),
    }


def _login_attempt(action: str, username: str, request) -> list[AuditEvent]:
    """One row per tenant where ``username`` is a member; for an unknown
    name one row outside any tenant (no tenant learns of it)."""
    return audit_record(
        tenant_ids=_member_tenants(username),
        action=action,
        object_type="login",
        object_id=username[:64],
        extra={"username": username[:150], **request_details(request)},
    )


def audit_login_failed(*, username: str, request=None) -> list[AuditEvent]:
    return _login_attempt(AuditAction.LOGIN_FAILED, username, request)


def audit_login_locked(*, username: str, request=None) -> list[AuditEvent]:
    return _login_attempt(AuditAction.LOGIN_LOCKED, username, request)


def audit_login(*, user, request=None) -> list[AuditEvent]:
    return audit_record(
        tenant_ids=_member_tenants(user.get_username()),
        action=AuditAction.LOGIN,
        object_type="user",
        object_id=str(user.pk),
        extra=request_details(request),
        actor=user,
    )


def audit_two_factor(*, user, enabled: bool) -> list[AuditEvent]:
    """Two-factor sign-in turned on or off: the authenticator device is
    django-otp's table (no trigger), so the service records the change."""
    return audit_record(
        tenant_ids=_member_tenants(user.get_username()),
        action=AuditAction.UPDATE,
        object_type="user",
        object_id=str(user.pk),
        changes={"two_factor": [not enabled, enabled]},
        actor=user,
    )


def audit_denied(*, request, tenant_id: int | None, actor=None, object_id="") -> list[AuditEvent]:
    """A refused action (403) on a tenant's page or API."""
    match = getattr(request, "resolver_match", None)
    return audit_record(
        tenant_ids=[tenant_id],
        action=AuditAction.DENIED,
        object_type="request",
        object_id=str(object_id or (match.kwargs.get("pk", "") if match else ""))[:64],
        extra={**request_details(request), "view": match.view_name if match else ""},
        actor=actor,
    )


def audit_export(*, request, tenant_id: int | None, filename: str = "") -> list[AuditEvent]:
    match = getattr(request, "resolver_match", None)
    return audit_record(
        tenant_ids=[tenant_id],
        action=AuditAction.EXPORT,
        object_type="request",
        object_id=str(match.kwargs.get("pk", "") if match else "")[:64],
        extra={
            **request_details(request),
            "view": match.view_name if match else "",
            "filename": filename[:200],
        },
    )
