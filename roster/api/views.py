"""Roster API: districts, units and officers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.choices import Role
from liaison.api.permissions import ADMIN, ALL_ROLES, READERS
from liaison.api.viewsets import TenantScopedViewSet
from roster.filtersets import OfficerFilterSet
from roster.groups import group_create, group_list
from roster.models import District, Officer, OfficerGroup, Unit
from roster.selectors import officer_list
from roster.services import (
    district_create,
    officer_create,
    officer_disqualify,
    officer_replace,
    unit_create,
)
from scoring.selectors import statement_for

from .serializers import (
    DisqualifySerializer,
    DistrictSerializer,
    OfficerGroupSerializer,
    OfficerSerializer,
    ReplaceSerializer,
    UnitSerializer,
)

STATEMENT_READERS = READERS | {Role.DISTRICT_MANAGER, Role.OFFICER}
_LIST_CREATE = (mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin)


class DistrictViewSet(*_LIST_CREATE, TenantScopedViewSet):
    """Districts (区 / 县 / park). Every member reads; admins create."""

    model = District
    serializer_class = DistrictSerializer
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "create": ADMIN}
    filterset_fields = ["code"]

    def perform_create(self, serializer):
        serializer.instance = district_create(tenant=self.tenant, **serializer.validated_data)


class UnitViewSet(*_LIST_CREATE, TenantScopedViewSet):
    """Dispatching and host units. Every member reads; admins create."""

    model = Unit
    serializer_class = UnitSerializer
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "create": ADMIN}
    filterset_fields = ["kind", "district__code"]

    def scope_queryset(self, queryset):
        return queryset.select_related("district").order_by("name")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = unit_create(
            tenant=self.tenant, name=data["name"], kind=data["kind"], district=data.get("district")
        )


class OfficerViewSet(*_LIST_CREATE, TenantScopedViewSet):
    """The roster: officers in the caller's reach. Admins create officers
    directly (migration of an existing roster) and disqualify them."""

    model = Officer
    serializer_class = OfficerSerializer
    filterset_class = OfficerFilterSet
    action_roles = {
        "list": ALL_ROLES,
        "retrieve": ALL_ROLES,
        "create": ADMIN,
        "disqualify": ADMIN,
        "statement": STATEMENT_READERS,
        "replace": frozenset({Role.ADMIN, Role.DISTRICT_MANAGER}),
    }

    def scope_queryset(self, queryset):
        return officer_list(membership=self.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = officer_create(
            tenant=self.tenant,
            full_name=data["full_name"],
            category=data["category"],
            district=data.get("district"),
            unit=data.get("unit"),
            term_start=data["term_start"],
            term_end=data["term_end"],
            username=data.get("username") or None,
            password=data.get("password") or None,
            mobile=data.get("mobile", ""),
            email=data.get("email", ""),
        )

    @extend_schema(request=DisqualifySerializer, responses=OfficerSerializer)
    @action(detail=True, methods=["post"])
    def disqualify(self, request, *args, **kwargs):
        officer = self.get_object()
        form = DisqualifySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        officer = officer_disqualify(
            tenant=self.tenant, officer=officer, by=request.user, **form.validated_data
        )
        return Response(self.get_serializer(officer).data)

    @extend_schema(request=ReplaceSerializer, responses={201: OfficerSerializer})
    @action(detail=True, methods=["post"])
    def replace(self, request, *args, **kwargs):
        """Name a successor for this officer's seat (admins, or the district's
        managers); the predecessor's appointment ends the day before."""
        officer = self.get_object()
        form = ReplaceSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        successor = officer_replace(
            tenant=self.tenant,
            officer=officer,
            effective_on=data.pop("effective_on"),
            full_name=data.pop("full_name"),
            unit=data.pop("unit", None),
            username=data.pop("username", "") or None,
            password=data.pop("password", "") or None,
            **data,
        )
        return Response(self.get_serializer(successor).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True)],
        responses={200: OpenApiResponse(description="the officer's points statement")},
    )
    @action(detail=True, methods=["get"])
    def statement(self, request, *args, **kwargs):
        """The officer's points for a year, line by line (entry, kind, date,
        credited officers, share) with the bonus; sums exactly to the ranking."""
        officer = self.get_object()
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError:
            raise ValidationError({"year": _("Give the year, e.g. ?year=2025.")}) from None
        return Response(statement_for(tenant=self.tenant, officer=officer, year=year))


class OfficerGroupViewSet(*_LIST_CREATE, TenantScopedViewSet):
    """City officer pairs, the guidance group and district working groups."""

    model = OfficerGroup
    serializer_class = OfficerGroupSerializer
    filterset_fields = ["kind"]
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "create": ADMIN}

    def scope_queryset(self, queryset):
        return group_list(membership=self.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = group_create(membership=self.membership, **data)
