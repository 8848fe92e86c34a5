"""Who is acting, in which tenant, under which request id.

The middleware opens an :class:`AuditContext` per request (and the Celery
signals one per task); the API's base view binds the token-authenticated
user once DRF has authenticated it. The database triggers read it:

- PostgreSQL: every INSERT/UPDATE/DELETE sent through Django is prefixed with
  ``SELECT set_config('audit.context', '<json>', true);`` (transaction-local,
  in the same round trip, so no extra query), the way django-pghistory 3
  passes its context; the trigger reads ``current_setting('audit.context')``.
- SQLite: application functions ``audit_ctx(key)`` and ``audit_flushing()``
  registered on each connection read this module's context variable.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone


@dataclass
class AuditContext:
    """The context of one request or task. ``request`` lets the actor and
    tenant be read lazily, at the first write, from what the views already
    loaded (``request._cached_user``, ``request.membership``): reading them
    never costs a query."""

    request_id: str
    request: Any = None
    actor_id: int | None = None
    actor_username: str = ""
    tenant_id: int | None = None
    extra: dict = field(default_factory=dict)

    def actor(self) -> tuple[int | None, str]:
        if self.actor_id is None and self.request is not None:
            user = self.request.__dict__.get("_cached_user")
            if user is not None and user.is_authenticated:
                return user.pk, user.get_username()
        return self.actor_id, self.actor_username

    def tenant(self) -> int | None:
        if self.tenant_id is None and self.request is not None:
            membership = getattr(self.request, "membership", None)
            if membership is not None:
                return membership.tenant_id
        return self.tenant_id

    def as_dict(self) -> dict:
        actor_id, username = self.actor()
        return {
            "actor_id": actor_id,
            "actor": username,
            "tenant_id": self.tenant(),
            "request_id": self.request_id,
            "at": timezone.now().isoformat(),
        }


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "audit_context", default=None
)
#: Set only by the ``flush`` command: lets SQLite empty the log (tests).
_flushing: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_flushing", default=False)
#: Set only by the purge of a tenant (``platformadmin.purge``): the
#: append-only tables let that tenant's rows go and the row triggers write
#: nothing (the purge keeps its own record, which survives).
_purging: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_purging", default=False)


def current() -> AuditContext | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def audit_context(*, request_id: str | None = None, request=None, **values):
    """Run a block under a new context (a request, a task, a command)."""
    token = _current.set(
        AuditContext(request_id=request_id or new_request_id(), request=request, **values)
    )
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def bind(*, user=None, tenant=None) -> None:
    """Name the actor and tenant of the current context once they are known
    (the API authenticates after the middleware ran)."""
    ctx = _current.get()
    if ctx is None:
        return
    if user is not None and user.is_authenticated:
        ctx.actor_id, ctx.actor_username = user.pk, user.get_username()
    if tenant is not None:
        ctx.tenant_id = tenant.pk


@contextlib.contextmanager
def flushing():
    token = _flushing.set(True)
    try:
        yield
    finally:
        _flushing.reset(token)


def is_flushing() -> bool:
    return _flushing.get()


@contextlib.contextmanager
def purging():
    """Inside the block the audit triggers stand aside: a tenant's purge
    deletes its append-only rows and leaves no row-change events behind."""
    token = _purging.set(True)
    try:
        yield
    finally:
        _purging.reset(token)


def is_purging() -> bool:
    return _purging.get()


# --- what the databases read -------------------------------------------------


def pg_context_json() -> str:
    """The JSON passed to the PostgreSQL triggers ('' without a context)."""
    ctx = _current.get()
    if _purging.get():
        return json.dumps({**(ctx.as_dict() if ctx is not None else {}), "purge": True})
    return json.dumps(ctx.as_dict()) if ctx is not None else ""


def sqlite_value(key: str):
    """``audit_ctx(key)`` on SQLite: a context value, or the time (always
    set, from Python's clock, as Django stores datetimes on SQLite)."""
    if key == "at":
        now = timezone.now().astimezone(dt.UTC).replace(tzinfo=None)
        return now.isoformat(" ")
    ctx = _current.get()
    if ctx is None:
        return None
    if key == "actor_id":
        return ctx.actor()[0]
    if key == "actor":
        return ctx.actor()[1] or ""
    if key == "tenant_id":
        return ctx.tenant()
    if key == "request_id":
        return ctx.request_id
    return None
