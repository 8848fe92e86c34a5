"""Serializers of the roster API. Related codes and ids resolve inside the tenant."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from liaison.api.fields import TenantPrimaryKeyRelatedField, TenantSlugRelatedField
from roster.choices import OfficerStatus, UnitKind
from roster.models import District, Officer, OfficerGroup, Unit


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name"]
        # Uniqueness per tenant is checked by the service (model constraints).
        validators = []


class UnitSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    district = TenantSlugRelatedField(District, slug_field="code", allow_null=True, required=False)

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "district"]
        validators = []


class OfficerSerializer(serializers.ModelSerializer):
    district = TenantSlugRelatedField(District, slug_field="code", allow_null=True, required=False)
    unit = TenantPrimaryKeyRelatedField(Unit, allow_null=True, required=False)
    status = serializers.ChoiceField(choices=OfficerStatus.choices, required=False)
    username = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=150
    )
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"}
    )
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Officer
        fields = [
            "id",
            "full_name",
            "category",
            "district",
            "unit",
            "term_start",
            "term_end",
            "status",
            "mobile",
            "email",
            "username",
            "password",
            "has_login",
            "disqualification_reason",
            "disqualified_on",
        ]
        read_only_fields = ["id", "has_login", "disqualification_reason", "disqualified_on"]

    def get_has_login(self, obj) -> bool:
        return obj.user_id is not None

    def validate(self, attrs):
        if (
            attrs.get("term_start")
            and attrs.get("term_end")
            and attrs["term_end"] < attrs["term_start"]
        ):
            raise serializers.ValidationError(
                {"term_end": _("The term cannot end before it starts.")}
            )
        return attrs


class DisqualifySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=50)
    effective_on = serializers.DateField()


class ReplaceSerializer(serializers.Serializer):
    """The successor named for a vacated seat."""

    effective_on = serializers.DateField()
    full_name = serializers.CharField(max_length=100)
    unit = TenantPrimaryKeyRelatedField(Unit, allow_null=True, required=False)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = serializers.CharField(required=False, allow_blank=True, write_only=True)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class OfficerGroupSerializer(serializers.ModelSerializer):
    district = TenantSlugRelatedField(District, slug_field="code", allow_null=True, required=False)
    members = TenantPrimaryKeyRelatedField(Officer, many=True, required=False)
    host_units = TenantPrimaryKeyRelatedField(Unit, many=True, required=False)
    leader = TenantPrimaryKeyRelatedField(Officer, allow_null=True, required=False)
    deputy = TenantPrimaryKeyRelatedField(Officer, allow_null=True, required=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)

    class Meta:
        model = OfficerGroup
        fields = [
            "id",
            "kind",
            "name",
            "district",
            "members",
            "host_units",
            "leader",
            "leader_name",
            "deputy",
            "formed_on",
            "until",
        ]
        read_only_fields = ["id", "until"]
