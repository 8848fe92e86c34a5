"""Ledger API: the six kinds of entry, their transitions and evidence, and
the reference libraries."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.choices import Role
from ledgers import services
from ledgers.choices import EntryKind
from ledgers.filtersets import EntryFilterSet, ReferenceFilterSet
from ledgers.models import Entry, Reference
from ledgers.selectors import ENTRY_ORDER, entry_detail_list, entry_list, reference_list
from liaison.api.pagination import CursorOptInPagination
from liaison.api.permissions import ALL_ROLES
from liaison.api.viewsets import TenantScopedViewSet

from .serializers import (
    DeclineSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ReferenceSerializer,
    ReturnSerializer,
    TransitionSerializer,
    WithdrawSerializer,
    serializer_for,
)

LOGGERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.OFFICER})
REVIEWERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER})

_ERRORS = {
    400: OpenApiResponse(description="bad input"),
    403: OpenApiResponse(description="visible, but not yours to do"),
    404: OpenApiResponse(description="outside your reach"),
    409: OpenApiResponse(description="not allowed in the entry's current state"),
}


class EntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    """Base of the six ledger collections; ``kind`` names the one served."""

    model = Entry
    kind: str = ""
    filterset_class = EntryFilterSet
    pagination_class = CursorOptInPagination  # issue 16 lists: ?cursor= opt-in
    cursor_ordering = ENTRY_ORDER
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_roles = {
        "list": ALL_ROLES,
        "retrieve": ALL_ROLES,
        "create": LOGGERS,
        "partial_update": LOGGERS,
        "submit": LOGGERS,
        "withdraw": LOGGERS,
        "verify": REVIEWERS,
        "return_": REVIEWERS,
        "evidence": LOGGERS,
        "confirm": ALL_ROLES,  # the service lets only a credited officer's login through
        "decline": ALL_ROLES,
    }

    def scope_queryset(self, queryset):
        if self.action == "retrieve":
            return entry_detail_list(membership=self.membership, kind=self.kind)
        return entry_list(membership=self.membership, kind=self.kind)

    def get_serializer_class(self):
        return serializer_for(self.kind, detail=self.action == "retrieve")

    def _reload(self, entry: Entry) -> Entry:
        return entry_detail_list(membership=self.membership, kind=self.kind).get(pk=entry.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        officers = data.pop("officers")
        data.pop("reason", None)
        entry = services.entry_create(
            tenant=self.tenant,
            membership=self.membership,
            kind=self.kind,
            data=data,
            officers=officers,
        )
        serializer.instance = self._reload(entry)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        officers = data.pop("officers", None)
        reason = data.pop("reason", "")
        entry = services.entry_update(
            tenant=self.tenant,
            membership=self.membership,
            entry=serializer.instance,
            data=data,
            officers=officers,
            reason=reason,
        )
        serializer.instance = self._reload(entry)

    def _transition(self, service, entry=None, **kwargs):
        entry = service(
            tenant=self.tenant,
            membership=self.membership,
            entry=entry or self.get_object(),
            **kwargs,
        )
        return Response(
            serializer_for(self.kind)(
                self._reload(entry), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=TransitionSerializer, responses={200: None, **_ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        """Submit a draft or returned entry for review."""
        return self._transition(services.entry_submit)

    @extend_schema(request=WithdrawSerializer, responses={200: None, **_ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        """Take a submitted entry back to draft. A manager's or admin's withdraw
        of someone else's entry is a return: it needs ``reason``."""
        entry = self.get_object()  # out of reach answers 404 before any validation
        form = WithdrawSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._transition(
            services.entry_withdraw, entry=entry, reason=form.validated_data["reason"]
        )

    @extend_schema(request=TransitionSerializer, responses={200: None, **_ERRORS})
    @action(detail=True, methods=["post"])
    def confirm(self, request, *args, **kwargs):
        """Confirm the caller's credit on an entry a colleague logged."""
        return self._transition(services.entry_confirm)

    @extend_schema(request=DeclineSerializer, responses={200: None, **_ERRORS})
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        """Decline the caller's credit (``reason`` required): the entry drops them."""
        entry = self.get_object()  # out of reach answers 404 before any validation
        form = DeclineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        entry = services.entry_decline(
            tenant=self.tenant,
            membership=self.membership,
            entry=entry,
            reason=form.validated_data["reason"],
        )
        # The officer who declined may no longer see the entry: answer with
        # the entry as it now stands, read in the tenant.
        entry = Entry.objects.for_tenant(self.tenant).prefetch_related("credits").get(pk=entry.pk)
        return Response(
            serializer_for(self.kind)(entry, context=self.get_serializer_context()).data
        )

    @extend_schema(request=TransitionSerializer, responses={200: None, **_ERRORS})
    @action(detail=True, methods=["post"])
    def verify(self, request, *args, **kwargs):
        """Verify a submitted entry (admin, or a manager holding every credited
        officer's district; never its creator nor an officer it credits)."""
        return self._transition(services.entry_verify)

    @extend_schema(request=ReturnSerializer, responses={200: None, **_ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, *args, **kwargs):
        """Return a submitted entry to its officers, with a reason."""
        entry = self.get_object()  # out of reach answers 404 before any validation
        form = ReturnSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._transition(
            services.entry_return, entry=entry, reason=form.validated_data["reason"]
        )

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, *args, **kwargs):
        """Attach an evidence file (PDF, image, MP4, Word or Excel; size-limited)."""
        entry = self.get_object()  # out of reach answers 404 before any validation
        form = EvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        evidence = services.evidence_add(
            tenant=self.tenant,
            membership=self.membership,
            entry=entry,
            upload=form.validated_data["file"],
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


def _kind_viewset(kind: str) -> type[EntryViewSet]:
    label = EntryKind(kind).label
    return type(
        f"{EntryKind(kind).name.title()}ViewSet",
        (EntryViewSet,),
        {"kind": kind, "__doc__": f"Ledger entries of kind {kind} ({label})."},
    )


#: URL prefix (API.md) -> viewset
ENTRY_VIEWSETS = {
    "achievements": _kind_viewset(EntryKind.ACHIEVEMENT),
    "demands": _kind_viewset(EntryKind.DEMAND),
    "events": _kind_viewset(EntryKind.EVENT),
    "conversions": _kind_viewset(EntryKind.CONVERSION),
    "cases": _kind_viewset(EntryKind.CASE),
    "videos": _kind_viewset(EntryKind.VIDEO),
}


class ReferenceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """Reference libraries (experts and teams, enterprises, platforms, projects,
    investment institutions, intermediaries); every member reads, every role
    but auditors adds."""

    model = Reference
    serializer_class = ReferenceSerializer
    filterset_class = ReferenceFilterSet
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "create": ALL_ROLES - {Role.AUDITOR}}

    def scope_queryset(self, queryset):
        return reference_list(membership=self.membership)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.reference_create(
            tenant=self.tenant,
            membership=self.membership,
            library=data.pop("library"),
            name=data.pop("name"),
            **data,
        )
