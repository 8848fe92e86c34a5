"""The record of a purged tenant: it outlives the tenant and all its rows."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TenantPurge(models.Model):
    """One tenant deleted for good after its retention period: who asked,
    when it was due, when it went, and how many rows of each table and how
    many files went with it. Append-only like the audit log
    (``audit.triggers.APPEND_ONLY_TABLES``); it names the tenant by id, slug
    and name because the tenant row is gone."""

    tenant_id = models.BigIntegerField(_("tenant id"))
    slug = models.CharField(_("slug"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    requested_by = models.CharField(_("deletion requested by"), max_length=150, blank=True)
    due_at = models.DateTimeField(_("deletion due at"), null=True, blank=True)
    purged_at = models.DateTimeField(_("purged at"), default=timezone.now)
    purged_by = models.CharField(_("purged by"), max_length=150, blank=True)
    counts = models.JSONField(_("rows deleted"), default=dict)
    files = models.PositiveIntegerField(_("files deleted"), default=0)

    class Meta:
        ordering = ["-purged_at", "-id"]
        verbose_name = _("tenant purge")
        verbose_name_plural = _("tenant purges")

    def __str__(self) -> str:
        return f"{self.slug} {self.purged_at:%Y-%m-%d %H:%M}"

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())
