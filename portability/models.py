"""A tenant export run in the background for the tenant admin."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantOwnedModel
from scoring.models import ExportJobStatus


class TenantExport(TenantOwnedModel):
    """One zip of the whole tenant (``portability.services.tenant_export``):
    progress while it runs, the file and its SHA-256 when done. Started and
    downloaded by the tenant's admins only."""

    Status = ExportJobStatus

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="tenant-exports/", blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    sha256 = models.CharField(_("sha256"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["tenant", "-created_at", "-id"]
        verbose_name = _("tenant export")
        verbose_name_plural = _("tenant exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExportJobStatus.values),
                name="tenantexport_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="tenantexport_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.status}"
