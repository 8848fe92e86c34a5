"""Choices of the roster app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    BUREAU_UNIT = "bureau_unit", _("Bureau-affiliated unit")
    PARK = "park", _("Park")
    INCUBATOR = "incubator", _("Incubator")
    ENTERPRISE = "enterprise", _("Enterprise")
    INVESTMENT = "investment", _("Investment institution")
    INTERMEDIARY = "intermediary", _("Intermediary")
    OTHER = "other", _("Other")


class OfficerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")
    DISQUALIFIED = "disqualified", _("Disqualified")
