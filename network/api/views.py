"""API of the province network (SPEC.md §5b), under
``/api/v1/tenants/<slug>/network/``. Tenant admins only; a row of another
tenant answers 404 like a missing one."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from ledgers.models import Entry
from liaison.api.permissions import ADMIN, ALL_ROLES
from liaison.api.viewsets import TenantScopedAPIView
from liaison.excel import XLSX

from .. import selectors, services
from ..exports import figures_workbook
from ..models import NetworkMember, PublishedItem
from ..views import chosen_year


def _field(request, name: str):
    """One field of the body, or None when the body is not an object."""
    data = request.data
    return data.get(name) if hasattr(data, "get") else None


def _time(value):
    return value.isoformat() if value else None


def member_json(member: NetworkMember) -> dict:
    return {
        "id": member.pk,
        "tenant": member.tenant.slug,
        "name": member.tenant.name,
        "network": member.network_id,
        "network_name": member.network.name,
        "province": member.network.tenant.slug,
        "status": member.status,
        "invited_at": _time(member.invited_at),
        "joined_at": _time(member.joined_at),
        "left_at": _time(member.left_at),
    }


def item_json(item: PublishedItem, *, tenant) -> dict:
    """A published item as others see it: no officers, no contacts."""
    return {
        "id": item.pk,
        "entry": item.entry_id if item.tenant_id == tenant.pk else None,
        "kind": item.entry.kind,
        "title": item.entry.title,
        "field": item.entry.field,
        "tenant": item.tenant.slug,
        "tenant_name": item.tenant.name,
        "published_at": _time(item.published_at),
        "own": item.tenant_id == tenant.pk,
    }


class NetworkAPIView(TenantScopedAPIView):
    """A method the view does not serve answers 405 to every member (not 403)."""

    def roles_for(self, request) -> frozenset[str]:
        if request.method not in self.method_roles and request.method != "OPTIONS":
            return ALL_ROLES
        return super().roles_for(request)


class NetworkView(NetworkAPIView):
    """GET: the network this tenant runs (with its members) and this tenant's
    own invitations and memberships. POST ``{"name"}``: start the network."""

    method_roles = {"GET": ADMIN, "POST": ADMIN}

    def _body(self) -> dict:
        network = selectors.network_of(tenant=self.tenant)
        owned = None
        if network is not None:
            owned = {
                "id": network.pk,
                "name": network.name,
                "members": [member_json(m) for m in selectors.member_list(network=network)],
            }
        return {
            "network": owned,
            "memberships": [member_json(m) for m in selectors.memberships_of(tenant=self.tenant)],
        }

    @extend_schema(responses={200: OpenApiResponse(description="network and memberships")})
    def get(self, request, tenant_slug: str):
        return Response(self._body())

    @extend_schema(
        request=inline_serializer("NetworkCreate", {"name": serializers.CharField()}),
        responses={201: OpenApiResponse(description="network"), 409: None, 400: None},
    )
    def post(self, request, tenant_slug: str):
        services.network_create(
            tenant=self.tenant, membership=self.membership, name=str(_field(request, "name") or "")
        )
        return Response(self._body(), status=status.HTTP_201_CREATED)


class NetworkInviteView(NetworkAPIView):
    """POST ``{"tenant": slug}``: invite a city programme (the province admin)."""

    method_roles = {"POST": ADMIN}

    @extend_schema(
        request=inline_serializer("NetworkInvite", {"tenant": serializers.SlugField()}),
        responses={201: OpenApiResponse(description="member row"), 400: None, 404: None, 409: None},
    )
    def post(self, request, tenant_slug: str):
        network = selectors.network_of(tenant=self.tenant)
        if network is None:
            raise Http404
        member = services.member_invite(
            tenant=self.tenant,
            membership=self.membership,
            network=network,
            slug=str(_field(request, "tenant") or ""),
        )
        return Response(member_json(member), status=status.HTTP_201_CREATED)


class NetworkMemberActionView(NetworkAPIView):
    """``members/{id}/accept/`` and ``leave/`` (the city's own row),
    ``remove/`` (a member of the province's network)."""

    method_roles = {"POST": ADMIN}
    action: str = ""

    @extend_schema(request=None, responses={200: OpenApiResponse(description="member row")})
    def post(self, request, tenant_slug: str, pk: int):
        if self.action == "remove":
            member = get_object_or_404(
                NetworkMember.objects.filter(network__tenant=self.tenant), pk=pk
            )
            member = services.member_remove(
                tenant=self.tenant, membership=self.membership, member=member
            )
        else:
            member = get_object_or_404(NetworkMember.objects.for_tenant(self.tenant), pk=pk)
            act = services.member_accept if self.action == "accept" else services.member_leave
            member = act(tenant=self.tenant, membership=self.membership, member=member)
        return Response(member_json(member))


class NetworkFiguresView(NetworkAPIView):
    """The figures of every member programme (counts only; no personal data)."""

    method_roles = {"GET": ADMIN}

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={200: OpenApiResponse(description="figures per member programme")},
    )
    def get(self, request, tenant_slug: str):
        today = timezone.localdate()
        year = chosen_year(request.query_params.get("year"), today)
        network = selectors.network_of(tenant=self.tenant)
        rows = selectors.network_figures(network=network, year=year, today=today) if network else []
        return Response(
            {
                "year": year,
                "network": network.name if network else None,
                "members": [selectors.figures_as_json(r) for r in rows],
            }
        )


class NetworkFiguresExportView(NetworkAPIView):
    """The same figures as one Excel sheet (一个表), sealed with 来源."""

    method_roles = {"GET": ADMIN}
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "export"

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={(200, XLSX): OpenApiResponse(description="Excel workbook")},
    )
    def get(self, request, tenant_slug: str):
        today = timezone.localdate()
        year = chosen_year(request.query_params.get("year"), today)
        network = selectors.network_of(tenant=self.tenant)
        rows = selectors.network_figures(network=network, year=year, today=today) if network else []
        response = HttpResponse(
            figures_workbook(tenant=self.tenant, user=request.user, year=year, rows=rows),
            content_type=XLSX,
        )
        response["Content-Disposition"] = (
            f'attachment; filename="network-{self.tenant.slug}-{year}.xlsx"'
        )
        return response


class PublishedListView(NetworkAPIView):
    """GET: the published items this tenant may browse — all of the network
    it runs, and those of the network it is a member of. POST ``{"entry"}``:
    publish one of this tenant's verified demands or achievements."""

    method_roles = {"GET": ADMIN, "POST": ADMIN}

    @extend_schema(responses={200: OpenApiResponse(description="published items")})
    def get(self, request, tenant_slug: str):
        seen: dict[int, PublishedItem] = {}
        for network in (
            selectors.network_of(tenant=self.tenant),
            selectors.active_network(tenant=self.tenant),
        ):
            if network is not None:
                for item in selectors.published_items(network=network)[:500]:
                    seen.setdefault(item.pk, item)
        items = sorted(seen.values(), key=lambda i: (i.published_at, i.pk), reverse=True)
        return Response([item_json(i, tenant=self.tenant) for i in items])

    @extend_schema(
        request=inline_serializer("NetworkPublish", {"entry": serializers.IntegerField()}),
        responses={201: OpenApiResponse(description="published item"), 400: None, 409: None},
    )
    def post(self, request, tenant_slug: str):
        try:
            entry_id = int(_field(request, "entry"))
        except (TypeError, ValueError, OverflowError):
            raise ValidationError({"entry": [_("A valid integer is required.")]}) from None
        entry = None
        if 0 < entry_id < 2**63:
            entry = Entry.objects.for_tenant(self.tenant).filter(pk=entry_id).first()
        if entry is None:
            raise ValidationError(
                {
                    "entry": [
                        _('Invalid pk "{pk_value}" - object does not exist.').format(
                            pk_value=entry_id
                        )
                    ]
                }
            )
        item = services.item_publish(tenant=self.tenant, membership=self.membership, entry=entry)
        return Response(item_json(item, tenant=self.tenant), status=status.HTTP_201_CREATED)


class PublishedUnpublishView(NetworkAPIView):
    """POST: take one of this tenant's own items off the network."""

    method_roles = {"POST": ADMIN}

    @extend_schema(request=None, responses={204: None})
    def post(self, request, tenant_slug: str, pk: int):
        item = get_object_or_404(PublishedItem.objects.for_tenant(self.tenant), pk=pk)
        services.item_unpublish(tenant=self.tenant, membership=self.membership, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)
