"""The platform admin's pages: thin views over the selectors and services.

Only a superuser (the platform admin, see ``accounts.selectors``) reaches
them; anyone else, signed in or not, gets the same 404 as for a page that
does not exist."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View
from django.views.generic import FormView, ListView

from accounts.auth_views import operator_redirect
from accounts.models import Tenant
from liaison.forms import apply_service_errors

from . import services
from .forms import TenantOpenForm
from .selectors import STATUS_FILTERS, purge_list, tenant_overview_list


class PlatformAdminMixin:
    """Superusers only; everyone else gets 404. The operator can suspend and
    delete every tenant, so they must have two-factor sign-in turned on and
    this session must have given its code (:func:`accounts.mfa.operator_lacks`;
    ``MFA_EXEMPT_USERNAMES``: the demo's)."""

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_superuser):
            raise Http404(_("Not found."))
        return operator_redirect(request) or super().dispatch(request, *args, **kwargs)


class TenantListView(PlatformAdminMixin, ListView):
    """Tenants with size and activity, searchable, filtered by status, paginated."""

    template_name = "platformadmin/tenant_list.html"
    context_object_name = "tenants"
    paginate_by = 25

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        return tenant_overview_list(
            q=self.request.GET.get("q", "").strip()[:100],
            status=status if status in STATUS_FILTERS else "",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            q=self.request.GET.get("q", ""),
            status=self.request.GET.get("status", ""),
            statuses=[
                ("active", _("In use")),
                ("suspended", pgettext("tenant status", "Suspended")),
                ("deletion", _("Marked for deletion")),
            ],
            retention_days=settings.TENANT_DELETION_RETENTION_DAYS,
        )
        return context


class TenantOpenView(PlatformAdminMixin, FormView):
    """Open a tenant from a preset with its first admin."""

    template_name = "form_page.html"
    form_class = TenantOpenForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("New tenant"), cancel_url=reverse("platform-tenants"))
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            opened = services.tenant_open(
                actor=self.request.user,
                slug=data["slug"],
                name=data["name"],
                preset=data["preset"],
                admin_username=data["admin_username"],
                admin_password=data["admin_password"] or None,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "password" in exc.error_dict:
                exc = ValidationError({"admin_password": exc.error_dict["password"]})
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        if opened.invitation:
            link = self.request.build_absolute_uri(opened.invitation)
            messages.success(
                self.request,
                format_html(
                    '{} <a href="{}" id="invitation-link" class="text-break">{}</a>',
                    _("Tenant %(name)s opened. Send its admin this invitation link:")
                    % {"name": opened.tenant.name},
                    link,
                    link,
                ),
            )
        else:
            messages.success(
                self.request, _("Tenant %(name)s opened.") % {"name": opened.tenant.name}
            )
        return redirect("platform-tenants")


#: action in the URL -> (service, message on success)
ACTIONS = {
    "suspend": (services.tenant_suspend, gettext_lazy("Tenant %(name)s suspended.")),
    "reactivate": (services.tenant_reactivate, gettext_lazy("Tenant %(name)s is in use again.")),
    "delete": (
        services.tenant_mark_for_deletion,
        gettext_lazy("Tenant %(name)s is marked for deletion on %(date)s."),
    ),
    "cancel-delete": (
        services.tenant_cancel_deletion,
        gettext_lazy("The deletion of tenant %(name)s is cancelled; it stays suspended."),
    ),
}


class TenantActionView(PlatformAdminMixin, View):
    """POST: suspend, reactivate, mark for deletion or cancel the deletion."""

    http_method_names = ["post"]

    def post(self, request, pk: int, action: str):
        if action not in ACTIONS:
            raise Http404(_("Not found."))
        tenant = get_object_or_404(Tenant, pk=pk)
        service, message = ACTIONS[action]
        try:
            tenant = service(actor=request.user, tenant=tenant)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            due = tenant.deletion_due_at
            messages.success(
                request,
                str(message)
                % {
                    "name": tenant.name,
                    "date": timezone.localtime(due).date().isoformat() if due else "",
                },
            )
        back = request.POST.get("next", "")
        if not back.startswith(reverse("platform-tenants")) or not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}
        ):
            back = reverse("platform-tenants")
        return redirect(back)


class PurgeListView(PlatformAdminMixin, ListView):
    """The records of purged tenants: who asked, when, how many rows."""

    template_name = "platformadmin/purge_list.html"
    context_object_name = "purges"
    paginate_by = 25

    def get_queryset(self):
        return purge_list()
