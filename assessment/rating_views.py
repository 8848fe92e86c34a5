"""Pages of rating links (issue 12): the year's requests with who answered,
sending and reissuing links (shown once, with a QR code), the district's
opinion and the marks; and the public rater page (no login)."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from accounts.choices import Role
from accounts.models import Tenant
from liaison.errors import Conflict
from liaison.forms import BootstrapFormMixin, apply_service_errors
from liaison.views import TenantPageMixin

from .choices import MarkKind, RaterKind
from .ratings import (
    READ_ROLES,
    SEND_ROLES,
    LinkExpired,
    LinkUnknown,
    assessment_mark_record,
    criteria_for,
    district_opinion_set,
    mark_list,
    officers_in_reach,
    opinion_levels,
    opinion_list,
    rating_request_by_token,
    rating_request_create,
    rating_request_list,
    rating_request_reissue,
    rating_submit,
)


class _OfficerForm(BootstrapFormMixin, forms.Form):
    officer = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Officer"))

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers_in_reach(membership=membership)


class RequestForm(_OfficerForm):
    rater_kind = forms.ChoiceField(choices=RaterKind.choices, label=gettext_lazy("Rater kind"))
    rater_name = forms.CharField(max_length=200, label=gettext_lazy("Rater"))


class OpinionForm(_OfficerForm):
    level = forms.ChoiceField(label=gettext_lazy("Opinion level"))
    comment = forms.CharField(required=False, label=gettext_lazy("Remarks"))

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv["code"], lv["label"]) for lv in levels]


class MarkForm(_OfficerForm):
    kind = forms.ChoiceField(choices=MarkKind.choices, label=gettext_lazy("Kind"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Note"))


#: the session key of the link to show once after a redirect (Post/Redirect/Get)
NEW_LINK = "assessment_new_link"


def _remember_link(request, made, token: str, *, reissued: bool) -> HttpResponseRedirect:
    """Keep the new link for the next page view only (server-side session),
    say so, and redirect: a reload shows the page, never a second request."""
    request.session[NEW_LINK] = {"request": made.pk, "token": token, "reissued": reissued}
    messages.success(
        request,
        _("A new link is made; the old one no longer works.")
        if reissued
        else _("The rating request is made."),
    )
    return HttpResponseRedirect(_page(request.resolver_match.kwargs["tenant_slug"], made.year))


def _link(request, tenant: Tenant, token: str) -> dict:
    """The link to show once: its address and a QR code of it (inline SVG)."""
    url = request.build_absolute_uri(
        reverse("public-rating", kwargs={"slug": tenant.slug, "token": token})
    )
    return {"url": url, "qr": segno.make(url, error="m").svg_inline(scale=4)}


class RatingsCurrentView(TenantPageMixin, View):
    """The menu's entry: this year's page."""

    roles = READ_ROLES

    def get(self, request, tenant_slug):
        return HttpResponseRedirect(_page(tenant_slug, timezone.localdate().year))


#: rating requests shown per page (a year of a large programme has hundreds)
REQUESTS_PER_PAGE = 50


class RatingsPageView(TenantPageMixin, TemplateView):
    """The year's rating requests (who answered, when), the form that sends
    one (POST, then a redirect: the new link is shown on the next view, once),
    the district's opinions and the marks. Auditors read only;
    district managers see and act on their districts' officers."""

    roles = READ_ROLES
    template_name = "assessment/ratings/page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        membership = self.membership
        can_send = membership.role in SEND_ROLES
        requests = rating_request_list(membership=membership, year=year)
        query = self.request.GET.get("q", "").strip()
        shown = self.request.session.pop(NEW_LINK, None) if self.request.method == "GET" else None
        if shown:
            made = requests.filter(pk=shown["request"]).first()
            if made is not None:
                context.update(
                    new_link=_link(self.request, self.tenant, shown["token"]),
                    new_request=made,
                    reissued=shown["reissued"],
                )
        levels = opinion_levels(tenant=self.tenant)
        level_labels = {lv["code"]: lv["label"] for lv in levels}
        opinions = opinion_list(membership=membership, year=year)
        marks = mark_list(membership=membership, year=year)
        if query:  # an officer's name (every table), or a rater's (the requests)
            requests = requests.filter(
                Q(officer__full_name__icontains=query) | Q(rater_name__icontains=query)
            )
            opinions = opinions.filter(officer__full_name__icontains=query)
            marks = marks.filter(officer__full_name__icontains=query)
        page_obj = Paginator(requests, REQUESTS_PER_PAGE).get_page(self.request.GET.get("page"))
        opinions = list(opinions)
        for opinion in opinions:
            opinion.level_label = level_labels.get(opinion.level, opinion.level)
        context.update(
            year=year,
            years=range(year - 2, year + 2),
            requests=page_obj.object_list,
            page_obj=page_obj,
            q=query,
            opinions=opinions,
            marks=marks,
            can_send=can_send,
            can_mark=membership.role == Role.ADMIN,
            levels=levels,
            request_form=kwargs.get("request_form") or RequestForm(membership=membership),
            opinion_form=kwargs.get("opinion_form")
            or OpinionForm(membership=membership, levels=levels),
            mark_form=kwargs.get("mark_form") or MarkForm(membership=membership),
        )
        return context

    def post(self, request, tenant_slug, year):
        if self.membership.role not in SEND_ROLES:
            raise PermissionDenied
        form = RequestForm(request.POST, membership=self.membership)
        if form.is_valid():
            try:
                made, token = rating_request_create(
                    membership=self.membership, year=year, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return _remember_link(request, made, token, reissued=False)
        return self.render_to_response(self.get_context_data(request_form=form), status=400)


class RatingReissueView(RatingsPageView):
    """A new link for an unanswered request; the old one stops working."""

    http_method_names = ["post"]

    def post(self, request, tenant_slug, year, pk):
        if self.membership.role not in SEND_ROLES:
            raise PermissionDenied
        found = get_object_or_404(rating_request_list(membership=self.membership), pk=pk)
        try:
            made, token = rating_request_reissue(membership=self.membership, request=found)
        except Conflict as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(_page(tenant_slug, year))
        return _remember_link(request, made, token, reissued=True)


def _page(tenant_slug: str, year: int) -> str:
    return reverse("rating-page", kwargs={"tenant_slug": tenant_slug, "year": year})


class _RecordView(RatingsPageView):
    """A POST-only form of the year's page that calls one service, then
    returns to the page (or shows the page again with the form's errors)."""

    http_method_names = ["post"]
    allowed_roles: frozenset[str] = frozenset()
    form_name = ""

    def make_form(self, data):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def perform(self, year: int, data: dict) -> str:  # pragma: no cover
        """Call the service; answer the success message."""
        raise NotImplementedError

    def post(self, request, tenant_slug, year):
        if self.membership.role not in self.allowed_roles:
            raise PermissionDenied
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                message = self.perform(year, form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(_page(tenant_slug, year))
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


class OpinionView(_RecordView):
    """The district's (county's) opinion of an officer's year."""

    allowed_roles = SEND_ROLES
    form_name = "opinion_form"

    def make_form(self, data):
        levels = opinion_levels(tenant=self.tenant)
        return OpinionForm(data, membership=self.membership, levels=levels)

    def perform(self, year, data):
        district_opinion_set(membership=self.membership, year=year, **data)
        return _("The district's opinion is recorded.")


class MarkView(_RecordView):
    """A mark that vetoes the year's grade (admins)."""

    allowed_roles = frozenset({Role.ADMIN})
    form_name = "mark_form"

    def make_form(self, data):
        return MarkForm(data, membership=self.membership)

    def perform(self, year, data):
        assessment_mark_record(membership=self.membership, year=year, **data)
        return _("The mark is recorded.")


class PublicRatingPageView(TemplateView):
    """The rater's page, no login: the officer, the year, each criterion with
    1–5 and a comment; once. Unknown links answer 404, expired 410, answered
    409, each with a plain page."""

    template_name = "assessment/ratings/public.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in ("get", "post", "head"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.tenant = get_object_or_404(Tenant.objects.in_service(), slug=kwargs["slug"])
        try:
            self.found = rating_request_by_token(tenant=self.tenant, token=kwargs["token"])
        except LinkUnknown:
            raise Http404 from None
        except LinkExpired:
            return self._closed("expired", 410)
        except Conflict:
            if request.method == "POST" or request.GET.get("done") != "1":
                return self._closed("answered", 409)
            return self._closed("thanks", 200)
        return super().dispatch(request, *args, **kwargs)

    def _closed(self, state: str, status: int):
        from django.template.response import TemplateResponse

        return TemplateResponse(
            self.request,
            "assessment/ratings/public_closed.html",
            {"public_tenant": self.tenant, "state": state},
            status=status,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        criteria = criteria_for(tenant=self.tenant, rater_kind=self.found.rater_kind)
        chosen = kwargs.get("chosen") or {}
        for item in criteria:
            item["chosen"] = chosen.get(item["code"], "")
        context.update(
            public_tenant=self.tenant,
            found=self.found,
            criteria=criteria,
            scale=range(1, 6),
            comment=kwargs.get("comment", ""),
            errors=kwargs.get("errors", []),
        )
        return context

    def post(self, request, slug, token):
        criteria = criteria_for(tenant=self.tenant, rater_kind=self.found.rater_kind)
        scores = {c["code"]: request.POST.get(f"score_{c['code']}", "") for c in criteria}
        comment = request.POST.get("comment", "")
        try:
            rating_submit(tenant=self.tenant, token=token, scores=scores, comment=comment)
        except ValidationError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
            context = self.get_context_data(chosen=scores, comment=comment, errors=errors)
            return self.render_to_response(context, status=400)
        except Conflict:
            return self._closed("answered", 409)
        return HttpResponseRedirect(request.path + "?done=1")
