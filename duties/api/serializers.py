"""Serializers of the duties API (API.md "Additions — Duties"). Officers and
hosts are named by id and resolved inside the caller's reach, so an id out
of reach or of another tenant gets the same 400 as one that does not exist."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.api.fields import TenantPrimaryKeyRelatedField
from roster.models import Officer, Unit
from roster.selectors import officer_list

from ..choices import DueStatus, ReportKind, TrainingKind
from ..models import Agreement, Report, ServiceDay, Training


class OfficerInReachField(TenantPrimaryKeyRelatedField):
    """An officer the caller sees (:func:`roster.selectors.officer_list`)."""

    def __init__(self, **kwargs):
        super().__init__(Officer, **kwargs)

    def get_queryset(self):
        membership = self.context.get("membership")
        if membership is None:
            return Officer.objects.none()
        return officer_list(membership=membership)


def _host_field():
    return TenantPrimaryKeyRelatedField(Unit)


# --- agreements ---------------------------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement; ``file`` (multipart) files it with its signed copy."""

    officer = OfficerInReachField()
    host_unit = _host_field()
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.FileField(write_only=True, required=False)
    filed = serializers.BooleanField(read_only=True)
    renewed_by = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "officer",
            "host_unit",
            "start",
            "end",
            "signed_on",
            "file",
            "filed",
            "file_name",
            "filed_at",
            "renews",
            "renewed_by",
            "created_at",
        ]
        read_only_fields = ["id", "file_name", "filed_at", "renews", "created_at"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_renewed_by(self, obj) -> int | None:
        renewal = getattr(obj, "renewed_by", None)  # reverse one-to-one: absent when not renewed
        return renewal.id if renewal is not None else None


class AgreementRenewSerializer(serializers.Serializer):
    end = serializers.DateField()
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.FileField(required=False)


class AgreementFileSerializer(serializers.Serializer):
    file = serializers.FileField()


# --- plans and reports --------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    officer = OfficerInReachField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    period = serializers.CharField(
        max_length=10, help_text="2026-W05, 2026-03, 2026-Q1 or 2026, by kind"
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "officer",
            "kind",
            "period",
            "body",
            "due_on",
            "status",
            "late",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "due_on",
            "status",
            "late",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "created_at",
        ]
        validators = []  # one report per period: the service says so on ``period``


class ReportBodySerializer(serializers.Serializer):
    """PATCH of a draft or returned report: its content only."""

    body = serializers.CharField()


class ReportReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    """Body of submit / accept: nothing."""


class ReportDueSerializer(serializers.Serializer):
    officer = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    period = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=DueStatus.choices)


# --- service days and trainings -----------------------------------------------------------


class ServiceDaySerializer(serializers.ModelSerializer):
    officer = OfficerInReachField()
    host_unit = _host_field()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    days = serializers.IntegerField(read_only=True)

    class Meta:
        model = ServiceDay
        fields = ["id", "officer", "host_unit", "start", "end", "days", "note", "created_at"]
        read_only_fields = ["id", "days", "created_at"]


class TrainingSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    attendees = OfficerInReachField(many=True, required=False)

    class Meta:
        model = Training
        fields = ["id", "title", "kind", "held_on", "note", "attendees", "created_at"]
        read_only_fields = ["id", "created_at"]


__all__ = [
    "AgreementFileSerializer",
    "AgreementRenewSerializer",
    "AgreementSerializer",
    "ReportBodySerializer",
    "ReportDueSerializer",
    "ReportReturnSerializer",
    "ReportSerializer",
    "ServiceDaySerializer",
    "TrainingSerializer",
    "TransitionSerializer",
]
