"""Selection rounds: the list, creation, a round's page and actions (notice,
appointment), the printable appointment notice, and the working groups."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.choices import Role
from accounts.selectors import policy_in_force
from liaison.api.permissions import ADMIN, READERS
from liaison.errors import Conflict
from liaison.forms import apply_service_errors
from liaison.views import TenantPageMixin

from .. import workflow
from ..choices import GroupKind, Stage
from ..groups import group_create, group_list
from ..selection_forms import GroupForm, NoticeForm, RoundForm

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
    paginate_by = 50  # issue 14 "Lists": numbered pages when the list grows

    def get_queryset(self):
        rounds = workflow.round_list(tenant=self.tenant)
        query = self.request.GET.get("q", "").strip()
        if query:
            rounds = rounds.filter(Q(title__icontains=query) | Q(year__icontains=query))
        return rounds

    def get_context_data(self, **kwargs):
        context = super().get_context_data(q=self.request.GET.get("q", ""), **kwargs)
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
            appointable=list(workflow.appointable(selection)),
            reserves=workflow.reserves(selection),
            seats_left=workflow.seats_left(selection),
            deadline_passed=selection.deadline is not None
            and timezone.localdate() > selection.deadline,
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
                chosen = [int(i) for i in request.POST.getlist("nominations") if i.isdigit()]
                done = workflow.round_appoint(
                    membership=self.membership, round=selection, nominations=chosen or None
                )
                request.session["appointed"] = [
                    {
                        "name": n.full_name,
                        "username": n.officer.user.username,
                        "link": request.build_absolute_uri(link) if link else "",
                    }
                    for n, link in done
                ]
                messages.success(request, _("%(n)d officers appointed.") % {"n": len(done)})
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _errors(request, exc)
        return redirect("round-detail", tenant_slug=tenant_slug, pk=pk)


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
        groups = group_list(membership=self.membership)
        query = self.request.GET.get("q", "").strip()
        if query:  # issue 14 "Lists": by group, member or district
            groups = groups.filter(
                Q(name__icontains=query)
                | Q(members__full_name__icontains=query)
                | Q(district__name__icontains=query)
            ).distinct()
        groups = list(groups)
        context.update(
            sections=[
                (label, [g for g in groups if g.kind == code]) for code, label in GroupKind.choices
            ],
            form=kwargs.get("form") or GroupForm(tenant=self.tenant),
            can_create=self.membership.role == Role.ADMIN,
            filters=self.request.GET,
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
