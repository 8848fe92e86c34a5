"""Matching pages (issue 15 item 2): the new matches in the caller's area,
"not relevant" on a pair, "arrange a matchmaking event" (the ledger's
event form, pre-filled), and the funnel demand → match → event → conversion."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.choices import Role
from ledgers.choices import EntryKind
from ledgers.selectors import entry_list
from liaison.views import TenantPageMixin

from . import services
from .funnel import funnel
from .selectors import district_names, match_feed, network_feed, network_pairs, reason_text

#: who sees the matches page and the funnel
READERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER, Role.OFFICER})
#: who arranges an event from a match: who logs entries
ARRANGERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.OFFICER})


def _year(request) -> int:
    text = request.GET.get("year", "")
    if text.isascii() and text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


def match_in_area(*, membership, pk: int):
    match = match_feed(membership=membership).filter(pk=pk).first()
    if match is None:
        raise Http404
    return match


class MatchListPageView(TenantPageMixin, ListView):
    """The new matches in the caller's area, newest first."""

    roles = READERS
    template_name = "matching/match_list.html"
    context_object_name = "matches"
    paginate_by = 20

    def get_queryset(self):
        self.q = self.request.GET.get("q", "").strip()[:100]
        return match_feed(membership=self.membership, query=self.q)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        districts = district_names(self.tenant)
        for match in context["matches"]:
            match.reason_texts = [reason_text(r, districts=districts) for r in match.reasons]
        # a side out of the caller's reach is named, not linked (it would 404)
        ids = {i for m in context["matches"] for i in (m.demand_id, m.achievement_id)}
        openable = set(
            entry_list(membership=self.membership)
            .filter(id__in=ids)
            .order_by()
            .values_list("id", flat=True)
        )
        network = network_feed(membership=self.membership, query=self.q)
        for match in network:
            match.reason_texts = [reason_text(r, districts={}) for r in match.reasons]
        context.update(
            q=self.q,
            querystring=urlencode({"q": self.q}) if self.q else "",
            can_act=self.membership.role in ARRANGERS,
            network_matches=network,
            openable=openable,
        )
        return context


class MatchNotRelevantView(TenantPageMixin, View):
    """POST: the pair is "not relevant"; it leaves the page."""

    roles = services.FEEDBACK_ROLES

    def post(self, request, tenant_slug, pk):
        match = match_in_area(membership=self.membership, pk=pk)
        try:
            services.match_feedback_record(
                tenant=self.tenant,
                membership=self.membership,
                demand=match.demand,
                achievement=match.achievement,
            )
        except (ValidationError, PermissionDenied) as exc:  # pragma: no cover - checked above
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Marked as not relevant: the pair is no longer suggested."))
        return HttpResponseRedirect(reverse("match-list", kwargs={"tenant_slug": tenant_slug}))


class NetworkNotRelevantView(TenantPageMixin, View):
    """POST: a suggestion from the province network is "not relevant" to
    the entry; it leaves the page."""

    roles = services.FEEDBACK_ROLES

    def post(self, request, tenant_slug, pk):
        match = network_pairs(membership=self.membership).filter(pk=pk).first()
        if match is None:
            raise Http404
        services.network_feedback_record(
            tenant=self.tenant, membership=self.membership, match=match
        )
        messages.success(
            request, _("Marked as not relevant: the item is no longer suggested for this entry.")
        )
        url = reverse("match-list", kwargs={"tenant_slug": tenant_slug})
        return HttpResponseRedirect(f"{url}#network-matches")


class MatchArrangeView(TenantPageMixin, View):
    """GET: the ledger's event form, pre-filled from the pair (title from
    both sides, matched = the demand and the achievement; an officer is
    credited by the form itself)."""

    roles = ARRANGERS

    def get(self, request, tenant_slug, pk):
        match = match_in_area(membership=self.membership, pk=pk)
        title = _("Matchmaking: %(demand)s × %(achievement)s") % {
            "demand": match.demand.title,
            "achievement": match.achievement.title,
        }
        query = urlencode(
            [
                ("title", title[:200]),
                ("matched", match.demand_id),
                ("matched", match.achievement_id),
            ]
        )
        url = reverse("entry-create", kwargs={"tenant_slug": tenant_slug, "kind": EntryKind.EVENT})
        return redirect(f"{url}?{query}")


class FunnelPageView(TenantPageMixin, TemplateView):
    """Demand → match → event → conversion for a year, per officer, per
    district and for the programme (or the caller's reach)."""

    roles = READERS
    template_name = "matching/funnel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request)
        rows = funnel(membership=self.membership, year=year)
        tables = [(_("Officers"), rows["officers"], "officers")]
        if rows["districts"]:
            tables.insert(0, (_("Districts"), rows["districts"], "districts"))
        context.update(
            year=year,
            funnel=rows,
            tables=tables,
            years=list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        )
        return context


__all__ = [
    "FunnelPageView",
    "MatchArrangeView",
    "MatchListPageView",
    "MatchNotRelevantView",
    "NetworkNotRelevantView",
]
