"""Pages of the duties' records (issue 13): service agreements (filed with
their signed file, renewed), service days on site with the yearly total
against the policy's minimum, trainings and exchange meetings with their
attendance (ticked on the page or imported from the sign-in sheet)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.choices import Role
from accounts.selectors import policy_in_force
from liaison.errors import Conflict
from liaison.forms import apply_service_errors
from liaison.views import TenantPageMixin
from roster.selectors import officer_list

from . import services
from .choices import DutyKind, TrainingKind
from .downloads import agreement_download
from .record_forms import (
    AgreementFileForm,
    AgreementForm,
    AgreementRenewForm,
    ServiceDayForm,
    SigninForm,
    TrainingForm,
    add_months,
)
from .selectors import (
    agreement_list,
    duties_of,
    service_day_list,
    service_day_minimum,
    service_day_totals,
    training_counts,
    training_list,
    training_minimums,
)
from .signin import read_signin

READERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER, Role.OFFICER})
RECORDERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.OFFICER})
TRAINERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER})


def agreement_duty(rules: dict) -> dict:
    """The policy's agreement duty (months, remind_days), or ``{}``."""
    found = duties_of(rules, DutyKind.AGREEMENT)
    return found[0] if found else {}


def agreement_status(agreement, today: dt.date, remind_days: int | None) -> tuple[str, str]:
    """(code, label) of an agreement on ``today``."""
    if hasattr(agreement, "renewed_by"):
        return "renewed", pgettext("agreement status", "Renewed")
    if agreement.end < today:
        return "ended", pgettext("agreement status", "Ended")
    if agreement.start > today:
        return "upcoming", pgettext("agreement status", "Not yet started")
    if remind_days and agreement.end <= today + dt.timedelta(days=remind_days):
        return "ending", pgettext("agreement status", "Ending soon")
    return "in_force", pgettext("agreement status", "In force")


def _year(request, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= 2100 else today.year


def _service_errors(form, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        apply_service_errors(form, exc)
    else:
        form.add_error(None, str(exc))


# --- agreements ------------------------------------------------------------------------


PER_PAGE = 50


class AgreementListView(TenantPageMixin, TemplateView):
    roles = READERS
    template_name = "duties/records/agreements.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        duty = agreement_duty(policy_in_force(tenant=self.tenant, on=today).rules)
        remind = duty.get("remind_days")
        rows = []
        agreements = agreement_list(membership=self.membership).select_related(
            "officer__district", "renewed_by"
        )
        query = self.request.GET.get("q", "").strip()
        if query:  # issue 14 "Lists": by officer or host
            agreements = agreements.filter(
                Q(officer__full_name__icontains=query) | Q(host_unit__name__icontains=query)
            )
        for agreement in agreements:
            code, label = agreement_status(agreement, today, remind)
            rows.append({"a": agreement, "status": code, "status_label": label})
        wanted = self.request.GET.get("status", "")
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        tabs = [
            ("in_force", pgettext("agreement status", "In force")),
            ("ending", pgettext("agreement status", "Ending soon")),
            ("ended", pgettext("agreement status", "Ended")),
            ("renewed", pgettext("agreement status", "Renewed")),
            ("unfiled", pgettext("agreement status", "Not yet filed")),
        ]
        counts["unfiled"] = sum(not r["a"].filed for r in rows)
        if wanted == "unfiled":
            rows = [r for r in rows if not r["a"].filed]
        elif wanted:
            rows = [r for r in rows if r["status"] == wanted]
        page_obj = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            rows=page_obj.object_list,
            page_obj=page_obj,
            filters=self.request.GET,
            tabs=[(code, label, counts.get(code, 0)) for code, label in tabs],
            current=wanted,
            remind_days=remind,
            can_record=self.membership.role in RECORDERS,
            today=today,
        )
        return context


class AgreementCreateView(TenantPageMixin, FormView):
    roles = RECORDERS
    template_name = "duties/records/agreement_form.html"
    form_class = AgreementForm

    def get_form_kwargs(self):
        self.duty = agreement_duty(policy_in_force(tenant=self.tenant).rules)
        kwargs = super().get_form_kwargs()
        kwargs.update(membership=self.membership, months=self.duty.get("months"))
        mine = officer_list(membership=self.membership)
        if self.request.method == "GET" and mine.count() == 1:
            officer = mine.get()
            kwargs["initial"] = {"officer": officer.pk}
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.is_bound and form.initial.get("officer"):
            form.initial["host_unit"] = form.current_hosts.get(form.initial["officer"], "")
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            months=self.duty.get("months") or "",
            hosts_json=json.dumps({str(k): v for k, v in form.current_hosts.items()}),
            cancel_url=reverse("agreement-list", kwargs={"tenant_slug": self.tenant.slug}),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.agreement_create(
                tenant=self.tenant,
                membership=self.membership,
                officer=data["officer"],
                host_unit=data["host_unit"],
                start=data["start"],
                end=data["end"],
                signed_on=data.get("signed_on"),
                upload=data.get("file"),
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Agreement saved."))
        return HttpResponseRedirect(
            reverse("agreement-list", kwargs={"tenant_slug": self.tenant.slug})
        )


class _AgreementActionView(TenantPageMixin, FormView):
    roles = RECORDERS
    template_name = "duties/records/agreement_action.html"

    def setup_agreement(self):
        self.agreement = get_object_or_404(
            agreement_list(membership=self.membership), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        self.setup_agreement()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_agreement()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement,
            title=self.title,
            cancel_url=reverse("agreement-list", kwargs={"tenant_slug": self.tenant.slug}),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.act(form.cleaned_data)
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.done)
        return HttpResponseRedirect(
            reverse("agreement-list", kwargs={"tenant_slug": self.tenant.slug})
        )


class AgreementFileView(_AgreementActionView):
    form_class = AgreementFileForm

    @property
    def title(self):
        return _("File the signed agreement")

    @property
    def done(self):
        return _("The signed agreement is filed.")

    def act(self, data):
        services.agreement_file(
            tenant=self.tenant,
            membership=self.membership,
            agreement=self.agreement,
            upload=data["file"],
        )


class AgreementRenewView(_AgreementActionView):
    form_class = AgreementRenewForm

    @property
    def title(self):
        return _("Renew the agreement")

    @property
    def done(self):
        return _("Agreement renewed.")

    def get_initial(self):
        months = agreement_duty(policy_in_force(tenant=self.tenant).rules).get("months")
        if months:
            start = self.agreement.end + dt.timedelta(days=1)
            return {"end": add_months(start, months) - dt.timedelta(days=1)}
        return {}

    def act(self, data):
        services.agreement_renew(
            tenant=self.tenant,
            membership=self.membership,
            agreement=self.agreement,
            end=data["end"],
            signed_on=data.get("signed_on"),
            upload=data.get("file"),
        )


class AgreementDownloadView(TenantPageMixin, View):
    """The signed file, only through the agreement's reach (404 otherwise)."""

    roles = READERS

    def get(self, request, tenant_slug, pk):
        agreement = get_object_or_404(
            agreement_list(membership=self.membership).exclude(file=""), pk=pk
        )
        return agreement_download(agreement)


# --- service days ----------------------------------------------------------------------


class ServiceDayListView(TenantPageMixin, FormView):
    """The days recorded, the form to record more, and each officer's total
    for the chosen year against the policy's minimum."""

    roles = READERS
    template_name = "duties/records/service_days.html"
    form_class = ServiceDayForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["membership"] = self.membership
        return kwargs

    def post(self, request, *args, **kwargs):
        if self.membership.role not in RECORDERS:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _year(self.request, today)
        rules = policy_in_force(tenant=self.tenant, on=min(today, dt.date(year, 12, 31))).rules
        officers = list(officer_list(membership=self.membership))
        totals = service_day_totals(
            tenant=self.tenant,
            officers=[o.id for o in officers],
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
        )
        table = []
        for officer in officers:
            minimum = service_day_minimum(rules, officer)
            table.append(
                {
                    "officer": officer,
                    "days": totals[officer.id],
                    "minimum": minimum,
                    "below": minimum is not None and totals[officer.id] < minimum,
                }
            )
        # issue 14 "Lists": every day recorded, 50 a page (was the first 200)
        page_obj = Paginator(service_day_list(membership=self.membership), PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            records=page_obj.object_list,
            page_obj=page_obj,
            table=table,
            year=year,
            years=range(today.year - 3, today.year + 1),
            can_record=self.membership.role in RECORDERS,
            hosts_json=json.dumps({str(k): v for k, v in context["form"].current_hosts.items()}),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.service_days_create(
                tenant=self.tenant,
                membership=self.membership,
                officer=data["officer"],
                host_unit=data["host_unit"],
                start=data["start"],
                end=data["end"],
                note=data.get("note", ""),
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Service days saved."))
        return HttpResponseRedirect(
            reverse("service-day-list", kwargs={"tenant_slug": self.tenant.slug})
            + f"?year={data['start'].year}"
        )


# --- trainings -------------------------------------------------------------------------


class TrainingListView(TenantPageMixin, TemplateView):
    """Trainings and meetings, and each officer's attendance in the chosen
    year against the policy's minimums."""

    roles = READERS
    template_name = "duties/records/trainings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _year(self.request, today)
        rules = policy_in_force(tenant=self.tenant, on=min(today, dt.date(year, 12, 31))).rules
        query = self.request.GET.get("q", "").strip()
        officers = officer_list(membership=self.membership)
        if query:  # the table's officers by name, the trainings by title
            officers = officers.filter(full_name__icontains=query)
        officers = list(officers)
        counts = training_counts(
            tenant=self.tenant,
            officers=[o.id for o in officers],
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
        )
        kinds = list(TrainingKind.choices)
        table = []
        for officer in officers:
            minimums = training_minimums(rules, officer)
            cells = []
            for code, label in kinds:
                n, minimum = counts[officer.id].get(code, 0), minimums.get(code)
                cells.append(
                    {
                        "label": label,
                        "n": n,
                        "minimum": minimum,
                        "below": minimum is not None and n < minimum,
                    }
                )
            table.append({"officer": officer, "cells": cells})
        trainings = (
            training_list(membership=self.membership)
            .filter(held_on__year=year)
            .prefetch_related("attendance")
        )
        if query:
            trainings = trainings.filter(title__icontains=query)
        context.update(
            trainings=trainings,
            table=table,
            kinds=kinds,
            year=year,
            years=range(today.year - 3, today.year + 1),
            q=query,
            can_record=self.membership.role in TRAINERS,
        )
        return context


class TrainingCreateView(TenantPageMixin, FormView):
    roles = TRAINERS
    template_name = "form_page.html"
    form_class = TrainingForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("New training or meeting"),
            cancel_url=reverse("training-list", kwargs={"tenant_slug": self.tenant.slug}),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            training = services.training_create(
                tenant=self.tenant,
                membership=self.membership,
                title=data["title"],
                kind=data["kind"],
                held_on=data["held_on"],
                note=data.get("note", ""),
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            _service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved. Tick who attended."))
        return HttpResponseRedirect(_training_url(training))


def _training_url(training) -> str:
    return reverse(
        "training-detail", kwargs={"tenant_slug": training.tenant.slug, "pk": training.pk}
    )


class TrainingDetailView(TenantPageMixin, TemplateView):
    """A training with its attendance: a tick list of the officers in reach
    (the centre, a district manager) and the sign-in sheet's import."""

    roles = READERS
    template_name = "duties/records/training_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        training = get_object_or_404(
            training_list(membership=self.membership), pk=self.kwargs["pk"]
        )
        present = dict(training.attendance.values_list("officer_id", "source"))
        officers = list(officer_list(membership=self.membership))
        context.update(
            training=training,
            officers=[
                {"officer": o, "present": o.id in present, "source": present.get(o.id)}
                for o in officers
            ],
            present_count=sum(o.id in present for o in officers),
            can_record=self.membership.role in TRAINERS,
            signin_form=SigninForm(),
            unmatched=self.request.session.pop(f"signin-unmatched-{training.pk}", []),
        )
        return context


class TrainingAttendanceView(TenantPageMixin, View):
    """POST: the ticked officers are the attendance (PRG back to the page)."""

    roles = TRAINERS
    http_method_names = ["post"]

    def post(self, request, tenant_slug, pk):
        training = get_object_or_404(training_list(membership=self.membership), pk=pk)
        reach = officer_list(membership=self.membership)
        ids = [v for v in request.POST.getlist("officers") if v.isdigit()]
        officers = list(reach.filter(pk__in=ids))
        if len(officers) != len(set(ids)):
            messages.error(request, _("Select a valid choice."))
            return HttpResponseRedirect(_training_url(training))
        try:
            services.attendance_set(
                tenant=self.tenant, membership=self.membership, training=training, officers=officers
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Attendance saved: %(n)s present.") % {"n": len(officers)})
        return HttpResponseRedirect(_training_url(training))


class TrainingSigninView(TenantPageMixin, View):
    """POST an .xlsx sign-in sheet: matched officers are added to the
    attendance; rows not matched are listed on the page."""

    roles = TRAINERS
    http_method_names = ["post"]

    def post(self, request, tenant_slug, pk):
        training = get_object_or_404(training_list(membership=self.membership), pk=pk)
        form = SigninForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the sign-in sheet (.xlsx) to import."))
            return HttpResponseRedirect(_training_url(training))
        try:
            result = read_signin(
                form.cleaned_data["file"], list(officer_list(membership=self.membership))
            )
            services.attendance_set(
                tenant=self.tenant,
                membership=self.membership,
                training=training,
                officers=result.matched,
                source=services.SOURCE_SIGNIN,
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return HttpResponseRedirect(_training_url(training))
        messages.success(
            request,
            _("Sign-in sheet imported: %(matched)s matched, %(unmatched)s not matched.")
            % {"matched": len(result.matched), "unmatched": len(result.unmatched)},
        )
        if result.unmatched:
            request.session[f"signin-unmatched-{training.pk}"] = [
                [row, name, why] for row, name, why in result.unmatched
            ]
        return HttpResponseRedirect(_training_url(training))
