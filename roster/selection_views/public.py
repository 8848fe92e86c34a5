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
from liaison.forms import apply_service_errors

from .. import workflow
from ..selection_forms import ApplicationForm, ObjectionForm
from .rounds import _errors


def _too_many(request, limit: int = 10, seconds: int = 60, scope: str = "public-objection") -> bool:
    """The same limit as the API's public throttle, per client address."""
    key = f"{scope}:{request.META.get('REMOTE_ADDR', '')}"
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
        self.tenant = get_object_or_404(Tenant.objects.in_service(), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notices = list(workflow.public_notices(tenant=self.tenant))
        labels = policy_in_force(tenant=self.tenant).category_labels
        for notice in notices:
            notice.is_open = workflow.notice_is_open(notice)
            notice.answers = workflow.public_answers(notice=notice)
            notice.rows = [
                (n.id, n.full_name, n.unit.name, labels.get(n.category, n.category))
                for n in notice.nominees.all()
            ]
        context.update(
            public_tenant=self.tenant,
            notices=notices,
            form=kwargs.get("form") or ObjectionForm(),
            # the notice whose form came back with an error: open, as typed
            form_notice=kwargs.get("form_notice"),
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
            messages.error(request, _("Please correct the fields marked below."))
        return self.render_to_response(
            self.get_context_data(form=form, form_notice=notice.pk), status=400
        )


class PublicApplicationView(TemplateView):
    """The public application form of a round that allows self-nomination
    (自荐 / 自行填写); no login. 404 for a round without self-nomination, 409
    after its deadline; rate-limited like the objection form. The
    application lands as a draft the unit's reviewer or the centre takes up."""

    template_name = "roster/selection/public_application.html"

    def dispatch(self, request, *args, **kwargs):
        if not hasattr(self, request.method.lower()):  # PUT, PATCH, DELETE: 405 first
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.tenant = get_object_or_404(Tenant.objects.in_service(), slug=kwargs["slug"])
        self.round = get_object_or_404(
            workflow.self_nomination_rounds(tenant=self.tenant), pk=kwargs["round_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = policy_in_force(tenant=self.tenant).category_labels
        context.update(
            public_tenant=self.tenant,
            round=self.round,
            category_label=labels.get(self.round.category, self.round.category),
            closed=self._closed(),
            form=kwargs.get("form") or ApplicationForm(tenant=self.tenant),
        )
        return context

    def _closed(self) -> bool:
        try:
            workflow.deadline_check(self.round)
        except Conflict:
            return True
        return False

    def get(self, request, *args, **kwargs):
        context = self.get_context_data()
        return self.render_to_response(context, status=409 if context["closed"] else 200)

    def post(self, request, slug, round_id):
        if _too_many(request, scope="public-application"):
            messages.error(request, _("Too many applications from here; try again later."))
            return self.render_to_response(self.get_context_data(), status=429)
        form = ApplicationForm(request.POST, tenant=self.tenant)
        if form.is_valid():
            try:
                workflow.application_create(
                    tenant=self.tenant, round=self.round, data=dict(form.cleaned_data)
                )
                messages.success(
                    request,
                    _("Your application is received. The unit or the centre will take it up."),
                )
                return redirect("public-application-form", slug=slug, round_id=round_id)
            except Conflict as exc:
                messages.error(request, str(exc))
                return self.render_to_response(self.get_context_data(form=form), status=409)
            except ValidationError as exc:
                apply_service_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PublicRosterChangesView(TemplateView):
    """The public quarterly list of roster changes."""

    template_name = "roster/selection/public_roster_changes.html"

    def get_context_data(self, **kwargs):
        from ..api.selection import current_quarter
        from ..selectors import quarter_bounds, roster_changes

        context = super().get_context_data(**kwargs)
        tenant = get_object_or_404(Tenant.objects.in_service(), slug=self.kwargs["slug"])
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
