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
