"""Pages of the tenant export: the list with its start button, a job's
progress (polled with htmx) and the download. Tenant admins only (a member
of another role: 403; anyone else: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from liaison.api.permissions import ADMIN
from liaison.views import TenantPageMixin

from .api import ZIP
from .jobs import live_progress, tenant_export_list, tenant_export_start
from .models import TenantExport


class TenantExportListView(TenantPageMixin, TemplateView):
    template_name = "portability/tenant_exports.html"
    roles = ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jobs = list(tenant_export_list(membership=self.membership)[:20])
        for job in jobs:
            job.progress = live_progress(job)
        context["jobs"] = jobs
        return context

    def post(self, request, tenant_slug):
        job = tenant_export_start(membership=self.membership)
        messages.success(request, _("The export has started."))
        return redirect("tenant-export-page", tenant_slug=tenant_slug, pk=job.pk)


class TenantExportPageView(TenantPageMixin, TemplateView):
    roles = ADMIN

    def get_template_names(self):
        if self.request.htmx:
            return ["portability/_tenant_export_status.html"]
        return ["portability/tenant_export.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = get_object_or_404(
            tenant_export_list(membership=self.membership), pk=self.kwargs["pk"]
        )
        job.progress = live_progress(job)
        context["job"] = job
        return context


class TenantExportDownloadView(TenantPageMixin, View):
    roles = ADMIN

    def get(self, request, tenant_slug, pk):
        job = get_object_or_404(tenant_export_list(membership=self.membership), pk=pk)
        if job.status != TenantExport.Status.DONE:  # not ready: back to its progress page
            return redirect("tenant-export-page", tenant_slug=tenant_slug, pk=pk)
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=ZIP
        )
