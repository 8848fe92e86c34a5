"""The public notice board and quarterly roster changes (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.models import Tenant
from accounts.selectors import policy_in_force
from liaison.errors import Conflict

from .. import workflow
from ..selection_forms import ObjectionForm
from .rounds import _errors


def _too_many(request, limit: int = 10, seconds: int = 60) -> bool:
    """The same limit as the API's public throttle, per client address."""
    key = f"public-objection:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


class PublicNoticeView(TemplateView):
    """The public notice board (公示) of a programme, with the objection form;
    no login; names, units and categories only."""

    template_name = "roster/selection/public_notices.html"

    def dispatch(self, request, *args, **kwargs):
        self.tenant = get_object_or_404(Tenant, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notices = list(workflow.public_notices(tenant=self.tenant))
        labels = policy_in_force(tenant=self.tenant).category_labels
        for notice in notices:
            notice.is_open = workflow.notice_is_open(notice)
            notice.rows = [
                (n.id, n.full_name, n.unit.name, labels.get(n.category, n.category))
                for n in notice.nominees.all()
            ]
        context.update(
            public_tenant=self.tenant, notices=notices, form=kwargs.get("form") or ObjectionForm()
        )
        return context

    def post(self, request, slug, notice_id=None):
        if notice_id is None:  # the board itself takes no POST; only a notice's form does
            return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS"])
        notice = get_object_or_404(workflow.public_notices(tenant=self.tenant), pk=notice_id)
        if _too_many(request):
            messages.error(request, _("Too many objections from here; try again later."))
            return self.render_to_response(self.get_context_data(), status=429)
        form = ObjectionForm(request.POST)
        if form.is_valid():
            nomination = notice.nominees.filter(pk=form.cleaned_data["nominee"]).first()
            try:
                if nomination is None:
                    raise ValidationError(_("This person is not on this notice."))
                workflow.objection_file(
                    tenant=self.tenant,
                    notice=notice,
                    nomination=nomination,
                    contact=form.cleaned_data["contact"],
                    reason=form.cleaned_data["reason"],
                    name=form.cleaned_data["name"],
                )
                messages.success(request, _("Your objection is filed. The centre will reply."))
                return redirect("public-notices", slug=slug)
            except (ValidationError, Conflict) as exc:
                _errors(request, exc)
        else:
            messages.error(request, _("Give your contact and the reason."))
        return self.render_to_response(self.get_context_data(form=form))


class PublicRosterChangesView(TemplateView):
    """The public quarterly list of roster changes."""

    template_name = "roster/selection/public_roster_changes.html"

    def get_context_data(self, **kwargs):
        from ..api.selection import current_quarter
        from ..selectors import quarter_bounds, roster_changes

        context = super().get_context_data(**kwargs)
        tenant = get_object_or_404(Tenant, slug=self.kwargs["slug"])
        quarter = self.request.GET.get("quarter") or current_quarter()
        try:
            start, end = quarter_bounds(quarter)
        except ValueError:
            quarter = current_quarter()
            start, end = quarter_bounds(quarter)
        year, number = start.year, (start.month - 1) // 3 + 1
        previous = f"{year - (number == 1)}Q{(number - 2) % 4 + 1}"
        following = f"{year + (number == 4)}Q{number % 4 + 1}"
        context.update(
            public_tenant=tenant,
            quarter=quarter.upper(),
            start=start,
            end=end,
            changes=roster_changes(tenant=tenant, start=start, end=end),
            previous=previous,
            following=following,
        )
        return context
