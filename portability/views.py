"""The tenant admin's "Data export" page: the zips of the whole tenant with
the start button. A zip's progress and download are the shared export pages
(:class:`scoring.views.ExportPageView`, :class:`scoring.views.ExportDownloadView`)
under ``tenant-exports/<pk>/``, for the tenant's admins only (a member of
another role: 403; anyone else: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from liaison.api.permissions import ADMIN
from liaison.views import TenantPageMixin
from scoring.export_jobs import live_progress
from scoring.views import ExportDownloadView, ExportPageView

from .jobs import tenant_export_list, tenant_export_start


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


class TenantExportPageView(ExportPageView):
    roles = ADMIN
    page_route, download_route = "tenant-export-page", "tenant-export-download"
    list_route = "tenant-export-list"

    def jobs(self):
        return tenant_export_list(membership=self.membership)


class TenantExportDownloadView(ExportDownloadView):
    roles = ADMIN
    page_route = "tenant-export-page"

    def jobs(self):
        return tenant_export_list(membership=self.membership)
