"""The officers' duties beyond the ledger (SPEC.md §5a, API.md "Additions —
Duties"): service agreements, plans and reports, service days on site, and
trainings or meetings with their attendance.

Every row belongs to one tenant; changes are audited by the database
(``audit.triggers``: tenant-owned models by default, attendance through its
training).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantChildModel, TenantOwnedModel

from .choices import ReportKind, ReportStatus, TrainingKind


def agreement_path(instance: Agreement, filename: str) -> str:
    """Stored under a random name: the original name is kept in a column."""
    return f"agreements/{instance.tenant_id}/{uuid.uuid4().hex}"


class Agreement(TenantOwnedModel):
    """A service agreement of an officer with a host (Yangquan 001 第十一条:
    commissioner, host and dispatching unit, one year, filed with the bureau,
    renewable; Suzhou 003: with the county, 续派). Without its signed file it
    is not yet filed."""

    officer = models.ForeignKey(
        "roster.Officer",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("officer"),
    )
    host_unit = models.ForeignKey(
        "roster.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("host")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    file = models.FileField(_("signed file"), upload_to=agreement_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    #: the type read from the file's content when it was filed (downloads say it)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    renews = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
        verbose_name=_("renews"),
    )
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "-start", "id"]
        verbose_name = _("service agreement")
        verbose_name_plural = _("service agreements")
        indexes = [models.Index(fields=["tenant", "end"], name="agreement_tenant_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="agreement_ordered"),
            models.CheckConstraint(
                condition=Q(file="", filed_at__isnull=True)
                | (~Q(file="") & Q(filed_at__isnull=False)),
                name="agreement_filed_with_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} @ {self.host_unit_id}: {self.start}–{self.end}"

    @property
    def filed(self) -> bool:
        return bool(self.file)


class Report(TenantOwnedModel):
    """A plan or report an officer owes under the policy's duties: a weekly or
    monthly plan (Wuhan 000), a quarterly progress report (Yangquan 001
    第十七条), an annual work summary (Hubei 004). Submitted, accepted or
    returned like a ledger entry; ``due_on`` is fixed when it is created, so
    lateness does not move when the policy does."""

    officer = models.ForeignKey(
        "roster.Officer",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("officer"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    period = models.CharField(_("period"), max_length=10)
    body = models.TextField(_("content"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["tenant", "-due_on", "officer", "id"]
        verbose_name = _("plan or report")
        verbose_name_plural = _("plans and reports")
        indexes = [
            models.Index(fields=["tenant", "status", "due_on"], name="report_tenant_status_due")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "officer", "kind", "period"], name="report_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=("draft", "returned")) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="report_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.kind} {self.period}"


class ServiceDay(TenantOwnedModel):
    """Days an officer served on site at a host, ``start`` to ``end``
    inclusive (Suzhou 003: at least one month a year)."""

    officer = models.ForeignKey(
        "roster.Officer",
        on_delete=models.PROTECT,
        related_name="service_days",
        verbose_name=_("officer"),
    )
    host_unit = models.ForeignKey(
        "roster.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("host")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "-start", "id"]
        verbose_name = _("service days")
        verbose_name_plural = _("service days")
        indexes = [models.Index(fields=["tenant", "start"], name="serviceday_tenant_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="serviceday_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} @ {self.host_unit_id}: {self.start}–{self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Training(TenantOwnedModel):
    """A training or an exchange meeting (Wuhan 000: half-yearly training,
    monthly exchange meetings; Hubei 004: yearly training)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("note"), blank=True)
    attendees = models.ManyToManyField(
        "roster.Officer",
        through="Attendance",
        related_name="trainings",
        blank=True,
        verbose_name=_("attendees"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "-held_on", "id"]
        verbose_name = _("training or meeting")
        verbose_name_plural = _("trainings and meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TrainingKind.values), name="training_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Attendance(TenantChildModel):
    """An officer present at a training: ticked on the page or imported from
    the sign-in sheet."""

    tenant_parent = "training"

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    officer = models.ForeignKey(
        "roster.Officer", on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    source = models.CharField(_("recorded from"), max_length=10, default="page")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            # with the tenant, as Citus needs (docs/SCALING.md): same rule
            models.UniqueConstraint(
                fields=["tenant", "training", "officer"], name="attendance_once_tenant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_id}: {self.officer_id}"
