"""The one choke point of the tenant-scoped API.

Every view under ``/api/v1/tenants/<tenant_slug>/`` derives from
:class:`TenantScopedAPIView` or :class:`TenantScopedViewSet`. After
authentication (401 without credentials) the tenant is resolved from the URL
by :func:`accounts.selectors.tenant_access`, which answers the same 404 for
"no such tenant" and "not a member". Querysets start from the tenant and
subclasses refine them through :meth:`TenantScopedViewSet.scope_queryset`;
overriding ``get_queryset`` is refused when the class is defined.

Every tenant-scoped ``POST`` honours an ``Idempotency-Key`` header
(:mod:`liaison.api.idempotency`); every viewset that retrieves sends an
``ETag`` and checks ``If-Match`` under a row lock (:mod:`liaison.api.concurrency`).
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from rest_framework import exceptions, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from accounts.api.exceptions import TwoFactorRequired
from accounts.models import Membership, Tenant
from accounts.selectors import mfa_missing, tenant_access
from audit.context import bind as audit_bind

from .concurrency import ConditionalMixin
from .idempotency import IdempotencyMixin
from .permissions import ActionRole


class TenantScopedMixin(IdempotencyMixin):
    """Resolves ``self.tenant`` and ``self.membership`` before anything else
    runs; then, for a POST with an ``Idempotency-Key``, claims the key."""

    permission_classes = [IsAuthenticated, ActionRole]
    tenant: Tenant
    membership: Membership

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        self.membership = tenant_access(user=request.user, slug=kwargs["tenant_slug"])
        self.tenant = self.membership.tenant
        request.membership = self.membership  # as the pages do (a FilterSet reads it)
        audit_bind(user=request.user, tenant=self.tenant)
        if mfa_missing(membership=self.membership):
            raise TwoFactorRequired()
        super().initial(request, *args, **kwargs)
        self.claim_idempotency_key(request)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "tenant"):
            context.update(tenant=self.tenant, membership=self.membership)
        return context

    def may_act_on(self, obj: Model) -> bool:
        """Object-level rule beyond the role (e.g. "a credited officer may not
        verify"): visible objects failing it answer 403."""
        return True


class TenantScopedAPIView(TenantScopedMixin, APIView):
    """A tenant-scoped endpoint that is not a model collection.
    ``method_roles`` maps an HTTP method to the roles allowed to use it."""

    method_roles: dict[str, frozenset[str]] = {}

    def roles_for(self, request) -> frozenset[str]:
        return self.method_roles.get(request.method, frozenset())


class TenantScopedViewSet(ConditionalMixin, TenantScopedMixin, viewsets.GenericViewSet):
    """Base of every tenant-owned collection. ``model`` must be a
    ``TenantOwnedModel``; ``action_roles`` maps each action to its roles."""

    model: type[Model]
    action_roles: dict[str, frozenset[str]] = {}
    lookup_value_regex = r"\d+"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ or "queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} must not set queryset or override get_queryset: "
                "refine the tenant's rows in scope_queryset()"
            )

    def roles_for(self, request) -> frozenset[str]:
        return self.action_roles.get(self.action or "", frozenset())

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_if_match(request)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no tenant
            return self.model.objects.none()
        scoped = self.scope_queryset(self.model.objects.for_tenant(self.tenant))
        # Filtering by tenant again after the hook keeps a hook from widening it.
        return scoped.filter(tenant=self.tenant)

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        """Refine the tenant's rows to the caller's reach (districts, own rows)."""
        return queryset
