"""Pages of the province network: one page for both sides (the province
association's figures and members; a city programme's invitations,
publications and the network's market), and the one sheet (一个表)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ledgers.choices import EntryKind
from ledgers.models import Entry
from liaison.api.permissions import ADMIN
from liaison.errors import Conflict
from liaison.excel import XLSX
from liaison.views import TenantPageMixin

from . import selectors, services
from .exports import figures_workbook
from .models import NetworkMember, PublishedItem

#: The latest publishable entries offered on the page (the rest from each entry's page).
OFFER = 20


def chosen_year(value, today: dt.date) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


class NetworkHomeView(TenantPageMixin, TemplateView):
    roles = ADMIN
    template_name = "network/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = chosen_year(self.request.GET.get("year"), today)
        network = selectors.network_of(tenant=self.tenant)
        context.update(year=year, network=network, kinds=list(EntryKind))
        if network is not None:
            figures = selectors.network_figures(network=network, year=year, today=today)
            context.update(
                members=selectors.member_list(network=network),
                figures=figures,
                total=selectors.figures_total(figures) if figures else None,
                market=selectors.published_items(network=network)[:100],
            )
        memberships = selectors.memberships_of(tenant=self.tenant)
        joined = selectors.active_network(tenant=self.tenant)
        context.update(memberships=memberships, joined=joined)
        if joined is not None:
            mine = selectors.published_by(tenant=self.tenant).filter(network=joined)
            context.update(
                others=selectors.published_items(network=joined, exclude_tenant=self.tenant)[:100],
                mine=mine.order_by("-published_at"),
                offer=selectors.publishable_entries(tenant=self.tenant).exclude(
                    network_publications__network=joined
                )[:OFFER],
            )
        return context

    def post(self, request, *args, **kwargs):
        """Start the tenant's network (a province association)."""
        try:
            services.network_create(
                tenant=self.tenant, membership=self.membership, name=request.POST.get("name", "")
            )
            messages.success(request, _("The network is set up: invite the city programmes."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except Conflict as exc:
            messages.error(request, exc.message)
        return redirect("network-home", tenant_slug=self.tenant.slug)


class _NetworkAction(TenantPageMixin, View):
    """A POST-only action that comes back to the network page with a message."""

    roles = ADMIN
    http_method_names = ["post"]

    def act(self, request, **kwargs) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            messages.success(request, self.act(request, **kwargs))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except Conflict as exc:
            messages.error(request, exc.message)
        back = request.POST.get("next", "")
        if back.startswith(f"/t/{self.tenant.slug}/") and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}
        ):
            return redirect(back)
        return redirect("network-home", tenant_slug=self.tenant.slug)


class NetworkInviteView(_NetworkAction):
    def act(self, request, **kwargs) -> str:
        network = selectors.network_of(tenant=self.tenant)
        if network is None:
            raise Http404
        member = services.member_invite(
            tenant=self.tenant,
            membership=self.membership,
            network=network,
            slug=request.POST.get("tenant", ""),
        )
        return _("%(name)s is invited; its admin opts in on its network page.") % {
            "name": member.tenant.name
        }


class NetworkMemberActionView(_NetworkAction):
    """accept / leave (the city side, its own row) and remove (the province)."""

    def act(self, request, *, pk: int, action: str, **kwargs) -> str:
        if action == "remove":
            member = get_object_or_404(
                NetworkMember.objects.filter(network__tenant=self.tenant), pk=pk
            )
            services.member_remove(tenant=self.tenant, membership=self.membership, member=member)
            return _("%(name)s is no longer in the network.") % {"name": member.tenant.name}
        member = get_object_or_404(NetworkMember.objects.for_tenant(self.tenant), pk=pk)
        if action == "accept":
            services.member_accept(tenant=self.tenant, membership=self.membership, member=member)
            return _("Your programme has joined %(name)s.") % {"name": member.network.name}
        if action == "leave":
            services.member_leave(tenant=self.tenant, membership=self.membership, member=member)
            return _("Your programme is no longer in %(name)s.") % {"name": member.network.name}
        raise Http404


class NetworkPublishView(_NetworkAction):
    def act(self, request, *, pk: int, **kwargs) -> str:
        entry = get_object_or_404(Entry.objects.for_tenant(self.tenant), pk=pk)
        services.item_publish(tenant=self.tenant, membership=self.membership, entry=entry)
        return _("Published to the province network.")


class NetworkUnpublishView(_NetworkAction):
    def act(self, request, *, pk: int, **kwargs) -> str:
        item = get_object_or_404(PublishedItem.objects.for_tenant(self.tenant), pk=pk)
        services.item_unpublish(tenant=self.tenant, membership=self.membership, item=item)
        return _("Taken off the province network.")


class NetworkExportView(TenantPageMixin, View):
    """The one sheet (一个表): the network's figures per member programme."""

    roles = ADMIN

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        year = chosen_year(request.GET.get("year"), today)
        network = selectors.network_of(tenant=self.tenant)
        rows = selectors.network_figures(network=network, year=year, today=today) if network else []
        body = figures_workbook(tenant=self.tenant, user=request.user, year=year, rows=rows)
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="network-{self.tenant.slug}-{year}.xlsx"'
        )
        return response
