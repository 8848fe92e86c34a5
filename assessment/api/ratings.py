"""API of rating links (API.md "Annual assessment": ``rating-requests/`` and
the public ``ratings/{token}/``)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import Tenant
from liaison.api.fields import TenantPrimaryKeyRelatedField
from liaison.api.permissions import READERS
from liaison.api.viewsets import TenantScopedViewSet
from roster.models import Officer

from ..choices import RaterKind
from ..models import RatingRequest
from ..ratings import (
    READ_ROLES,
    SEND_ROLES,
    LinkExpired,
    LinkUnknown,
    criteria_for,
    rating_request_by_token,
    rating_request_create,
    rating_request_list,
    rating_submit,
)


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "gone"
    default_code = "gone"


def public_link(request, tenant: Tenant, token: str) -> str:
    """The absolute address of the public rating page of a token."""
    return request.build_absolute_uri(
        reverse("public-rating", kwargs={"slug": tenant.slug, "token": token})
    )


class RatingRequestSerializer(serializers.ModelSerializer):
    """A request as listed: never its token."""

    officer = TenantPrimaryKeyRelatedField(Officer)
    full_name = serializers.CharField(source="officer.full_name", read_only=True)
    rater_kind = serializers.ChoiceField(choices=RaterKind.choices)
    answered = serializers.SerializerMethodField()
    answered_at = serializers.SerializerMethodField()

    class Meta:
        model = RatingRequest
        fields = [
            "id",
            "officer",
            "full_name",
            "year",
            "rater_kind",
            "rater_name",
            "expires_on",
            "answered",
            "answered_at",
        ]
        read_only_fields = ["id", "full_name", "expires_on", "answered", "answered_at"]

    def get_answered(self, obj) -> bool:
        return hasattr(obj, "rating")

    def get_answered_at(self, obj) -> str | None:
        rating = getattr(obj, "rating", None)
        return (
            serializers.DateTimeField().to_representation(rating.submitted_at) if rating else None
        )


class RatingRequestViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, TenantScopedViewSet):
    """Rating requests: admins and auditors see all, district managers their
    districts' officers; admins (and managers, for their districts' officers)
    send them. A new link is valid 30 days from today; the 201 answer carries
    the token and the link, shown this once (only a digest is stored)."""

    model = RatingRequest
    serializer_class = RatingRequestSerializer
    action_roles = {"list": READ_ROLES | READERS, "create": SEND_ROLES}

    def scope_queryset(self, queryset):
        year = self.request.query_params.get("year", "")
        return rating_request_list(
            membership=self.membership, year=int(year) if year.isdigit() else None
        )

    @extend_schema(
        responses={201: OpenApiResponse(description='{"id","token","url","expires_on"}')}
    )
    def create(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        made, token = rating_request_create(
            membership=self.membership,
            officer=data["officer"],
            year=data["year"],
            rater_kind=data["rater_kind"],
            rater_name=data["rater_name"],
        )
        return Response(
            {
                "id": made.id,
                "token": token,
                "url": public_link(request, self.tenant, token),
                "expires_on": made.expires_on.isoformat(),
            },
            status=status.HTTP_201_CREATED,
        )


class PublicRatingSerializer(serializers.Serializer):
    scores = serializers.JSONField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class PublicRatingView(APIView):
    """A rater's one-time link, no login: GET shows what to rate, POST answers
    once (409 again); 404 for an unknown token, 410 after it expired."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"

    def _open(self, slug: str, token: str):
        tenant = get_object_or_404(Tenant.objects.in_service(), slug=slug)
        try:
            return tenant, rating_request_by_token(tenant=tenant, token=token)
        except LinkUnknown:
            raise exceptions.NotFound() from None
        except LinkExpired:
            raise Gone(_("This rating link has expired.")) from None

    @extend_schema(
        responses={200: OpenApiResponse(description='{"officer_name","year","criteria"}')}
    )
    def get(self, request, slug: str, token: str):
        tenant, found = self._open(slug, token)
        return Response(
            {
                "officer_name": found.officer.full_name,
                "year": found.year,
                "criteria": criteria_for(tenant=tenant, rater_kind=found.rater_kind),
            }
        )

    @extend_schema(
        request=PublicRatingSerializer, responses={201: OpenApiResponse(description="rated")}
    )
    def post(self, request, slug: str, token: str):
        tenant, _found = self._open(slug, token)
        form = PublicRatingSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        rating = rating_submit(
            tenant=tenant,
            token=token,
            scores=form.validated_data["scores"],
            comment=form.validated_data["comment"],
        )
        return Response(
            {"scores": rating.scores, "comment": rating.comment}, status=status.HTTP_201_CREATED
        )
