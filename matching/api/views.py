"""API of the matcher (API.md "Additions — Matching"): an entry's
suggestions, and "not relevant" feedback on a pair (an addition)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from accounts.choices import Role
from ledgers.choices import EntryKind
from ledgers.models import Entry
from ledgers.selectors import entry_list
from liaison.api.permissions import ALL_ROLES
from liaison.api.viewsets import TenantScopedAPIView

from .. import services
from ..funnel import funnel
from ..selectors import network_pairs, suggestions


def _entry_id(value) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ParseError(_("The entry id must be a number."))
    return int(text)


def _entry_in_reach(view, kind: str, entry_id: int):
    entry = entry_list(membership=view.membership, kind=kind).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


class MatchListView(TenantScopedAPIView):
    """Up to 10 suggestions for one demand (achievements, experts,
    platforms) or one achievement (demands), best first, with reasons in
    the caller's language. The entry must be in the caller's reach."""

    method_roles = {"GET": ALL_ROLES}

    @extend_schema(
        parameters=[
            OpenApiParameter("demand", OpenApiTypes.INT, description="a demand's id"),
            OpenApiParameter("achievement", OpenApiTypes.INT, description="an achievement's id"),
        ],
        responses={
            200: OpenApiResponse(
                description='[{"achievement"|"demand","title","score","reasons"}] best first; '
                'also "published" and "programme" (a row from the province network: the '
                "published item's id and the member that published it, the local id null), "
                'and for a demand "reference" and "library" (an expert or platform)'
            ),
            400: OpenApiResponse(description="neither or both parameters, or not a number"),
            404: OpenApiResponse(description="no such entry in the caller's reach"),
        },
    )
    def get(self, request, tenant_slug: str):
        given = [k for k in (EntryKind.DEMAND, EntryKind.ACHIEVEMENT) if k in request.query_params]
        if len(given) != 1:
            raise ParseError(_("Give either demand or achievement (one entry id)."))
        kind = given[0]
        entry = _entry_in_reach(self, kind, _entry_id(request.query_params[kind]))
        rows = suggestions(tenant=self.tenant, entry=entry)
        return Response(rows)


class MatchFeedbackSerializer(serializers.Serializer):
    """A local pair (``demand`` and ``achievement``), or one of the tenant's
    entries (``demand`` or ``achievement``) and an item of the province
    network (``published``)."""

    demand = serializers.IntegerField(min_value=1, required=False)
    achievement = serializers.IntegerField(min_value=1, required=False)
    published = serializers.IntegerField(min_value=1, required=False)
    verdict = serializers.ChoiceField(choices=["not_relevant"])

    def validate(self, data):
        sides = [k for k in ("demand", "achievement") if k in data]
        if "published" in data:
            if len(sides) != 1:
                raise serializers.ValidationError(
                    _("With a published item, give one entry: demand or achievement.")
                )
        elif len(sides) != 2:
            raise serializers.ValidationError(_("Give a demand and an achievement."))
        return data


class MatchFeedbackView(TenantScopedAPIView):
    """Addition (not in API.md): mark a demand and an achievement "not
    relevant" to each other; the pair leaves both sides' suggestions. The
    demand or the achievement must be in the caller's reach. With
    ``published`` (a suggestion from the province network): one entry of
    the caller's area and the published item; the item leaves that entry's
    suggestions."""

    method_roles = {"POST": services.FEEDBACK_ROLES}

    @extend_schema(
        request=MatchFeedbackSerializer,
        responses={
            201: OpenApiResponse(description="recorded"),
            200: OpenApiResponse(
                description="a local pair already recorded (a network item, once judged, is no "
                "longer a suggestion: a repeat answers 404)"
            ),
            400: OpenApiResponse(description="bad body, or not a demand and an achievement"),
            403: OpenApiResponse(description="a role that does not give feedback"),
            404: OpenApiResponse(
                description="neither entry in the caller's reach, or the published item "
                "is not a current suggestion for the entry"
            ),
        },
    )
    def post(self, request, tenant_slug: str):
        form = MatchFeedbackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if "published" in data:
            return self._network(data)
        reach = entry_list(membership=self.membership)
        demand = reach.filter(pk=data["demand"], kind=EntryKind.DEMAND).first()
        achievement = reach.filter(pk=data["achievement"], kind=EntryKind.ACHIEVEMENT).first()
        if demand is None and achievement is None:
            raise Http404
        tenant_entries = Entry.objects.for_tenant(self.tenant)  # the other side: any
        demand = demand or tenant_entries.filter(pk=data["demand"], kind=EntryKind.DEMAND).first()
        achievement = (
            achievement
            or tenant_entries.filter(pk=data["achievement"], kind=EntryKind.ACHIEVEMENT).first()
        )
        if demand is None or achievement is None:
            raise Http404
        feedback, created = services.match_feedback_record(
            tenant=self.tenant,
            membership=self.membership,
            demand=demand,
            achievement=achievement,
            verdict=data["verdict"],
        )
        body = {
            "demand": feedback.demand_id,
            "achievement": feedback.achievement_id,
            "verdict": feedback.verdict,
            "at": feedback.at,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _network(self, data) -> Response:
        kind = EntryKind.DEMAND if "demand" in data else EntryKind.ACHIEVEMENT
        match = (
            network_pairs(membership=self.membership)
            .filter(entry_id=data[kind], entry__kind=kind, published_id=data["published"])
            .first()
        )
        if match is None:  # not a suggestion for an entry in the caller's area
            raise Http404
        feedback, created = services.network_feedback_record(
            tenant=self.tenant, membership=self.membership, match=match, verdict=data["verdict"]
        )
        body = {
            kind: feedback.entry_id,
            "published": feedback.published_id,
            "verdict": feedback.verdict,
            "at": feedback.at,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


FUNNEL_READERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER, Role.OFFICER})


def _jsonable(row: dict) -> dict:
    return {**row, "rate": None if row["rate"] is None else float(row["rate"])}


class MatchFunnelView(TenantScopedAPIView):
    """Addition (issue 15 item 2): the funnel demand → match → event →
    conversion for a year: ``{"year", "programme", "districts", "officers"}``;
    each row ``demands``, ``matched``, ``events``, ``converted`` and ``rate``
    (converted / demands, null without demands). ``programme`` is the whole
    programme for admins and auditors, the caller's reach for the others."""

    method_roles = {"GET": FUNNEL_READERS}

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="the year")],
        responses={
            200: OpenApiResponse(description='{"year","programme","districts","officers"}'),
            400: OpenApiResponse(description="no year, or not a year"),
        },
    )
    def get(self, request, tenant_slug: str):
        text = str(request.query_params.get("year", "")).strip()
        if not (text.isascii() and text.isdigit() and 2000 <= int(text) <= 2100):
            raise ParseError(_("Give the year, e.g. ?year=2026."))
        rows = funnel(membership=self.membership, year=int(text))
        return Response(
            {
                "year": rows["year"],
                "programme": _jsonable(rows["programme"]),
                "districts": [_jsonable(r) for r in rows["districts"]],
                "officers": [_jsonable(r) for r in rows["officers"]],
            }
        )
