"""Duties API (API.md "Additions — Duties"): service agreements, plans and
reports with their review, the reports due, service days on site and
trainings. Reads follow the caller's reach (``duties.selectors``); writes go
through ``duties.services``, whose ``ValidationError`` (400), ``PermissionDenied``
(403) and ``Conflict`` (409) the project's exception handler turns into answers."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.choices import Role
from liaison.api.dates import day_param
from liaison.api.permissions import ALL_ROLES
from liaison.api.viewsets import TenantScopedViewSet
from liaison.filters import IdFilter
from roster.selectors import officer_list

from .. import services
from ..choices import ReportKind, ReportStatus, TrainingKind
from ..downloads import agreement_download
from ..models import Agreement, Report, ServiceDay, Training
from ..selectors import (
    agreement_list,
    report_list,
    reports_due,
    service_day_list,
    training_list,
)
from .serializers import (
    AgreementFileSerializer,
    AgreementRenewSerializer,
    AgreementSerializer,
    ReportBodySerializer,
    ReportDueSerializer,
    ReportReturnSerializer,
    ReportSerializer,
    ServiceDaySerializer,
    TrainingSerializer,
    TransitionSerializer,
)

#: who records duties (their own, their districts', anyone's); auditors and
#: unit reviewers only read
RECORDERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.OFFICER})
#: who accepts or returns plans and reports, and records trainings
CENTRE_AND_MANAGERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER})

_ERRORS = {
    400: OpenApiResponse(description="bad input: field messages"),
    403: OpenApiResponse(description="visible, but not yours to do"),
    404: OpenApiResponse(description="outside your reach"),
    409: OpenApiResponse(description="not allowed in the current state"),
}


class OfficerFilterSet(django_filters.FilterSet):
    officer = IdFilter()


class AgreementFilterSet(OfficerFilterSet):
    class Meta:
        model = Agreement
        fields = ["officer"]


class ServiceDayFilterSet(OfficerFilterSet):
    class Meta:
        model = ServiceDay
        fields = ["officer"]


class ReportFilterSet(OfficerFilterSet):
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    period = django_filters.CharFilter()

    class Meta:
        model = Report
        fields = ["officer", "kind", "status", "period"]


class TrainingFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices)

    class Meta:
        model = Training
        fields = ["kind"]


class _DutyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    http_method_names = ["get", "post", "head", "options"]

    def _answer(self, obj, serializer_class=None, code=status.HTTP_200_OK) -> Response:
        """``obj`` as the caller reads it after a change."""
        obj = self.get_queryset().filter(pk=obj.pk).first() or obj
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, code)


# --- agreements ---------------------------------------------------------------------------


class AgreementViewSet(_DutyViewSet):
    """Service agreements: officers see their own, district managers their
    districts', the centre and auditors all. Created (JSON, or multipart
    with the signed ``file``), renewed and filed by the officer, their
    district manager or the centre."""

    model = Agreement
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    action_roles = {
        "list": ALL_ROLES,
        "retrieve": ALL_ROLES,
        "create": RECORDERS,
        "renew": RECORDERS,
        "file": RECORDERS,
    }

    def roles_for(self, request):
        if self.action == "file" and request.method in ("GET", "HEAD"):
            return ALL_ROLES  # every reader of the agreement downloads its file
        return super().roles_for(request)

    def scope_queryset(self, queryset):
        return agreement_list(membership=self.membership).select_related("renewed_by")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.agreement_create(
            tenant=self.tenant,
            membership=self.membership,
            officer=data["officer"],
            host_unit=data["host_unit"],
            start=data["start"],
            end=data["end"],
            signed_on=data.get("signed_on"),
            upload=data.get("file"),
        )

    @extend_schema(
        request={
            "application/json": AgreementRenewSerializer,
            "multipart/form-data": AgreementRenewSerializer,
        },
        responses={201: AgreementSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def renew(self, request, *args, **kwargs):
        """Renew: a new agreement from the day after this one ends until
        ``end``, same officer and host (409 once renewed)."""
        agreement = self.get_object()  # out of reach answers 404 before any validation
        form = AgreementRenewSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        renewal = services.agreement_renew(
            tenant=self.tenant,
            membership=self.membership,
            agreement=agreement,
            end=form.validated_data["end"],
            signed_on=form.validated_data["signed_on"],
            upload=form.validated_data.get("file"),
        )
        return self._answer(renewal, code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the signed file"
            ),
            404: OpenApiResponse(description="outside your reach, or not filed yet"),
        },
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AgreementFileSerializer},
        responses={200: AgreementSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def file(self, request, *args, **kwargs):
        """GET downloads the signed file (404 while not filed); POST files it
        (multipart ``file``: PDF, JPEG, PNG or Word; once — 409 after)."""
        agreement = self.get_object()
        if request.method in ("GET", "HEAD"):
            if not agreement.filed:
                raise exceptions.NotFound(_("This agreement is not filed yet."))
            return agreement_download(agreement)
        form = AgreementFileSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        agreement = services.agreement_file(
            tenant=self.tenant,
            membership=self.membership,
            agreement=agreement,
            upload=form.validated_data["file"],
        )
        return self._answer(agreement)


# --- plans and reports --------------------------------------------------------------------


class ReportViewSet(mixins.UpdateModelMixin, _DutyViewSet):
    """Plans and reports: drafted by the officer (or, for an officer in
    reach, a district manager or the centre), submitted, then accepted or
    returned as ledger entries are — never by the officer they are from nor
    by the member who drafted them."""

    model = Report
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_roles = {
        "list": ALL_ROLES,
        "retrieve": ALL_ROLES,
        "due": ALL_ROLES,
        "create": RECORDERS,
        "partial_update": RECORDERS,
        "submit": RECORDERS,
        "accept": CENTRE_AND_MANAGERS,
        "return_": CENTRE_AND_MANAGERS,
    }

    def scope_queryset(self, queryset):
        return report_list(membership=self.membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.report_create(
            tenant=self.tenant,
            membership=self.membership,
            officer=data["officer"],
            kind=data["kind"],
            period=data["period"],
            body=data["body"],
        )

    @extend_schema(request=ReportBodySerializer, responses={200: ReportSerializer, **_ERRORS})
    def partial_update(self, request, *args, **kwargs):
        """Edit the content of a draft or returned report (409 otherwise)."""
        report = self.get_object()
        form = ReportBodySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = services.report_update(
            tenant=self.tenant,
            membership=self.membership,
            report=report,
            body=form.validated_data["body"],
        )
        return self._answer(report)

    @extend_schema(request=TransitionSerializer, responses={200: ReportSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        """Hand in a draft or returned report (late after its due day)."""
        report = services.report_submit(
            tenant=self.tenant, membership=self.membership, report=self.get_object()
        )
        return self._answer(report)

    @extend_schema(request=TransitionSerializer, responses={200: ReportSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        """Accept a submitted report."""
        report = services.report_accept(
            tenant=self.tenant, membership=self.membership, report=self.get_object()
        )
        return self._answer(report)

    @extend_schema(request=ReportReturnSerializer, responses={200: ReportSerializer, **_ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, *args, **kwargs):
        """Return a submitted report to the officer, with a reason."""
        report = self.get_object()  # out of reach answers 404 before any validation
        form = ReportReturnSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = services.report_return(
            tenant=self.tenant,
            membership=self.membership,
            report=report,
            reason=form.validated_data["reason"],
        )
        return self._answer(report)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                description="the day to look at (YYYY-MM-DD); today when absent",
            )
        ],
        responses={
            200: ReportDueSerializer(many=True),
            400: OpenApiResponse(description="``on`` is not a date"),
        },
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def due(self, request, *args, **kwargs):
        """The reports the policy's duties require of the officers in the
        caller's reach from 1 January until ``on`` that are missing or not
        yet accepted, earliest first (a plain list, not paginated)."""
        on = day_param(request)
        rows = reports_due(
            officers=officer_list(membership=self.membership), tenant=self.tenant, on=on
        )
        return Response(ReportDueSerializer(rows, many=True).data)


# --- service days and trainings -----------------------------------------------------------


class ServiceDayViewSet(_DutyViewSet):
    """Days served on site at a host (Suzhou: at least a month a year)."""

    model = ServiceDay
    serializer_class = ServiceDaySerializer
    filterset_class = ServiceDayFilterSet
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "create": RECORDERS}

    def scope_queryset(self, queryset):
        return service_day_list(membership=self.membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.service_days_create(
            tenant=self.tenant,
            membership=self.membership,
            officer=data["officer"],
            host_unit=data["host_unit"],
            start=data["start"],
            end=data["end"],
            note=data.get("note", ""),
        )


class TrainingViewSet(_DutyViewSet):
    """Trainings and exchange meetings with their attendance, recorded by
    the centre or a district manager (for their districts' officers)."""

    model = Training
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilterSet
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "create": CENTRE_AND_MANAGERS}

    def scope_queryset(self, queryset):
        return training_list(membership=self.membership).prefetch_related("attendees")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.training_create(
            tenant=self.tenant,
            membership=self.membership,
            title=data["title"],
            kind=data["kind"],
            held_on=data["held_on"],
            attendees=data.get("attendees", []),
            note=data.get("note", ""),
        )
