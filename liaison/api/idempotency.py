"""``Idempotency-Key`` on the tenant API's POSTs (API.md "Idempotency").

A ``POST`` under ``/api/v1/tenants/<slug>/`` carrying the header, repeated by
the same user with the same key within ``IDEMPOTENCY_KEY_TTL`` (24 hours),
answers the first response again (status and body, with
``Idempotent-Replayed: true``) and runs nothing. How it holds under races:

- the key's row (:class:`accounts.models.IdempotencyKey`, unique per user
  and key) is inserted and committed *before* the request runs, so a
  concurrent duplicate fails on the unique constraint and answers 409
  ("still in progress") instead of creating a second row;
- a 2xx answer is stored on the row; any other answer (or an error) deletes
  the row, so a failed first attempt may be retried with the same key;
- the same key sent with another method or path answers 422;
- keys are per user: another user's identical key is independent;
- rows older than the TTL are deleted when a keyed request arrives.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255


class KeyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "A request with this Idempotency-Key is still being processed; try again shortly."
    )
    default_code = "idempotency_in_progress"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used for another request.")
    default_code = "idempotency_key_reused"


class _Replay(Exception):
    """Carries the stored first answer out of ``initial()``."""

    def __init__(self, status_code: int, body) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.body = body


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24))


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the keys older than the TTL; returns how many."""
    from accounts.models import IdempotencyKey

    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - ttl()).delete()
    return deleted


class IdempotencyMixin:
    """Mixed into :class:`liaison.api.viewsets.TenantScopedMixin`; call
    :meth:`claim_idempotency_key` from ``initial()`` once the caller is known
    and allowed."""

    _idempotency_row = None

    def claim_idempotency_key(self, request) -> None:
        """Insert the key's row, or replay / refuse a repeat."""
        from accounts.models import IdempotencyKey

        key = request.META.get(HEADER, "").strip()
        if request.method != "POST" or not key:
            return
        if len(key) > MAX_KEY_LENGTH:
            raise exceptions.ValidationError(
                {"Idempotency-Key": _("At most %(n)d characters.") % {"n": MAX_KEY_LENGTH}}
            )
        now = timezone.now()
        purge_expired(now)
        try:
            with transaction.atomic():
                self._idempotency_row = IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path,
                    created_at=now,
                )
            return
        except IntegrityError:
            pass
        first = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if first is None:  # finished with an error and deleted meanwhile: run this one
            return self.claim_idempotency_key(request)
        if first.method != request.method or first.path != request.path:
            raise KeyReused()
        if first.status_code is None:
            raise KeyInProgress()
        raise _Replay(first.status_code, first.body)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            response = Response(exc.body, status=exc.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except BaseException:
            self._release_idempotency_key()  # an unhandled error: the key may be retried
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        row, self._idempotency_row = self._idempotency_row, None
        if row is not None:
            if 200 <= response.status_code < 300 and hasattr(response, "data"):
                row.status_code = response.status_code
                row.body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                row.save(update_fields=["status_code", "body"])
            else:
                row.delete()
        return response

    def _release_idempotency_key(self) -> None:
        row, self._idempotency_row = self._idempotency_row, None
        if row is not None:
            row.delete()
