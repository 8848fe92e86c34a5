"""The page-side choke point: every page under /t/<slug>/ derives from
:class:`TenantPageMixin`, which resolves the tenant exactly like the API
(same 404 for "no such tenant" and "not a member") and checks the role."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views.generic import FormView

from accounts.models import Membership, Tenant
from accounts.selectors import TenantSuspended, mfa_missing, tenant_access

from .api.permissions import ADMIN


class TenantPageMixin(LoginRequiredMixin):
    """Sets ``self.tenant`` and ``self.membership``; ``roles`` lists who may
    open the page (a member of another role gets 403, an outsider 404)."""

    roles: frozenset[str] = frozenset()
    tenant: Tenant
    membership: Membership

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.membership = tenant_access(user=request.user, slug=kwargs["tenant_slug"])
        except TenantSuspended as exc:  # platform-admin: the notice and nothing else
            return suspended_notice(request, exc.tenant)
        self.tenant = self.membership.tenant
        request.membership = self.membership
        if mfa_missing(membership=self.membership):  # issue 10: policy requires two-factor
            from accounts.auth_views import mfa_enrolment_redirect

            return mfa_enrolment_redirect(request)
        if self.membership.role not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tenant=self.tenant, membership=self.membership)
        return context


def suspended_notice(request, tenant: Tenant):
    """The one page a member of a suspended tenant sees (403). No ``denied``
    audit row: the refusal is the platform admin's suspension (audited
    once), and a row per page view would flood the log."""
    from django.shortcuts import render

    request.audit_denied_recorded = True  # tells the audit middleware to add none
    return render(request, "accounts/tenant_suspended.html", {"suspended": tenant}, status=403)


class ServiceFormMixin:
    """A form page whose valid input goes to one service; the service's
    ValidationError comes back onto the form and nothing is written."""

    success_message = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(self.extra_form_kwargs())
        return kwargs

    def extra_form_kwargs(self) -> dict:
        return {"tenant": self.tenant}

    def perform(self, form):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def form_valid(self, form):
        from django.contrib import messages
        from django.core.exceptions import ValidationError

        from .forms import apply_service_errors

        try:
            self.object = self.perform(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return super().form_valid(form)


class TenantFormView(ServiceFormMixin, TenantPageMixin, FormView):
    """An admin's form page (``form_page.html``): its title, a cancel link
    and, on success, the page named ``list_url_name`` (or
    ``get_success_url``)."""

    roles = ADMIN
    template_name = "form_page.html"
    list_url_name = ""
    title = ""

    def get_success_url(self):
        return reverse(self.list_url_name, kwargs={"tenant_slug": self.tenant.slug})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, cancel_url=self.get_success_url())
        return context


class FilteredListMixin:
    """A list page filtered by a FilterSet shared with the API: the rows come
    from ``base_queryset()`` (the caller's reach), the filters from the query
    string, and the template gets ``filters`` and ``querystring`` (the query
    without its page, for pagination links)."""

    filterset_class = None
    paginate_by = 50

    def base_queryset(self):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_queryset(self):
        rows = self.base_queryset()
        if self.filterset_class is None:
            return rows
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=rows, request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filters=self.request.GET, querystring=query.urlencode())
        return context


def not_found(request, exception=None):
    """404 of a URL no route matches: JSON under /api/ (as every other API
    error), the portal's page elsewhere."""
    from django.http import JsonResponse
    from django.views import defaults
    from rest_framework.exceptions import NotFound

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
