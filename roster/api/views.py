"""Roster API: districts, units and officers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.choices import Role
from accounts.selectors import policy_in_force
from liaison.api.dates import day_param
from liaison.api.pagination import CursorOptInPagination
from liaison.api.permissions import ADMIN, ALL_ROLES, READERS
from liaison.api.viewsets import TenantScopedViewSet
from roster.filtersets import OfficerFilterSet
from roster.groups import group_create, group_list
from roster.hosts import headcount, host_assign, host_history
from roster.models import District, Officer, OfficerGroup, Unit
from roster.selectors import OFFICER_ORDER, officer_list, rotation_due
from roster.services import (
    district_create,
    officer_create,
    officer_disqualify,
    officer_replace,
    unit_create,
)
from scoring.selectors import statement_for

from .hosts import HeadcountSerializer, HostAssignmentSerializer, RotationDueSerializer
from .serializers import (
    DisqualifySerializer,
    DistrictSerializer,
    OfficerGroupSerializer,
    OfficerSerializer,
    ReplaceSerializer,
    UnitSerializer,
)

STATEMENT_READERS = READERS | {Role.DISTRICT_MANAGER, Role.OFFICER}
MANAGERS = READERS | {Role.DISTRICT_MANAGER}
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
    pagination_class = CursorOptInPagination  # issue 16 lists: ?cursor= opt-in
    cursor_ordering = OFFICER_ORDER
    action_roles = {
        "list": ALL_ROLES,
        "retrieve": ALL_ROLES,
        "create": ADMIN,
        "disqualify": ADMIN,
        "statement": STATEMENT_READERS,
        "replace": frozenset({Role.ADMIN, Role.DISTRICT_MANAGER}),
        "hosts": ALL_ROLES,  # POST: admin (roles_for)
        "rotation_due": MANAGERS,
        "headcount": MANAGERS,
    }

    def roles_for(self, request):
        if self.action == "hosts" and request.method == "POST":
            return ADMIN
        return super().roles_for(request)

    def scope_queryset(self, queryset):
        return officer_list(membership=self.membership)

    @extend_schema(methods=["GET"], responses=HostAssignmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=HostAssignmentSerializer,
        responses={201: HostAssignmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def hosts(self, request, *args, **kwargs):
        """The officer's host assignments, newest first. POST ``{"unit","start"}``
        (admins) moves the officer to a host from ``start``: the current
        assignment ends the day before."""
        officer = self.get_object()
        if request.method == "POST":
            form = HostAssignmentSerializer(
                data=request.data, context=self.get_serializer_context()
            )
            form.is_valid(raise_exception=True)
            assignment = host_assign(
                tenant=self.tenant, officer=officer, by=request.user, **form.validated_data
            )
            return Response(
                HostAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED
            )
        rows = host_history(officer=officer)
        return Response(HostAssignmentSerializer(rows, many=True).data)

    @extend_schema(responses=RotationDueSerializer(many=True))
    @action(
        detail=False,
        methods=["get"],
        url_path="rotation-due",
        pagination_class=None,
        filter_backends=[],
    )
    def rotation_due(self, request, *args, **kwargs):
        """Officers in reach whose current host assignment started
        ``rotation_years`` (the policy in force on ``?on=``) or more before it."""
        on = day_param(request)
        years = policy_in_force(tenant=self.tenant, on=on).rules.get("rotation_years")
        due = rotation_due(
            officers=officer_list(membership=self.membership), rotation_years=years, on=on
        )
        return Response(RotationDueSerializer(due, many=True).data)

    @extend_schema(responses=HeadcountSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def headcount(self, request, *args, **kwargs):
        """Active officers per district in reach on ``?on=`` against the
        policy's ``headcount.min_per_district``."""
        rows = headcount(membership=self.membership, on=day_param(request))
        return Response(HeadcountSerializer(rows, many=True).data)

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
            by=request.user,
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
