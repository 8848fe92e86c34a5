"""The audit log: one append-only table for every tenant (see the package
docstring for why one table and not one per model)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantQuerySet

from .choices import OBJECT_TYPE_LABELS, AuditAction


class AuditEvent(models.Model):
    """One change of one row, or one security event.

    ``tenant`` and ``actor`` carry no database constraint and are never
    cascaded: the log outlives deleted users and tenants, and the database
    refuses to change or delete its rows (``audit/triggers.py``).
    ``actor_username`` keeps the name a deleted user had."""

    tenant = models.ForeignKey(
        "accounts.Tenant",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("tenant"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_default=Now())
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(_("actor"), max_length=150, blank=True, default="")
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, default="")
    object_id = models.CharField(_("object id"), max_length=64, blank=True, default="")
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=100, blank=True, default="")
    extra = models.JSONField(_("details"), default=dict, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["tenant", "-at", "-id"], name="audit_tenant_at"),
            models.Index(fields=["tenant", "object_type", "object_id"], name="audit_tenant_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    @property
    def object_type_label(self) -> str:
        return str(OBJECT_TYPE_LABELS.get(self.object_type, self.object_type))


class ExportRecord(models.Model):
    """One Excel file the portal produced (issue 14): who exported what and
    when, and the file's ``sha256`` and ``来源`` values, so that an auditor
    can check that a file came from the portal unchanged
    (``audit.exports.export_verify``; the digest is defined in
    ``liaison.excel``). Like the audit log, a record outlives the user and
    is never changed by the portal."""

    tenant = models.ForeignKey(
        "accounts.Tenant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("tenant"),
    )
    export_id = models.CharField(_("export id"), max_length=32, unique=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("exported by"),
    )
    username = models.CharField(_("exported by"), max_length=150, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=40)
    rows = models.PositiveIntegerField(_("rows"))
    sha256 = models.CharField(_("sha256"), max_length=64)
    provenance = models.JSONField(_("provenance"), default=dict)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("export record")
        verbose_name_plural = _("export records")
        indexes = [models.Index(fields=["tenant", "sha256"], name="exportrecord_tenant_sha")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M} {self.sha256[:12]}"
