"""Selection pages: rounds, the nomination queue and form, a nomination's
review, the centre's notice and appointment, objections, and the public
notice board."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.choices import Role
from accounts.models import Tenant
from accounts.selectors import policy_in_force
from liaison.api.permissions import ADMIN, READERS
from liaison.errors import Conflict
from liaison.forms import apply_service_errors
from liaison.views import TenantPageMixin

from . import workflow
from .choices import FINAL_STAGES, GroupKind, Stage
from .groups import group_create, group_list
from .models import Objection
from .selection_forms import GroupForm, NominationForm, NoticeForm, ObjectionForm, RoundForm
from .selectors import unit_list, units_in_reach

READERS_AND_REVIEWERS = READERS | {Role.DISTRICT_MANAGER, Role.UNIT_REVIEWER}


def _errors(request, exc) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))


class RoundListView(TenantPageMixin, ListView):
    roles = READERS_AND_REVIEWERS
    template_name = "roster/selection/rounds.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return workflow.round_list(tenant=self.tenant)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = _category_labels(self.tenant)
        for selection in context["rounds"]:
            selection.category_label = labels.get(selection.category, selection.category)
        return context


def _category_labels(tenant) -> dict[str, str]:
    return policy_in_force(tenant=tenant).category_labels


class RoundCreateView(TenantPageMixin, FormView):
    roles = ADMIN
    template_name = "form_page.html"
    form_class = RoundForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "policy": policy_in_force(tenant=self.tenant)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("New selection round"),
            cancel_url=reverse("round-list", kwargs={"tenant_slug": self.tenant.slug}),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            selection = workflow.round_create(membership=self.membership, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect("round-detail", tenant_slug=self.tenant.slug, pk=selection.pk)


class RoundDetailView(TenantPageMixin, TemplateView):
    """A round's nominations by stage; the centre publishes the notice and appoints."""

    roles = READERS_AND_REVIEWERS
    template_name = "roster/selection/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selection = get_object_or_404(workflow.round_list(tenant=self.tenant), pk=self.kwargs["pk"])
        selection.category_label = _category_labels(self.tenant).get(
            selection.category, selection.category
        )
        nominations = workflow.nomination_list(membership=self.membership).filter(round=selection)
        context.update(
            round=selection,
            nominations=nominations,
            notice_form=NoticeForm(),
            notices=selection.notices.order_by("-start"),
            verified=nominations.filter(stage=Stage.CENTRE_VERIFIED).count(),
            on_notice=nominations.filter(stage=Stage.ON_NOTICE).count(),
            is_admin=self.membership.role == Role.ADMIN,
            appointed=self.request.session.pop("appointed", []),
        )
        return context


class RoundActionView(TenantPageMixin, View):
    roles = ADMIN

    def post(self, request, tenant_slug, pk, action):
        selection = get_object_or_404(workflow.round_list(tenant=self.tenant), pk=pk)
        try:
            if action == "publish-notice":
                form = NoticeForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Check the notice dates."))
                workflow.notice_publish(
                    membership=self.membership,
                    round=selection,
                    **{k: v for k, v in form.cleaned_data.items() if v},
                )
                messages.success(request, _("The verified nominations are on public notice."))
            elif action == "appoint":
                done = workflow.round_appoint(membership=self.membership, round=selection)
                request.session["appointed"] = [
                    {
                        "name": n.full_name,
                        "username": n.officer.user.username,
                        "link": request.build_absolute_uri(link),
                    }
                    for n, link in done
                ]
                messages.success(request, _("%(n)d officers appointed.") % {"n": len(done)})
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _errors(request, exc)
        return redirect("round-detail", tenant_slug=tenant_slug, pk=pk)


class NominationListView(TenantPageMixin, ListView):
    """The queue: nominations in reach, those awaiting the caller first."""

    roles = READERS_AND_REVIEWERS
    template_name = "roster/selection/nominations.html"
    context_object_name = "nominations"
    paginate_by = 50

    def get_queryset(self):
        rows = workflow.nomination_list(membership=self.membership).order_by("-id")
        stage = self.request.GET.get("stage")
        if stage in Stage.values:
            rows = rows.filter(stage=stage)
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for nomination in context["nominations"]:
            step = workflow.next_step(nomination)
            nomination.pending = step
            nomination.mine = bool(step) and workflow.may_take(self.membership, nomination)
        context.update(
            stages=Stage.choices,
            current=self.request.GET.get("stage", ""),
            can_nominate=self.membership.role in workflow.NOMINATORS,
        )
        return context


class NominationCreateView(TenantPageMixin, FormView):
    roles = workflow.NOMINATORS
    template_name = "form_page.html"
    form_class = NominationForm

    def get_form_kwargs(self):
        units = (
            unit_list(tenant=self.tenant)
            if self.membership.role != Role.UNIT_REVIEWER
            else units_in_reach(membership=self.membership)
        )
        return {**super().get_form_kwargs(), "tenant": self.tenant, "units": units}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Nomination form"),
            cancel_url=reverse("nomination-list", kwargs={"tenant_slug": self.tenant.slug}),
            **kwargs,
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        selection = data.pop("round")
        try:
            nomination = workflow.nomination_create(
                membership=self.membership, round=selection, data=data
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                apply_service_errors(form, exc)
            else:
                form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved as a draft. Submit it when it is complete."))
        return redirect("nomination-detail", tenant_slug=self.tenant.slug, pk=nomination.pk)


class NominationDetailView(TenantPageMixin, TemplateView):
    roles = READERS_AND_REVIEWERS
    template_name = "roster/selection/nomination_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nomination = get_object_or_404(
            workflow.nomination_list(membership=self.membership).prefetch_related(
                "transitions__actor", "objections"
            ),
            pk=self.kwargs["pk"],
        )
        step = workflow.next_step(nomination)
        mine = nomination.nominated_by_id == self.request.user.id
        labels = dict(Stage.choices)
        for step_row in nomination.transitions.all():
            step_row.to_label = labels.get(step_row.to_stage, step_row.to_stage)
        context.update(
            nomination=nomination,
            chain=[(code, labels.get(code, code)) for code in workflow.chain(nomination)],
            step=step,
            can_submit=nomination.stage == Stage.DRAFT and mine,
            can_review=bool(step) and workflow.may_take(self.membership, nomination),
            can_withdraw=mine and nomination.stage in (Stage.DRAFT, Stage.SUBMITTED),
            closed=nomination.stage in FINAL_STAGES,
        )
        return context


class NominationActionView(TenantPageMixin, View):
    roles = workflow.NOMINATORS
    ACTIONS = {
        "advance": workflow.nomination_advance,
        "reject": workflow.nomination_reject,
        "withdraw": workflow.nomination_withdraw,
    }

    def post(self, request, tenant_slug, pk, action):
        nomination = get_object_or_404(workflow.nomination_list(membership=self.membership), pk=pk)
        service = self.ACTIONS.get(action)
        if service is None:
            return redirect("nomination-detail", tenant_slug=tenant_slug, pk=pk)
        kwargs = (
            {"reason": request.POST.get("reason", "")}
            if action == "reject"
            else {"comment": request.POST.get("comment", "")}
        )
        try:
            nomination = service(membership=self.membership, nomination=nomination, **kwargs)
            messages.success(
                request, _("Now: %(stage)s.") % {"stage": Stage(nomination.stage).label}
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _errors(request, exc)
        return redirect("nomination-detail", tenant_slug=tenant_slug, pk=pk)


class ObjectionListView(TenantPageMixin, ListView):
    roles = READERS
    template_name = "roster/selection/objections.html"
    context_object_name = "objections"

    def get_queryset(self):
        return (
            Objection.objects.for_tenant(self.tenant)
            .select_related("nomination", "notice")
            .order_by("status", "-created_at")
        )

    def post(self, request, *args, **kwargs):
        if self.membership.role != Role.ADMIN:
            raise PermissionDenied
        objection = get_object_or_404(self.get_queryset(), pk=request.POST.get("objection"))
        try:
            workflow.objection_resolve(
                membership=self.membership,
                objection=objection,
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, _("Objection resolved."))
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _errors(request, exc)
        return HttpResponseRedirect(request.path)


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

    def post(self, request, slug, notice_id):
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
        from .api.selection import current_quarter
        from .selectors import quarter_bounds, roster_changes

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


class AppointmentNoticeView(TenantPageMixin, TemplateView):
    """The appointment notice (认定通知 / 下发通知) of a round: a page that
    prints as the document the bureau issues. No contact details."""

    roles = READERS_AND_REVIEWERS
    template_name = "roster/selection/appointment_notice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selection = get_object_or_404(workflow.round_list(tenant=self.tenant), pk=self.kwargs["pk"])
        labels = _category_labels(self.tenant)
        appointed = (
            workflow.nomination_list(membership=self.membership)
            .filter(round=selection, stage=Stage.APPOINTED)
            .select_related("officer", "unit", "district")
            .order_by("full_name")
        )
        context.update(
            round=selection,
            appointed=appointed,
            category_label=labels.get(selection.category, selection.category),
            issued_on=timezone.localdate(),
        )
        return context


class GroupListView(TenantPageMixin, TemplateView):
    """Pairs, the guidance group and district working groups."""

    roles = READERS_AND_REVIEWERS
    template_name = "roster/groups.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = list(group_list(membership=self.membership))
        context.update(
            sections=[
                (label, [g for g in groups if g.kind == code]) for code, label in GroupKind.choices
            ],
            form=kwargs.get("form") or GroupForm(tenant=self.tenant),
            can_create=self.membership.role == Role.ADMIN,
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.membership.role != Role.ADMIN:
            raise PermissionDenied
        form = GroupForm(request.POST, tenant=self.tenant)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            data["members"] = list(form.cleaned_data["members"])
            data["host_units"] = list(form.cleaned_data["host_units"])
            try:
                group_create(membership=self.membership, **data)
                messages.success(request, _("Group formed."))
                return redirect("group-list", tenant_slug=self.tenant.slug)
            except ValidationError as exc:
                apply_service_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form))
