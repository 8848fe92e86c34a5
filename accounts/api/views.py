"""Accounts API: token login, the caller's tenants, the policy, members."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import Membership
from accounts.selectors import member_list, policy_in_force, tenant_list
from liaison.api.concurrency import with_etag
from liaison.api.permissions import ADMIN, ALL_ROLES
from liaison.api.viewsets import TenantScopedAPIView, TenantScopedViewSet
from roster.selectors import MemberGrants
from roster.services import member_create

from .serializers import MemberSerializer, PolicySerializer, TenantSerializer


class TokenView(ObtainAuthToken):
    """``POST {"username","password"}`` → ``{"token"}``; wrong credentials → 400."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


class TenantListView(APIView):
    """The tenants the caller is a member of."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TenantSerializer(many=True))
    def get(self, request):
        return Response(TenantSerializer(tenant_list(user=request.user), many=True).data)


class PolicyView(TenantScopedAPIView):
    """The tenant's policy in force today."""

    method_roles = {"GET": ALL_ROLES}

    @extend_schema(responses=PolicySerializer)
    def get(self, request, tenant_slug: str):
        policy = policy_in_force(tenant=self.tenant)
        return with_etag(Response(PolicySerializer(policy).data), policy.pk)


class MemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """Logins and their roles in the tenant. Admins only."""

    model = Membership
    serializer_class = MemberSerializer
    action_roles = {"list": ADMIN, "retrieve": ADMIN, "create": ADMIN}

    def scope_queryset(self, queryset):
        return member_list(tenant=self.tenant)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "tenant"):
            context["grants"] = MemberGrants(tenant=self.tenant)
        return context

    def perform_create(self, serializer):
        data = serializer.validated_data
        user = data.get("user", {})
        serializer.instance = member_create(
            tenant=self.tenant,
            username=user["username"],
            password=data.get("password"),
            role=data["role"],
            full_name=user.get("full_name", ""),
            email=user.get("email", ""),
            districts=data.get("districts", []),
            units=data.get("units", []),
        )
