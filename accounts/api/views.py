"""Accounts API: token login, the caller's tenants, the policy, members."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import lockout
from accounts.mfa import mfa_confirm, mfa_disable, mfa_enabled, mfa_secret, mfa_setup, mfa_verify
from accounts.models import Membership
from accounts.policy_schema import SCHEMA
from accounts.selectors import member_list, policy_in_force, policy_versions, tenant_list
from accounts.services import api_token_issue, api_token_revoke, policy_version_create
from liaison.api.concurrency import etag_for
from liaison.api.permissions import ADMIN, ALL_ROLES
from liaison.api.viewsets import TenantScopedAPIView, TenantScopedViewSet
from roster.selectors import MemberGrants
from roster.services import member_create

from .exceptions import LoginLocked
from .serializers import (
    MemberSerializer,
    MfaSetupSerializer,
    OtpSerializer,
    PolicyPreviewSerializer,
    PolicySerializer,
    PolicyVersionCreateSerializer,
    PolicyVersionSerializer,
    TenantSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class TokenView(APIView):
    """``POST {"username","password"[,"otp"]}`` → ``{"token"}``; wrong
    credentials → 400; a username locked after 5 failures → 429 (the same for
    unknown usernames); a user with two-factor on also sends ``otp`` (400
    without it or with a wrong one, which counts as a failed login).
    ``DELETE`` revokes the caller's token (204)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def initialize_request(self, request, *args, **kwargs):
        drf_request = super().initialize_request(request, *args, **kwargs)
        if request.method == "POST":
            # A login ignores the credentials it is sent with: an expired
            # token in the header must not stop the client getting a new one.
            drf_request.authenticators = ()
        return drf_request

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        otp = data.validated_data.get("otp", "")
        http_request = request._request  # axes and the audit log see the Django request
        lockout.mark_handled(http_request)
        was_locked = lockout.login_locked(http_request, username)
        user = authenticate(request=http_request, username=username, password=password)
        if was_locked:
            raise LoginLocked(lockout.locked_message())
        if user is None:
            raise ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]},
                code="authorization",
            )
        if mfa_enabled(user=user):
            if not otp:
                raise ValidationError(
                    {"otp": [_("Two-factor sign-in is on: send otp, the app's 6-digit code.")]}
                )
            if mfa_verify(user=user, otp=otp) is None:
                lockout.login_failed(http_request, username)
                raise ValidationError({"otp": [_("The code is wrong or has expired.")]})
        lockout.login_succeeded(username)
        return Response({"token": api_token_issue(user=user).key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MfaStatusView(APIView):
    """``GET`` → ``{"enabled"}``: whether two-factor sign-in is on."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer("MfaStatus", {"enabled": serializers.BooleanField()})
    )
    def get(self, request):
        return Response({"enabled": mfa_enabled(user=request.user)})


class MfaSetupView(APIView):
    """``POST`` → ``{"secret","otpauth_url"}``: a new key for the
    authenticator app, not yet in force (409 while two-factor is on)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=MfaSetupSerializer)
    def post(self, request):
        device = mfa_setup(user=request.user)
        return Response({"secret": mfa_secret(device), "otpauth_url": device.config_url})


class MfaConfirmView(APIView):
    """``POST {"otp"}`` → 200: the code confirms the key; two-factor is on.
    A wrong code → 400."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=OtpSerializer,
        responses=inline_serializer("MfaConfirmed", {"enabled": serializers.BooleanField()}),
    )
    def post(self, request):
        data = OtpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mfa_confirm(user=request.user, otp=data.validated_data["otp"])
        return Response({"enabled": True})


class MfaDisableView(APIView):
    """``POST {"otp"}`` → 204: two-factor off (needs a current code; 400
    otherwise). A tenant's policy may then refuse the caller (403)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=OtpSerializer, responses={204: None})
    def post(self, request):
        data = OtpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mfa_disable(user=request.user, otp=data.validated_data["otp"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class TenantListView(APIView):
    """The tenants the caller is a member of."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TenantSerializer(many=True))
    def get(self, request):
        return Response(TenantSerializer(tenant_list(user=request.user), many=True).data)


class PolicyView(TenantScopedAPIView):
    """The tenant's policy in force today, with its ``ETag`` (header and
    ``etag`` in the body)."""

    method_roles = {"GET": ALL_ROLES}

    @extend_schema(responses=PolicySerializer)
    def get(self, request, tenant_slug: str):
        policy = policy_in_force(tenant=self.tenant)
        data = PolicySerializer(policy).data
        tag = etag_for(policy.pk, data)
        response = Response({**data, "etag": tag})
        response["ETag"] = tag
        return response


class PolicySchemaView(TenantScopedAPIView):
    """The JSON Schema (Draft 2020-12) of a policy's rules."""

    method_roles = {"GET": ALL_ROLES}

    @extend_schema(responses={200: OpenApiResponse(description="JSON Schema")})
    def get(self, request, tenant_slug: str):
        return Response(SCHEMA)


class PolicyVersionsView(TenantScopedAPIView):
    """Every version of the policy; an admin publishes a new one from a date
    (``rules``: only the keys that change; the rest is copied from the
    version in force that day)."""

    method_roles = {"GET": ALL_ROLES, "POST": ADMIN}

    @extend_schema(responses=PolicyVersionSerializer(many=True))
    def get(self, request, tenant_slug: str):
        versions = policy_versions(tenant=self.tenant).select_related("created_by")
        return Response(PolicyVersionSerializer(versions, many=True).data)

    @extend_schema(
        request=PolicyVersionCreateSerializer,
        responses={
            201: PolicyVersionSerializer,
            400: OpenApiResponse(description="messages keyed by JSON path"),
            409: OpenApiResponse(description="effective_from inside a finalised year"),
        },
    )
    def post(self, request, tenant_slug: str):
        body = PolicyVersionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        policy = policy_version_create(
            tenant=self.tenant,
            effective_from=body.validated_data["effective_from"],
            changes=body.validated_data["rules"],
            by=request.user,
            note=body.validated_data["note"],
        )
        return Response(PolicyVersionSerializer(policy).data, status=status.HTTP_201_CREATED)


class PolicyPreviewView(TenantScopedAPIView):
    """What a new version would change in the year of ``effective_from``
    (points, excellence, grade), nothing saved. ``preview`` is handed in
    where the URL is wired (``assessment/api/urls_policy.py``): the what-if
    reads the ranking and the assessment, which stand above this app."""

    method_roles = {"POST": ADMIN}
    preview = None  # (*, tenant, effective_from, changes) -> {"year","changes"}

    @extend_schema(
        request=PolicyPreviewSerializer,
        responses={200: OpenApiResponse(description='{"year","changes":[…]}')},
    )
    def post(self, request, tenant_slug: str):
        body = PolicyPreviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            self.preview(
                tenant=self.tenant,
                effective_from=body.validated_data["effective_from"],
                changes=body.validated_data["rules"],
            )
        )


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
