"""Bare DRF floors: a minimal ``ListAPIView`` over the same rows, in the
same order, with the same serializer as each API list, and nothing else (no
tenant resolution, no reach rules, no filters, no ETag, no audit binding).
The tenant is looked up by slug once per request with one indexed query."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated

from accounts.api.authentication import ExpiringTokenAuthentication
from accounts.models import Tenant
from ledgers.api.serializers import serializer_for
from ledgers.models import Credit, Entry
from roster.api.serializers import OfficerSerializer
from roster.models import Officer

KINDS = {
    "achievements": "achievement",
    "demands": "demand",
    "events": "event",
    "conversions": "conversion",
    "cases": "case",
    "videos": "video",
}


class FloorPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class _Floor(ListAPIView):
    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [IsAuthenticated]
    pagination_class = FloorPagination
    filter_backends = []

    def tenant_id(self) -> int:
        return Tenant.objects.values_list("id", flat=True).get(slug=self.kwargs["slug"])


def _entries(tenant_id: int):
    return (
        Entry.objects.filter(tenant_id=tenant_id)
        .select_related("duplicate_of")
        .prefetch_related(
            Prefetch("officers", queryset=Officer.objects.order_by("id")),
            Prefetch("credits", queryset=Credit.objects.order_by("officer_id")),
        )
    )


class FloorEntryList(_Floor):
    def get_serializer_class(self):
        return serializer_for(KINDS[self.kwargs["kind"]])

    def get_queryset(self):
        kind = KINDS[self.kwargs["kind"]]
        return _entries(self.tenant_id()).filter(kind=kind).order_by("-occurred_on", "-id")


class FloorReviewList(_Floor):
    """The review queue's rows for an admin who logged none of them and is
    credited by none: every submitted entry, oldest submission first."""

    serializer_class = serializer_for("achievement")

    def get_queryset(self):
        return _entries(self.tenant_id()).filter(status="submitted").order_by("submitted_at", "id")


class FloorOfficerList(_Floor):
    serializer_class = OfficerSerializer

    def get_queryset(self):
        return (
            Officer.objects.filter(tenant_id=self.tenant_id())
            .select_related("district", "unit", "user")
            .order_by("category", "district_id", "full_name", "id")
        )
