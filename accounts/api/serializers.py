"""Serializers of the accounts API."""

from __future__ import annotations

from rest_framework import serializers

from accounts.choices import Role
from accounts.models import Membership, Policy, Tenant
from liaison.api.fields import TenantPrimaryKeyRelatedField, TenantSlugRelatedField
from roster.models import District, Unit


class TenantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ["slug", "name", "preset"]


class PolicySerializer(serializers.ModelSerializer):
    """The policy in force, its rules spread out as top-level fields (API.md)."""

    categories = serializers.SerializerMethodField()
    points = serializers.SerializerMethodField()
    bonus = serializers.SerializerMethodField()
    excellence = serializers.SerializerMethodField()
    quotas = serializers.SerializerMethodField()
    review_stages = serializers.SerializerMethodField()
    notice_days = serializers.SerializerMethodField()
    term_years = serializers.SerializerMethodField()
    rotation_years = serializers.SerializerMethodField()
    dormant_days = serializers.SerializerMethodField()
    disqualification_reasons = serializers.SerializerMethodField()
    eligibility = serializers.SerializerMethodField()
    selection = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    duties = serializers.SerializerMethodField()
    headcount = serializers.SerializerMethodField()
    mfa_required_roles = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "preset",
            "version",
            "effective_from",
            "categories",
            "points",
            "bonus",
            "excellence",
            "quotas",
            "review_stages",
            "notice_days",
            "term_years",
            "rotation_years",
            "dormant_days",
            "disqualification_reasons",
            "eligibility",
            "selection",
            "assessment",
            "duties",
            "headcount",
            "mfa_required_roles",
        ]

    def _rule(self, obj: Policy, key: str):
        return obj.rules.get(key)

    def get_categories(self, obj) -> list[dict]:
        return self._rule(obj, "categories")

    def get_points(self, obj) -> dict:
        return self._rule(obj, "points")

    def get_bonus(self, obj) -> dict:
        return self._rule(obj, "bonus")

    def get_excellence(self, obj) -> dict:
        return self._rule(obj, "excellence")

    def get_quotas(self, obj) -> list[dict]:
        return self._rule(obj, "quotas")

    def get_review_stages(self, obj) -> dict:
        return self._rule(obj, "review_stages")

    def get_notice_days(self, obj) -> int:
        return self._rule(obj, "notice_days")

    def get_term_years(self, obj) -> int:
        return self._rule(obj, "term_years")

    def get_rotation_years(self, obj) -> int | None:
        return self._rule(obj, "rotation_years")

    def get_dormant_days(self, obj) -> int:
        return self._rule(obj, "dormant_days")

    def get_disqualification_reasons(self, obj) -> list[dict]:
        return self._rule(obj, "disqualification_reasons")

    def get_eligibility(self, obj) -> dict:
        return self._rule(obj, "eligibility")

    def get_selection(self, obj) -> dict | None:
        return self._rule(obj, "selection")

    def get_assessment(self, obj) -> dict | None:
        return self._rule(obj, "assessment")

    def get_duties(self, obj) -> list[dict]:
        return self._rule(obj, "duties") or []

    def get_headcount(self, obj) -> dict | None:
        return self._rule(obj, "headcount")

    def get_mfa_required_roles(self, obj) -> list[str]:
        return self._rule(obj, "mfa_required_roles") or []


class PolicyVersionSerializer(serializers.ModelSerializer):
    """One version of the policy (``policy/versions/``)."""

    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Policy
        fields = ["version", "effective_from", "note", "created_by", "created_at"]


class PolicyVersionCreateSerializer(serializers.Serializer):
    """``POST policy/versions/``: ``rules`` carries only the keys that change."""

    effective_from = serializers.DateField()
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    rules = serializers.DictField()


class PolicyPreviewSerializer(serializers.Serializer):
    """``POST policy/preview/``: the change to try, nothing saved."""

    effective_from = serializers.DateField()
    rules = serializers.DictField()


class MemberSerializer(serializers.ModelSerializer):
    """A membership: the login and its role in this tenant."""

    username = serializers.CharField(source="user.username", max_length=150)
    password = serializers.CharField(
        write_only=True, required=False, allow_null=True, style={"input_type": "password"}
    )
    full_name = serializers.CharField(
        source="user.full_name", required=False, allow_blank=True, max_length=100
    )
    email = serializers.EmailField(source="user.email", required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    districts = TenantSlugRelatedField(District, slug_field="code", many=True, required=False)
    units = TenantPrimaryKeyRelatedField(Unit, many=True, required=False)

    class Meta:
        model = Membership
        fields = [
            "id",
            "username",
            "password",
            "full_name",
            "email",
            "role",
            "districts",
            "units",
            "is_active",
        ]
        read_only_fields = ["id", "is_active"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        grants = self.context["grants"]
        data["districts"] = grants.districts(instance.user_id)
        data["units"] = grants.units(instance.user_id)
        return data


class TokenRequestSerializer(serializers.Serializer):
    """``POST /api/v1/auth/token/``: ``otp`` only for users with two-factor on."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        trim_whitespace=False, max_length=4096, style={"input_type": "password"}
    )
    otp = serializers.CharField(required=False, allow_blank=True, max_length=12)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class MfaSetupSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The key in base32, to type into the app.")
    otpauth_url = serializers.CharField(help_text="otpauth://totp/… for a QR code.")


class OtpSerializer(serializers.Serializer):
    otp = serializers.CharField(max_length=12, help_text="The app's current 6-digit code.")
