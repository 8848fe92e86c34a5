"""Optimistic locking for the tenant API (API.md "Optimistic locking").

``GET`` of one object sends a strong ``ETag``: the object's id and a hash of
its representation as ``retrieve`` serializes it for the caller, so any change
to what the caller reads (a field, a credit, a stage) gives a new tag. An
unsafe request on that object (``PATCH``, ``PUT``, a ``POST`` action) with an
``If-Match`` that does not name the current tag answers 412 and changes
nothing; without ``If-Match`` it runs as before.

The comparison runs inside the request's transaction with the row locked
(``SELECT … FOR UPDATE``), so of two requests carrying the same tag the
second waits for the first, then sees the new representation and gets 412.
"""

from __future__ import annotations

import contextlib
import hashlib
import json

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.utils.encoders import JSONEncoder

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The object was changed since you read it (its ETag differs): reload it and try again."
    )
    default_code = "precondition_failed"


def etag_for(pk, data) -> str:
    """A strong entity tag: ``"<id>-<hash of the representation>"``."""
    payload = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False)
    return etag_for_body(pk, payload.encode())


def etag_for_body(pk, body: bytes) -> str:
    """:func:`etag_for` of a representation already encoded (a body sent as
    the database keeps it)."""
    return f'"{pk}-{hashlib.sha256(body).hexdigest()[:32]}"'


def if_match_allows(header: str, current: str) -> bool:
    """Strong comparison (RFC 9110 §13.1.1): ``*`` or one of the listed tags;
    weak tags (``W/"…"``) never match."""
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    return "*" in tags or current in tags


class ConditionalMixin:
    """ETag on ``retrieve`` and on successful unsafe requests to one object;
    ``If-Match`` checked under a row lock. Active on viewsets that retrieve.
    Mixed into :class:`liaison.api.viewsets.TenantScopedViewSet`."""

    def _conditional(self) -> bool:
        return hasattr(self, "retrieve") and bool(self.kwargs.get(self._lookup_kwarg()))

    def _lookup_kwarg(self) -> str:
        return self.lookup_url_kwarg or self.lookup_field

    def dispatch(self, request, *args, **kwargs):
        # An If-Match request runs in one transaction: the lock taken when the
        # tag is compared holds until the change is written.
        if request.method in UNSAFE_METHODS and request.META.get("HTTP_IF_MATCH"):
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def current_etag(self) -> str:
        """The tag a ``GET`` of the object would send the caller now."""
        action = self.action
        self.action = "retrieve"  # the representation GET shows (serializer, queryset)
        try:
            obj = get_object_or_404(
                self.get_queryset(), **{self.lookup_field: self.kwargs[self._lookup_kwarg()]}
            )
            return etag_for(obj.pk, self.get_serializer(obj).data)
        finally:
            self.action = action

    def check_if_match(self, request) -> None:
        """412 unless ``If-Match`` names the current tag; the row stays locked
        until the request's transaction ends."""
        header = request.META.get("HTTP_IF_MATCH")
        if not header or request.method not in UNSAFE_METHODS or not self._conditional():
            return
        obj = self.get_object()  # 404 out of reach, 403 not yours: before any 412
        list(type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("pk"))
        if not if_match_allows(header, self.current_etag()):
            raise PreconditionFailed()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300 and self._conditional():
            if self.action == "retrieve" and isinstance(getattr(response, "data", None), dict):
                response["ETag"] = etag_for(self.kwargs[self._lookup_kwarg()], response.data)
            elif request.method in ("PUT", "PATCH"):
                with contextlib.suppress(Http404, exceptions.APIException):
                    # (no tag when the change took the object out of the caller's reach)
                    response["ETag"] = self.current_etag()
        return response


def with_etag(response, pk):
    """Add the ETag of ``response.data`` (for views that are not viewsets)."""
    response["ETag"] = etag_for(pk, response.data)
    return response
