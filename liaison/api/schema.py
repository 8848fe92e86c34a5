"""The OpenAPI schema documents the error statuses every endpoint can answer.

drf-spectacular lists only the success response unless a view says more, so
schemathesis (``status_code_conformance``) found 400, 403, 404, 409, 412 and
429 answers the schema did not mention. The rules of API.md ("Conventions",
"Trust") hold for every view of a kind, so they are added here, in one
place, from what the view is: tenant-scoped, conditional (``If-Match``),
idempotent, throttled. A response a view documents itself wins.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

from .concurrency import ConditionalMixin
from .idempotency import IdempotencyMixin
from .viewsets import TenantScopedMixin

WRITES = frozenset({"POST", "PUT", "PATCH"})

DESCRIPTIONS = {
    "400": "bad input: field messages",
    "401": "no or invalid credentials",
    "403": "visible, but your role may not do this (four eyes included)",
    "404": "no such tenant or object, or outside your reach (also a page past the last)",
    "409": "not allowed in the object's current state, or the Idempotency-Key is in use",
    "412": "If-Match names a stale ETag: the object changed since you read it",
    "422": "the Idempotency-Key was already used for another request",
    "429": "too many requests (or, for the token endpoint, the username is locked out)",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema plus the error statuses of API.md."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        for code in sorted(self.error_statuses()):
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        return responses

    def error_statuses(self) -> set[str]:
        view, method = self.view, self.method
        codes: set[str] = set()
        public = any(isinstance(p, AllowAny) for p in view.get_permissions())
        if not public:
            codes.add("401")
        if isinstance(view, TenantScopedMixin):
            codes |= {"403", "404"}
        elif "{" in self.path:  # a public tenant or notice that does not exist
            codes.add("404")
        filtered = self._is_list_view() and (
            getattr(view, "filterset_class", None) or getattr(view, "filterset_fields", None)
        )
        if method in WRITES or filtered or self.get_override_parameters():
            codes.add("400")
        if method == "POST" and isinstance(view, IdempotencyMixin):
            codes |= {"409", "422"}
        if (
            method in WRITES
            and isinstance(view, ConditionalMixin)
            and hasattr(view, "retrieve")
            and "{id}" in self.path
        ):
            codes |= {"409", "412"}
        if getattr(view, "throttle_scope", None):
            codes.add("429")
        return codes
