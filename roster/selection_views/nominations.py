"""The nomination queue and form, a nomination's review, and objections."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.choices import Role
from accounts.selectors import policy_in_force
from liaison.api.permissions import READERS
from liaison.errors import Conflict
from liaison.forms import apply_service_errors
from liaison.views import FilteredListMixin, TenantPageMixin

from .. import hosts, workflow
from ..choices import FINAL_STAGES, ObjectionStatus, Stage
from ..filtersets import NominationFilterSet
from ..models import Objection
from ..selection_forms import NominationForm
from ..selectors import district_choices, unit_list, units_in_reach
from .rounds import READERS_AND_REVIEWERS, _errors


class NominationListView(FilteredListMixin, TenantPageMixin, ListView):
    """The queue: nominations in reach, filtered like the API (search, stage,
    round, district in reach)."""

    roles = READERS_AND_REVIEWERS
    template_name = "roster/selection/nominations.html"
    context_object_name = "nominations"
    paginate_by = 50
    filterset_class = NominationFilterSet

    def base_queryset(self):
        return workflow.nomination_list(membership=self.membership).order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for nomination in context["nominations"]:
            step = workflow.next_step(nomination)
            nomination.pending = step
            nomination.mine = bool(step) and workflow.may_take(self.membership, nomination)
            # a self-application (no nominator) waits for its unit's reviewer or the centre
            nomination.self_applied = nomination.nominated_by_id is None
            if nomination.self_applied and nomination.stage == Stage.DRAFT:
                nomination.mine = workflow.may_submit(self.membership, nomination)
        context.update(
            stages=Stage.choices,
            current=self.request.GET.get("stage", ""),
            districts=district_choices(membership=self.membership),
            rounds=workflow.round_list(tenant=self.tenant),
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
        return {
            **super().get_form_kwargs(),
            "tenant": self.tenant,
            "units": units,
            "officers": workflow.renewable_officers(membership=self.membership),
        }

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
        labels = _stage_labels(nomination)
        for step_row in nomination.transitions.all():
            step_row.to_label = labels.get(step_row.to_stage, step_row.to_stage)
        context.update(
            nomination=nomination,
            chain=[(code, labels.get(code, code)) for code in workflow.chain(nomination)],
            step=step,
            leader_step=workflow.is_leader_approval(step),
            can_submit=nomination.stage == Stage.DRAFT
            and workflow.may_submit(self.membership, nomination),
            can_review=bool(step) and workflow.may_take(self.membership, nomination),
            can_withdraw=mine and nomination.stage in (Stage.DRAFT, Stage.SUBMITTED),
            closed=nomination.stage in FINAL_STAGES,
            **_renewal(self.membership, nomination),
        )
        return context


def _renewal(membership, nomination) -> dict:
    """The officer the nomination renews, and whether the member may open
    that officer's page."""
    officer = workflow.renewed_officer(nomination)
    return {
        "renewed_officer": officer,
        "can_open_officer": officer is not None
        and hosts.officers_for_requests(membership=membership).filter(pk=officer.pk).exists(),
    }


def _stage_labels(nomination) -> dict[str, str]:
    """Stage names, the round's own review labels over the generic ones."""
    return {**dict(Stage.choices), **{s["code"]: s["label"] for s in nomination.round.stages}}


class NominationPrintView(TenantPageMixin, TemplateView):
    """The nomination form (推荐表) as it prints: the structured fields, and
    a box per review step of the round's chain for the opinion, the signature
    and the stamp on paper, with the portal's record of the step once taken."""

    roles = READERS_AND_REVIEWERS
    template_name = "roster/selection/nomination_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nomination = get_object_or_404(
            workflow.nomination_list(membership=self.membership).prefetch_related(
                "transitions__actor"
            ),
            pk=self.kwargs["pk"],
        )
        labels = _stage_labels(nomination)
        # one box per review step of the round's chain, for the opinion, the
        # signature and the stamp on paper; the portal's record of the step
        # (opinion, who, when) is printed in it once the step is taken
        taken = {t.to_stage: t for t in nomination.transitions.all() if t.from_stage}
        steps = [
            {
                "code": step["code"],
                "label": step.get("label") or labels.get(step["code"], step["code"]),
                "taken": taken.get(step["code"]),
            }
            for step in nomination.round.stages
        ]
        context.update(
            nomination=nomination,
            steps=steps,
            category_label=policy_in_force(tenant=self.tenant).category_labels.get(
                nomination.category, nomination.category
            ),
            **_renewal(self.membership, nomination),
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
            messages.success(request, _("Now: %(stage)s.") % {"stage": nomination.stage_label})
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _errors(request, exc)
        return redirect("nomination-detail", tenant_slug=tenant_slug, pk=pk)


class ObjectionListView(TenantPageMixin, ListView):
    roles = READERS
    template_name = "roster/selection/objections.html"
    context_object_name = "objections"
    paginate_by = 50

    def get_queryset(self):
        return (
            Objection.objects.for_tenant(self.tenant)
            .select_related("nomination", "notice")
            .order_by("status", "-created_at")
        )

    def get_filtered_queryset(self):
        """The list shown (issue 14 "Lists"): search by nominee, objector or
        reason, and the status; the answer form acts on any objection."""
        rows = self.get_queryset()
        query = self.request.GET.get("q", "").strip()
        if query:
            rows = rows.filter(
                Q(nomination__full_name__icontains=query)
                | Q(name__icontains=query)
                | Q(reason__icontains=query)
            )
        status = self.request.GET.get("status")
        if status in ObjectionStatus.values:
            rows = rows.filter(status=status)
        return rows

    def get(self, request, *args, **kwargs):
        self.object_list = self.get_filtered_queryset()
        return self.render_to_response(
            self.get_context_data(statuses=ObjectionStatus.choices, filters=request.GET)
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
