"""The officer page (SPEC.md §4.2): profile, term, hosts, groups, ledger,
statement, change requests and history, with the lifecycle actions as
buttons for those allowed; and the change-request list of the centre."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.choices import Role
from accounts.selectors import policy_in_force
from liaison.api.permissions import ADMIN, ALL_ROLES
from liaison.errors import Conflict
from liaison.views import TenantPageMixin

from . import hosts, services
from .choices import ChangeKind, ChangeStatus
from .models import Officer, Unit
from .selectors import rotation_due

REPLACERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER})
#: page action -> roles that may take it (the buttons follow the same table)
ACTION_ROLES = {
    "disqualify": ADMIN,
    "suspend": ADMIN,
    "resume": ADMIN,
    "host": ADMIN,
    "replace": REPLACERS,
    "request": hosts.FILERS,
}


class HostForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Host"))
    start = forms.DateField(label=gettext_lazy("From"))


class DisqualifyForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"))
    effective_on = forms.DateField(label=gettext_lazy("Effective on"))


class ReplaceForm(forms.Form):
    effective_on = forms.DateField(label=gettext_lazy("Effective on"))
    full_name = forms.CharField(max_length=100, label=gettext_lazy("Successor"))
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=gettext_lazy("Dispatching unit")
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(choices=ChangeKind.choices, label=gettext_lazy("Kind"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Reason"))
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=gettext_lazy("Proposed unit")
    )
    proposed_on = forms.DateField(required=False, label=gettext_lazy("Proposed date"))


def _forms(tenant, data=None) -> dict[str, forms.Form]:
    units = Unit.objects.for_tenant(tenant).order_by("name")
    reasons = [
        (r["code"], r["label"])
        for r in policy_in_force(tenant=tenant).rules["disqualification_reasons"]
    ]
    made = {
        "host": HostForm(data),
        "disqualify": DisqualifyForm(data),
        "replace": ReplaceForm(data),
        "request": RequestForm(data),
    }
    for form in made.values():
        if "unit" in form.fields:
            form.fields["unit"].queryset = units
    made["disqualify"].fields["reason"].choices = reasons
    return made


class OfficerDetailView(TenantPageMixin, TemplateView):
    roles = ALL_ROLES
    template_name = "roster/officer_detail.html"

    def get_context_data(self, **kwargs):
        from ledgers.models import Entry

        context = super().get_context_data(**kwargs)
        tenant, role = self.tenant, self.membership.role
        officer = get_object_or_404(
            hosts.officers_for_requests(membership=self.membership).select_related(
                "district", "unit", "replaces", "filed_by", "disqualified_by"
            ),
            pk=self.kwargs["pk"],
        )
        today = timezone.localdate()
        policy = policy_in_force(tenant=tenant, on=today)
        rules = policy.rules
        history = hosts.host_history(officer=officer)
        current = [a for a in history if a.start <= today and (a.end is None or a.end >= today)]
        reasons = {r["code"]: r["label"] for r in rules["disqualification_reasons"]}
        due = rotation_due(
            officers=Officer.objects.filter(pk=officer.pk),
            rotation_years=rules.get("rotation_years"),
            on=today,
        ).exists()
        context.update(
            officer=officer,
            category_label=policy.category_labels.get(officer.category, officer.category),
            hosts_current=current,
            hosts_past=[a for a in history if a not in current],
            rotation_due=due,
            needs_host=bool(rules.get("hosts_required"))
            and officer.status == "active"
            and not current,
            groups=officer.officer_groups.all(),
            entries=Entry.objects.for_tenant(tenant)
            .filter(credits__officer=officer)
            .distinct()
            .order_by("-occurred_on", "-id")[:10],
            requests=officer.change_requests.select_related("unit", "filed_by", "decided_by"),
            history=hosts.officer_history(officer=officer),
            renewals=officer.renewals.order_by("term_start", "id"),
            disqualification_label=reasons.get(
                officer.disqualification_reason, officer.disqualification_reason
            ),
            can={action: role in roles for action, roles in ACTION_ROLES.items()},
            can_decide=role == Role.ADMIN,
            can_statement=role != Role.UNIT_REVIEWER,
            forms=_forms(tenant),
            # the statement link opens the latest year with data, as rankings/ does
            year=_statement_year(tenant, today),
        )
        return context


class OfficerActionView(TenantPageMixin, View):
    """POST-only lifecycle actions of the officer page; the officer must be in
    reach (404), then the role must hold the action (403)."""

    roles = ALL_ROLES

    def post(self, request, tenant_slug, pk, action):
        officer = get_object_or_404(hosts.officers_for_requests(membership=self.membership), pk=pk)
        if self.membership.role not in ACTION_ROLES[action]:
            raise PermissionDenied
        data: dict = {}
        if action in ("disqualify", "host", "replace", "request"):
            form = _forms(self.tenant, request.POST)[action]
            if not form.is_valid():
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    messages.error(request, f"{label}: {' '.join(errors)}")
                return redirect("officer-detail", tenant_slug=tenant_slug, pk=pk)
            data = form.cleaned_data
        target = pk
        try:
            if action == "disqualify":
                services.officer_disqualify(
                    tenant=self.tenant, officer=officer, by=request.user, **data
                )
            elif action in ("suspend", "resume"):
                hosts.officer_suspend(
                    tenant=self.tenant, officer=officer, resume=action == "resume"
                )
            elif action == "host":
                hosts.host_assign(tenant=self.tenant, officer=officer, by=request.user, **data)
            elif action == "replace":
                successor = services.officer_replace(
                    tenant=self.tenant,
                    officer=officer,
                    effective_on=data["effective_on"],
                    full_name=data["full_name"],
                    unit=data["unit"],
                    by=request.user,
                )
                target = successor.pk
            else:
                hosts.change_request_file(membership=self.membership, officer=officer, **data)
            messages.success(request, _("Saved."))
        except (ValidationError, Conflict) as exc:
            messages.error(
                request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            )
        return redirect("officer-detail", tenant_slug=tenant_slug, pk=target)


class ChangeRequestListView(TenantPageMixin, ListView):
    roles = ALL_ROLES
    template_name = "roster/change_requests.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        rows = hosts.change_request_list(membership=self.membership)
        status = self.request.GET.get("status")
        if status in ChangeStatus.values:
            rows = rows.filter(status=status)
        query = self.request.GET.get("q", "").strip()
        if query:  # issue 14 "Lists": by officer or reason
            rows = rows.filter(Q(officer__full_name__icontains=query) | Q(reason__icontains=query))
        return rows.order_by("-filed_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=ChangeStatus.choices,
            current=self.request.GET.get("status", ""),
            filters=self.request.GET,
            can_decide=self.membership.role == Role.ADMIN,
            **kwargs,
        )


class ChangeRequestActionView(TenantPageMixin, View):
    """The centre approves or rejects a change request (comment)."""

    roles = ADMIN

    def post(self, request, tenant_slug, pk, decision):
        change = get_object_or_404(hosts.change_request_list(membership=self.membership), pk=pk)
        comment = request.POST.get("comment", "")
        try:
            if decision == "approve":
                hosts.change_request_approve(
                    membership=self.membership, request=change, comment=comment
                )
            else:
                hosts.change_request_reject(
                    membership=self.membership, request=change, comment=comment
                )
            messages.success(request, _("Saved."))
        except (ValidationError, Conflict) as exc:
            messages.error(
                request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            )
        if request.POST.get("next") == "list":
            return redirect("change-request-list", tenant_slug=tenant_slug)
        return redirect("officer-detail", tenant_slug=tenant_slug, pk=change.officer_id)


def _statement_year(tenant, today):
    from scoring.selectors import latest_year_with_data  # the floor above reads the roster

    return latest_year_with_data(tenant=tenant, today=today)
