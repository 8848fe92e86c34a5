"""Choices of the annual assessment (SPEC.md §6a, API.md "Annual assessment")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RaterKind(models.TextChoices):
    """Who rates an officer through a one-time link."""

    HOST = "host", _("Host unit")
    ENTERPRISE = "enterprise", _("Enterprise")
    DISTRICT = "district", _("District office")


class YearStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class MarkKind(models.TextChoices):
    """Facts of a year that veto a grade (the policy's ``vetoes``)."""

    INTEGRITY_RECORD = "integrity_record", _("Research-integrity record")
    DISCIPLINE_VIOLATION = "discipline_violation", _("Discipline violation")
