"""Finalised annual rankings (snapshots)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantOwnedModel
from ledgers.choices import EntryKind
from liaison.excel import XLSX


class RankingSnapshot(TenantOwnedModel):
    """A year's ranking frozen by an admin: later changes to that year's
    entries leave it as it is (they are listed as after-freeze changes)."""

    year = models.PositiveSmallIntegerField(_("year"))
    policy_version = models.PositiveIntegerField(_("policy version"))
    finalized_at = models.DateTimeField(_("finalised at"), default=timezone.now)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("finalised by"),
    )
    pools = models.JSONField(_("pools"))
    # Snapshots made before shares were stored kept every statement here;
    # newer ones read the shares as of ``finalized_at`` and leave it empty.
    statements = models.JSONField(_("statements"), default=dict, blank=True)

    class Meta:
        ordering = ["tenant", "-year"]
        verbose_name = _("finalised ranking")
        verbose_name_plural = _("finalised rankings")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year"], name="snapshot_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.slug} {self.year}"


class Share(TenantOwnedModel):
    """One credited officer's share of a verified entry: ``points`` shared by
    ``group_size`` officers of the officer's scoring group (SPEC.md §6 rule 2),
    stored as integers so sums stay exact.

    Written in the transaction that verifies or corrects the entry (or
    records a re-scoring); never updated in place: a change marks the live
    rows ``superseded_at`` and adds new ones, so a finalised year's
    statements read the shares as they stood at its finalisation."""

    entry = models.ForeignKey("ledgers.Entry", on_delete=models.CASCADE, related_name="shares")
    officer = models.ForeignKey("roster.Officer", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20)
    occurred_on = models.DateField(_("occurred on"))
    points = models.PositiveIntegerField(_("points"))
    group_size = models.PositiveSmallIntegerField(_("shared by"))
    created_at = models.DateTimeField(_("created at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [
            # a year's live shares per officer and month (the pools' monthly
            # chart reads only the index); the ranking reads ShareTally
            models.Index(
                fields=["tenant", "year", "officer", "occurred_on", "points", "group_size"],
                condition=models.Q(superseded_at__isnull=True),
                name="share_live_month",
            ),
            # statements, live or as of a finalisation
            models.Index(fields=["tenant", "officer", "year"], name="share_officer_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group_size__gte=1), name="share_group_size_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EntryKind.values), name="share_kind_valid"
            ),
            # an officer holds one live share of an entry (superseded ones stay)
            models.UniqueConstraint(
                fields=["tenant", "entry", "officer"],
                condition=models.Q(superseded_at__isnull=True),
                name="share_one_live_per_officer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.officer_id}: {self.points}/{self.group_size}"


class ShareTally(TenantOwnedModel):
    """How many live shares of a year an officer holds per kind, points and
    group size: the ranking reads these few rows (about nine per officer)
    instead of every share. Kept in step by :mod:`scoring.shares` in the
    transaction that writes the shares (an atomic upsert adds or takes away
    one per share, in key order so concurrent writers never deadlock); rows
    that fall to 0 stay and are skipped. (No CHECK on ``count``: databases
    check the row an upsert proposes, and a taking-away proposes -1.)"""

    year = models.PositiveSmallIntegerField(_("year"))
    officer = models.ForeignKey("roster.Officer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20)
    points = models.PositiveIntegerField(_("points"))
    group_size = models.PositiveSmallIntegerField(_("shared by"))
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("share tally")
        verbose_name_plural = _("share tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "year", "officer", "kind", "points", "group_size"],
                name="share_tally_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EntryKind.values), name="sharetally_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.officer_id} {self.kind} {self.points}/{self.group_size}"


class RankingVersion(TenantOwnedModel):
    """A counter of changes to a year's ranking inputs, the key of its cached
    copy (:mod:`scoring.ranking_version`): bumped in the transaction that
    changes the shares, the officers of the year, the policy, the discipline
    marks or the finalisation. ``year`` 0 counts the changes that reach every
    year (an officer's name or term, a policy version)."""

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveBigIntegerField(_("version"), default=0)
    # random at every bump: a bump rolled back never names a copy again
    stamp = models.CharField(_("stamp"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("ranking version")
        verbose_name_plural = _("ranking versions")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year"], name="ranking_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.year or '*'} v{self.version}"


ZIP = "application/zip"
#: file name suffix -> content type of a background export's file
CONTENT_TYPES = {"xlsx": XLSX, "zip": ZIP}


class ExportJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(TenantOwnedModel):
    """A background export: progress while it runs, a file when done. The
    kinds (:mod:`scoring.export_jobs`): ``ranking`` and ``ledger`` (Excel
    workbooks) and ``tenant``, the whole tenant as a zip (issue 17, tenant
    and platform admins only; its SHA-256 and row count in ``params``)."""

    Status = ExportJobStatus

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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExportJobStatus.values),
                name="exportjob_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="exportjob_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    @property
    def content_type(self) -> str:
        """The download's type, from the file name the job sends."""
        return CONTENT_TYPES.get(self.filename.rsplit(".", 1)[-1].lower(), XLSX)

    @property
    def suffix(self) -> str:
        return "zip" if self.content_type == ZIP else "xlsx"


class JSONTextField(models.JSONField):
    """JSON kept as written: PostgreSQL's ``json`` (the text, checked) rather
    than ``jsonb`` (parsed into a binary tree) on the way in. For a large
    document written whole and read whole, never searched by key: a quota
    report's rows at L (57 MB) take 0.3 s to store as ``json`` against about
    2 s as ``jsonb``, most of what the report cost beyond its counts
    (issue 16 item 1). Other databases keep JSONField's own type."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        # psycopg2 decodes ``json`` itself (it leaves ``jsonb`` to Django)
        if value is None or isinstance(value, str):
            return super().from_db_value(value, expression, connection)
        return value


class QuotaReport(TenantOwnedModel):
    """A month's quota report: one per tenant and month; rebuilding a month
    replaces it (built in one transaction)."""

    month = models.CharField(_("month"), max_length=7)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy_version = models.PositiveIntegerField(_("policy version"))
    rows = JSONTextField(_("rows"), default=list)

    class Meta:
        ordering = ["tenant", "-month"]
        verbose_name = _("quota report")
        verbose_name_plural = _("quota reports")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month"], name="quota_report_unique_month"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.slug} {self.month}"
