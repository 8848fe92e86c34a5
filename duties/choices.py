"""Choices of the officers' duties beyond the ledger (SPEC.md §5a, API.md
"Additions — Duties")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyKind(models.TextChoices):
    """The kinds of the policy's ``duties``."""

    REPORT = "report", _("Plan or report")
    AGREEMENT = "agreement", _("Service agreement")
    SERVICE_DAYS = "service_days", _("Service days on site")
    TRAINING = "training", _("Training or meeting")


class ReportKind(models.TextChoices):
    WEEKLY_PLAN = "weekly_plan", _("Weekly plan")
    MONTHLY_PLAN = "monthly_plan", _("Monthly plan")
    QUARTERLY_REPORT = "quarterly_report", _("Quarterly report")
    ANNUAL_SUMMARY = "annual_summary", _("Annual summary")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class DueStatus(models.TextChoices):
    """A required report's state on a date (``reports/due/``)."""

    MISSING = "missing", _("Missing")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("Training")
    EXCHANGE_MEETING = "exchange_meeting", _("Exchange meeting")
