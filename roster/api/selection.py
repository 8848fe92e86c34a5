"""Selection workflow API (API.md §Selection workflow) and the public notice board."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.choices import Role
from accounts.models import Tenant
from liaison.api.fields import TenantPrimaryKeyRelatedField, TenantSlugRelatedField
from liaison.api.permissions import ADMIN, READERS
from liaison.api.viewsets import TenantScopedViewSet
from roster import workflow
from roster.choices import NOMINEE_FIELDS
from roster.filtersets import NominationFilterSet, ObjectionFilterSet
from roster.models import District, Nomination, Objection, Officer, SelectionRound, Unit
from roster.selectors import quarter_bounds, roster_changes

NOMINATION_READERS = READERS | {Role.DISTRICT_MANAGER, Role.UNIT_REVIEWER}
_ERRORS = {
    400: OpenApiResponse(description="bad input"),
    403: OpenApiResponse(description="visible, but not yours to do"),
    404: OpenApiResponse(description="outside your reach"),
    409: OpenApiResponse(description="not allowed at this stage or date"),
}


class ReserveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    unit = serializers.CharField(source="unit.name")
    stage = serializers.CharField()


class SelectionRoundSerializer(serializers.ModelSerializer):
    notice_days = serializers.IntegerField(required=False, min_value=1, max_value=60)
    reserves = serializers.SerializerMethodField()
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = SelectionRound
        fields = [
            "id",
            "year",
            "category",
            "seats",
            "notice_days",
            "title",
            "deadline",
            "stages",
            "notice",
            "self_nomination",
            "seats_left",
            "reserves",
        ]
        read_only_fields = ["id", "stages", "notice", "self_nomination"]

    @extend_schema_field(ReserveSerializer(many=True))
    def get_reserves(self, obj) -> list:
        """Verified or noticed nominations not appointed once the round has appointed."""
        return ReserveSerializer(workflow.reserves(obj), many=True).data

    def get_seats_left(self, obj) -> int:
        return workflow.seats_left(obj)


class NominationStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", default=None)
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    comment = serializers.CharField()


class NominationSerializer(serializers.ModelSerializer):
    round = TenantPrimaryKeyRelatedField(SelectionRound)
    unit = TenantPrimaryKeyRelatedField(Unit)
    district = TenantSlugRelatedField(District, slug_field="code", allow_null=True, required=False)
    category = serializers.CharField(required=False)
    officer = TenantPrimaryKeyRelatedField(Officer, required=False, allow_null=True)
    history = NominationStepSerializer(source="transitions", many=True, read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "round",
            "category",
            *NOMINEE_FIELDS,
            "district",
            "stage",
            "history",
            "warnings",
            "notice",
            "officer",
        ]
        read_only_fields = ["id", "stage", "history", "warnings", "notice"]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class PublishNoticeSerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class AppointSerializer(serializers.Serializer):
    nominations = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=False
    )


class ResolveSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["upheld", "dismissed"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SelectionRoundViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """Selection rounds. Admins open them, publish their notices and appoint."""

    model = SelectionRound
    serializer_class = SelectionRoundSerializer
    action_roles = {
        "list": NOMINATION_READERS,
        "retrieve": NOMINATION_READERS,
        "create": ADMIN,
        "publish_notice": ADMIN,
        "appoint": ADMIN,
    }

    def perform_create(self, serializer):
        serializer.instance = workflow.round_create(
            membership=self.membership, **serializer.validated_data
        )

    @extend_schema(request=PublishNoticeSerializer, responses={201: None, **_ERRORS})
    @action(detail=True, methods=["post"], url_path="publish-notice")
    def publish_notice(self, request, *args, **kwargs):
        """Put the round's centre-verified nominations on public notice."""
        selection = self.get_object()
        form = PublishNoticeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        notice = workflow.notice_publish(
            membership=self.membership, round=selection, **form.validated_data
        )
        return Response(_notice(notice), status=status.HTTP_201_CREATED)

    @extend_schema(request=AppointSerializer, responses={200: None, **_ERRORS})
    @action(detail=True, methods=["post"])
    def appoint(self, request, *args, **kwargs):
        """Appoint up to the round's seats (``nominations``: whom); the others
        stay as reserves."""
        selection = self.get_object()
        form = AppointSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        appointed = workflow.round_appoint(
            membership=self.membership,
            round=selection,
            nominations=form.validated_data.get("nominations"),
        )
        selection.refresh_from_db()
        return Response(
            {
                "reserves": ReserveSerializer(workflow.reserves(selection), many=True).data,
                "appointed": [
                    {
                        "nomination": n.id,
                        "officer": n.officer_id,
                        "full_name": n.full_name,
                        "username": n.officer.user.username,
                        # None: a renewed officer keeps the login they have
                        "invitation": request.build_absolute_uri(link) if link else None,
                    }
                    for n, link in appointed
                ],
            }
        )


class NominationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """Nominations in the caller's reach, and their review steps."""

    model = Nomination
    serializer_class = NominationSerializer
    filterset_class = NominationFilterSet
    action_roles = {
        "list": NOMINATION_READERS,
        "retrieve": NOMINATION_READERS,
        "create": workflow.NOMINATORS,
        "advance": workflow.NOMINATORS,
        "reject": workflow.NOMINATORS,
        "withdraw": workflow.NOMINATORS,
    }

    def scope_queryset(self, queryset):
        return workflow.nomination_list(membership=self.membership).prefetch_related(
            "transitions__actor"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        selection = data.pop("round")
        serializer.instance = workflow.nomination_create(
            membership=self.membership, round=selection, data=data
        )

    def _done(self, nomination):
        return Response(self.get_serializer(self.scope_queryset(None).get(pk=nomination.pk)).data)

    @extend_schema(request=CommentSerializer, responses={200: NominationSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def advance(self, request, *args, **kwargs):
        """Move to the next stage when the caller holds the role of that step."""
        nomination = self.get_object()
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._done(
            workflow.nomination_advance(
                membership=self.membership, nomination=nomination, **form.validated_data
            )
        )

    @extend_schema(request=ReasonSerializer, responses={200: NominationSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        nomination = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._done(
            workflow.nomination_reject(
                membership=self.membership, nomination=nomination, **form.validated_data
            )
        )

    @extend_schema(request=CommentSerializer, responses={200: NominationSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        nomination = self.get_object()
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._done(
            workflow.nomination_withdraw(
                membership=self.membership, nomination=nomination, **form.validated_data
            )
        )


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = [
            "id",
            "notice",
            "nomination",
            "name",
            "contact",
            "reason",
            "status",
            "comment",
            "created_at",
            "decided_at",
        ]


class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Objections filed by the public; admins resolve them."""

    model = Objection
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilterSet
    action_roles = {"list": READERS, "retrieve": READERS, "resolve": ADMIN}

    def scope_queryset(self, queryset):
        # An objection is in reach when its nomination is; out of reach answers 404.
        return queryset.filter(nomination__in=workflow.nomination_list(membership=self.membership))

    @extend_schema(request=ResolveSerializer, responses={200: ObjectionSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def resolve(self, request, *args, **kwargs):
        objection = self.get_object()
        form = ResolveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        objection = workflow.objection_resolve(
            membership=self.membership, objection=objection, **form.validated_data
        )
        return Response(ObjectionSerializer(objection).data)


# --- public ------------------------------------------------------------------------------


def _notice(notice) -> dict:
    """A notice as the public sees it: names, units and categories, never
    phone or e-mail."""
    return {
        "id": notice.id,
        "title": notice.title,
        "start": notice.start.isoformat(),
        "end": notice.end.isoformat(),
        "status": "open"
        if workflow.notice_is_open(notice)
        else ("upcoming" if notice.start > workflow.timezone.localdate() else "closed"),
        "nominees": [
            {"id": n.id, "full_name": n.full_name, "unit": n.unit.name, "category": n.category}
            for n in notice.nominees.all()
        ],
    }


def _public_tenant(slug: str) -> Tenant:
    return get_object_or_404(Tenant.objects.in_service(), slug=slug)


class PublicNoticeListView(APIView):
    """Open and past public notices of a programme; no login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiResponse(description="notices with nominees")})
    def get(self, request, slug: str):
        tenant = _public_tenant(slug)
        return Response([_notice(n) for n in workflow.public_notices(tenant=tenant)])


class PublicObjectionSerializer(serializers.Serializer):
    nominee = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)
    contact = serializers.CharField(max_length=100)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class PublicObjectionView(APIView):
    """File an objection against a nominee while the notice runs (409 after)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"

    @extend_schema(
        request=PublicObjectionSerializer,
        responses={201: OpenApiResponse(description="filed"), **_ERRORS},
    )
    def post(self, request, slug: str, notice_id: int):
        tenant = _public_tenant(slug)
        notice = get_object_or_404(workflow.public_notices(tenant=tenant), pk=notice_id)
        form = PublicObjectionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        nomination = notice.nominees.filter(pk=data["nominee"]).first()
        if nomination is None:
            raise Http404
        objection = workflow.objection_file(
            tenant=tenant,
            notice=notice,
            nomination=nomination,
            contact=data["contact"],
            reason=data["reason"],
            name=data["name"],
        )
        return Response(
            {"id": objection.id, "status": objection.status}, status=status.HTTP_201_CREATED
        )


class PublicApplicationSerializer(serializers.ModelSerializer):
    """The public application form (自荐 / 自行填写): the nomination form's
    fields, without the reviewers' ones."""

    unit = serializers.IntegerField()

    class Meta:
        model = Nomination
        fields = list(NOMINEE_FIELDS)


class PublicApplicationView(APIView):
    """Apply to a round that allows self-nomination; no login. The
    application lands as a draft that the unit's reviewer or the centre takes
    up. 404 for a round without self-nomination, 409 after its deadline."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"

    @extend_schema(
        request=PublicApplicationSerializer,
        responses={201: OpenApiResponse(description="filed as a draft"), **_ERRORS},
    )
    def post(self, request, slug: str, round_id: int):
        tenant = _public_tenant(slug)
        selection = get_object_or_404(workflow.self_nomination_rounds(tenant=tenant), pk=round_id)
        form = PublicApplicationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data["unit"] = Unit.objects.for_tenant(tenant).filter(pk=data["unit"]).first()
        if data["unit"] is None:
            raise ValidationError({"unit": [_("Choose a unit of this programme.")]})
        nomination = workflow.application_create(tenant=tenant, round=selection, data=data)
        return Response(
            {"id": nomination.id, "stage": nomination.stage}, status=status.HTTP_201_CREATED
        )


def current_quarter() -> str:
    today = workflow.timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


class PublicRosterChangesView(APIView):
    """The quarterly list of roster changes (人员调整名单每季度在网上公布): no
    login; names, categories, districts and units only."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("quarter", str, description="e.g. 2026Q1")],
        responses={200: OpenApiResponse(description="the quarter's changes")},
    )
    def get(self, request, slug: str):
        tenant = _public_tenant(slug)
        quarter = request.query_params.get("quarter") or current_quarter()
        try:
            start, end = quarter_bounds(quarter)
        except ValueError:
            raise ValidationError({"quarter": _("Give a quarter such as 2026Q1.")}) from None
        rows = roster_changes(tenant=tenant, start=start, end=end)
        return Response({"quarter": quarter.upper(), "start": start, "end": end, "changes": rows})
