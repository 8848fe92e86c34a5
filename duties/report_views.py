"""Plans and reports pages (issue 13): an officer's "my plans and reports"
with what is due now and the form, the detail with its history, the review
queue of district managers and the centre, and the overdue list per district."""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from accounts.selectors import policy_in_force
from audit.display import Names, action_label, change_lines
from audit.selectors import audit_event_list
from liaison.api.permissions import ALL_ROLES
from liaison.errors import Conflict
from liaison.forms import BootstrapFormMixin, apply_service_errors
from liaison.views import TenantPageMixin
from roster.models import Officer
from roster.selectors import officer_list

from . import services
from .choices import DutyKind, ReportKind, ReportStatus
from .models import Report
from .schedule import PERIOD_FORMATS, PLANS, day_in_range, period_bounds, period_of
from .selectors import binds, duties_of, overdue, report_list, reports_due

REVIEWERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER})
OVERDUE_READERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER})


# --- forms ----------------------------------------------------------------------------


class ReportForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ReportKind.choices)
    period = forms.CharField(label=gettext_lazy("period"), max_length=10)
    body = forms.CharField(
        label=gettext_lazy("content"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )

    def __init__(self, *args, kinds=None, periods=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds:
            self.fields["kind"].choices = [(k, ReportKind(k).label) for k in kinds]
        if periods:  # static/js/reports.js: a kind's current period when it is chosen
            self.fields["kind"].widget.attrs["data-periods"] = json.dumps(periods)
        self.fields["period"].help_text = _(
            "Week 2026-W05, month 2026-03, quarter 2026-Q1, year 2026."
        )


class BodyForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=gettext_lazy("content"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason for return"),
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Reason for return")}),
    )


# --- helpers --------------------------------------------------------------------------


def _own_officer(membership) -> Officer | None:
    if membership.role != Role.OFFICER:
        return None
    return (
        Officer.objects.for_tenant(membership.tenant)
        .filter(user=membership.user)
        .select_related("district")
        .first()
    )


def _report_kinds(tenant, officer: Officer, today: dt.date) -> list[str]:
    """The report kinds the policy's duties ask of ``officer``."""
    rules = policy_in_force(tenant=tenant, on=today).rules
    kinds = []
    for duty in duties_of(rules, DutyKind.REPORT):
        if binds(duty, officer) and duty.get("report") not in kinds:
            kinds.append(duty["report"])
    return kinds


def current_period(kind: str, today: dt.date) -> str:
    """The period a report of ``kind`` is written for now: this week's or
    month's plan; last quarter's or year's report (due after it ends)."""
    if kind in PLANS:
        return period_of(kind, today)
    start, _end = period_bounds(kind, period_of(kind, today))
    return period_of(kind, start - dt.timedelta(days=1))


def _detail_url(report: Report) -> str:
    return reverse("report-detail", kwargs={"tenant_slug": report.tenant.slug, "pk": report.pk})


def _today(request) -> dt.date:
    return timezone.localdate()


# --- an officer's page ----------------------------------------------------------------


class MyReportsView(TenantPageMixin, TemplateView):
    """What is due now, the officer's reports with status and due day."""

    roles = frozenset({Role.OFFICER})
    template_name = "duties/reports/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = _today(self.request)
        officer = _own_officer(self.membership)
        reports = list(report_list(membership=self.membership)) if officer else []
        due_now, late = [], []
        if officer is not None:
            by_key = {(r.kind, r.period): r for r in reports}
            for kind in _report_kinds(self.tenant, officer, today):
                period = current_period(kind, today)
                report = by_key.get((kind, period))
                due_now.append(
                    {
                        "kind": kind,
                        "label": ReportKind(kind).label,
                        "period": period,
                        "report": report,
                    }
                )
            late = [
                {
                    **row,
                    "label": ReportKind(row["kind"]).label,
                    "report": by_key.get((row["kind"], row["period"])),
                }
                for row in overdue(
                    reports_due(officers=[officer], tenant=self.tenant, on=today), today
                )
            ]
        context.update(officer=officer, reports=reports, due_now=due_now, late=late, today=today)
        return context


class ReportCreateView(TenantPageMixin, TemplateView):
    """The form: kind, period (this period pre-selected), content."""

    roles = frozenset({Role.OFFICER})
    template_name = "duties/reports/form.html"

    def _setup(self):
        self.today = _today(self.request)
        self.officer = _own_officer(self.membership)
        if self.officer is None:
            raise PermissionDenied(_("Your login is not linked to an officer."))
        self.kinds = _report_kinds(self.tenant, self.officer, self.today) or list(ReportKind.values)
        self.periods = {k: current_period(k, self.today) for k in self.kinds}

    def get(self, request, *args, **kwargs):
        self._setup()
        kind = request.GET.get("kind")
        if kind not in self.kinds:
            kind = self.kinds[0]
        period = request.GET.get("period") or current_period(kind, self.today)
        form = ReportForm(
            kinds=self.kinds,
            periods=self.periods,
            initial={"kind": kind, "period": period[:10]},
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self._setup()
        form = ReportForm(request.POST, kinds=self.kinds, periods=self.periods)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_create(
                    tenant=self.tenant,
                    membership=self.membership,
                    officer=self.officer,
                    kind=data["kind"],
                    period=data["period"].strip(),
                    body=data["body"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except (PermissionDenied, Conflict) as exc:
                form.add_error(None, str(exc))
            else:
                if request.POST.get("then") == "submit":
                    try:
                        services.report_submit(
                            tenant=self.tenant, membership=self.membership, report=report
                        )
                    except (PermissionDenied, Conflict) as exc:
                        messages.error(request, str(exc))
                    else:
                        messages.success(request, _("Submitted for review."))
                        return HttpResponseRedirect(_detail_url(report))
                messages.success(request, _("Saved as a draft."))
                return HttpResponseRedirect(_detail_url(report))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            formats=[(ReportKind(k).label, PERIOD_FORMATS[k]) for k in self.kinds], **kwargs
        )


# --- detail ---------------------------------------------------------------------------


def report_history(report: Report) -> list:
    """The report's audit events, oldest first, each with its change lines."""
    events = list(
        audit_event_list(tenant=report.tenant)
        .filter(object_type="report", object_id=str(report.pk))
        .order_by("id")  # the order written (times can tie, or come from a test's clock)
    )
    names = Names(report.tenant)
    names.load(events)
    for event in events:
        event.action_text = action_label(event.action)
        event.lines = change_lines(event, names)
    return events


class ReportDetailView(TenantPageMixin, TemplateView):
    roles = ALL_ROLES
    template_name = "duties/reports/detail.html"

    def _load(self):
        self.report = get_object_or_404(
            report_list(membership=self.membership).select_related("reviewed_by", "created_by"),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        self._load()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        """Save the edited content of a draft or returned report."""
        self._load()
        form = BodyForm(request.POST)
        if form.is_valid():
            try:
                services.report_update(
                    tenant=self.tenant,
                    membership=self.membership,
                    report=self.report,
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except (PermissionDenied, Conflict) as exc:
                form.add_error(None, str(exc))
            else:
                if request.POST.get("then") == "submit":
                    return _act(request, self, self.report, "submit")
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(_detail_url(self.report))
        return self.render_to_response(self.get_context_data(body_form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        m = self.membership
        own = report.officer.user_id is not None and report.officer.user_id == m.user_id
        editable = report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and (
            own or report.created_by_id == m.user_id
        )
        refusal = ""
        can_review = False
        if report.status == ReportStatus.SUBMITTED and m.role in REVIEWERS:
            refusal = services.review_refusal(membership=m, report=report)
            can_review = not refusal
        context.update(
            report=report,
            editable=editable,
            body_form=kwargs.get("body_form") or BodyForm(initial={"body": report.body}),
            can_review=can_review,
            review_refusal=refusal,
            reason_form=ReasonForm(),
            history=report_history(report),
        )
        return context


def _act(request, view, report: Report, action: str):
    kwargs = {}
    if action == "return":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the report goes back."))
            return _back(request, report)
        kwargs["reason"] = form.cleaned_data["reason"]
    fn = {
        "submit": services.report_submit,
        "accept": services.report_accept,
        "return": services.report_return,
    }[action]
    try:
        fn(tenant=view.tenant, membership=view.membership, report=report, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (PermissionDenied, Conflict) as exc:
        messages.error(request, str(exc))
    else:
        done = {
            "submit": _("Submitted for review."),
            "accept": _("Accepted."),
            "return": _("Returned to the officer."),
        }[action]
        messages.success(
            request,
            _("%(done)s %(officer)s · %(kind)s %(period)s")
            % {
                "done": done,
                "officer": report.officer.full_name,
                "kind": report.get_kind_display(),
                "period": report.period,
            },
        )
    return _back(request, report)


def _back(request, report):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = _detail_url(report)
    return HttpResponseRedirect(target)


class ReportActionView(TenantPageMixin, View):
    """POST submit / accept / return, then back where the user was."""

    roles = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.OFFICER})
    http_method_names = ["post"]

    def post(self, request, tenant_slug, pk, action):
        if action not in ("submit", "accept", "return"):
            raise Http404
        report = get_object_or_404(report_list(membership=self.membership), pk=pk)
        return _act(request, self, report, action)


# --- review queue ---------------------------------------------------------------------


class ReviewQueueView(TenantPageMixin, TemplateView):
    roles = REVIEWERS
    template_name = "duties/reports/review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(
            report_list(membership=self.membership)
            .filter(status=ReportStatus.SUBMITTED)
            .order_by("submitted_at", "id")
        )
        for report in rows:
            report.refusal = services.review_refusal(membership=self.membership, report=report)
        context.update(reports=rows, reason_form=ReasonForm())
        return context


# --- overdue per district -------------------------------------------------------------


class OverdueView(TenantPageMixin, TemplateView):
    roles = OVERDUE_READERS
    template_name = "duties/reports/overdue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = _today(self.request)
        on = today
        raw = self.request.GET.get("on", "")
        bad_date = False
        if raw:
            try:
                on = dt.date.fromisoformat(raw)
            except ValueError:
                bad_date = True
            if not day_in_range(on):  # a year the schedule cannot name: today's instead
                on, bad_date = today, True
        officers = {
            o.id: o for o in officer_list(membership=self.membership).select_related("district")
        }
        rows = overdue(reports_due(officers=list(officers.values()), tenant=self.tenant, on=on), on)
        groups: dict = {}
        for row in rows:
            officer = officers[row["officer"]]
            key = officer.district.name if officer.district_id else _("City officers")
            groups.setdefault(key, []).append(
                {
                    **row,
                    "officer_obj": officer,
                    "label": ReportKind(row["kind"]).label,
                    "days": (on - row["due_on"]).days,
                    "status_label": _status_label(row["status"]),
                }
            )
        late_submitted = list(
            report_list(membership=self.membership)
            .filter(late=True, due_on__year=on.year, due_on__lt=on)
            .order_by("due_on", "officer__full_name")
        )
        context.update(
            on=on,
            bad_date=bad_date,
            groups=sorted(groups.items(), key=lambda kv: (kv[0] == _("City officers"), kv[0])),
            total=len(rows),
            late_submitted=late_submitted,
        )
        return context


def _status_label(status: str) -> str:
    if status == "missing":
        return _("Missing")
    return str(ReportStatus(status).label)
