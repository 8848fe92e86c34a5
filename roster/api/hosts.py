"""Roster API of issue 11: host assignments, rotation due, headcount and
change requests (API.md "Additions — Programme rules as data", "Hosts and
rotation")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison.api.fields import TenantPrimaryKeyRelatedField
from liaison.api.permissions import ADMIN, ALL_ROLES
from liaison.api.viewsets import TenantScopedViewSet
from roster.choices import ChangeKind
from roster.filtersets import ChangeRequestFilterSet
from roster.hosts import (
    FILERS,
    change_request_approve,
    change_request_file,
    change_request_list,
    change_request_reject,
)
from roster.models import ChangeRequest, HostAssignment, Officer, Unit


class HostAssignmentSerializer(serializers.ModelSerializer):
    unit = TenantPrimaryKeyRelatedField(Unit)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = HostAssignment
        fields = ["id", "unit", "unit_name", "start", "end"]
        read_only_fields = ["id", "unit_name", "end"]


class RotationDueSerializer(serializers.Serializer):
    officer = serializers.IntegerField(source="id")
    full_name = serializers.CharField()
    unit = serializers.IntegerField(source="host_unit_id")
    since = serializers.DateField(source="host_since")


class HeadcountSerializer(serializers.Serializer):
    district = serializers.CharField()
    active = serializers.IntegerField()
    minimum = serializers.IntegerField(allow_null=True)
    short = serializers.BooleanField()


class ChangeRequestSerializer(serializers.ModelSerializer):
    officer = TenantPrimaryKeyRelatedField(Officer)
    officer_name = serializers.CharField(source="officer.full_name", read_only=True)
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    unit = TenantPrimaryKeyRelatedField(Unit, allow_null=True, required=False)
    unit_name = serializers.CharField(
        source="unit.name", read_only=True, default=None, allow_null=True
    )
    filed_by = serializers.CharField(source="filed_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "officer",
            "officer_name",
            "kind",
            "reason",
            "unit",
            "unit_name",
            "proposed_on",
            "status",
            "filed_by",
            "filed_as",
            "filed_at",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = [
            "id",
            "status",
            "filed_by",
            "filed_as",
            "filed_at",
            "decided_by",
            "decided_at",
            "comment",
        ]


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ChangeRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """Change requests (调整申请) about officers: filed by the officer, a host's
    or the dispatching unit's reviewer, or the district's managers; decided
    by the centre. Everyone sees those about officers in their reach."""

    model = ChangeRequest
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilterSet
    action_roles = {
        "list": ALL_ROLES,
        "retrieve": ALL_ROLES,
        "create": FILERS,
        "approve": ADMIN,
        "reject": ADMIN,
    }

    def scope_queryset(self, queryset):
        return change_request_list(membership=self.membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = change_request_file(
            membership=self.membership,
            officer=data["officer"],
            kind=data["kind"],
            reason=data["reason"],
            unit=data.get("unit"),
            proposed_on=data.get("proposed_on"),
        )

    @extend_schema(request=DecisionSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        """The centre approves; an approved host change starts the new host."""
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decided = change_request_approve(
            membership=self.membership,
            request=self.get_object(),
            comment=form.validated_data["comment"],
        )
        return Response(self.get_serializer(decided).data)

    @extend_schema(request=DecisionSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        """The centre rejects, with the reason in ``comment``."""
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decided = change_request_reject(
            membership=self.membership,
            request=self.get_object(),
            comment=form.validated_data["comment"],
        )
        return Response(self.get_serializer(decided).data, status=status.HTTP_200_OK)
