"""Finalised annual rankings (snapshots)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantOwnedModel


class RankingSnapshot(TenantOwnedModel):
    """A year's ranking frozen by an admin: later changes to that year's
    entries leave it as it is (they are listed as after-freeze changes)."""

    year = models.PositiveSmallIntegerField(_("year"))
    policy_version = models.PositiveIntegerField(_("policy version"))
    finalized_at = models.DateTimeField(_("finalised at"), auto_now_add=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("finalised by"),
    )
    pools = models.JSONField(_("pools"))
    statements = models.JSONField(_("statements"))

    class Meta:
        ordering = ["tenant", "-year"]
        verbose_name = _("finalised ranking")
        verbose_name_plural = _("finalised rankings")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year"], name="snapshot_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.slug} {self.year}"


class ExportJob(TenantOwnedModel):
    """A background Excel export: progress while it runs, a file when done."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=30)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["tenant", "-created_at"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


class QuotaReport(TenantOwnedModel):
    """A month's quota report: one per tenant and month; rebuilding a month
    replaces it (built in one transaction)."""

    month = models.CharField(_("month"), max_length=7)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy_version = models.PositiveIntegerField(_("policy version"))
    rows = models.JSONField(_("rows"), default=list)

    class Meta:
        ordering = ["tenant", "-month"]
        verbose_name = _("quota report")
        verbose_name_plural = _("quota reports")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month"], name="quota_report_unique_month"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.slug} {self.month}"
