"""Choices of the ledgers app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """The six kinds of ledger entry (SPEC.md §5); values are the policy's keys."""

    ACHIEVEMENT = "achievement", _("Achievement collected")
    DEMAND = "demand", _("Enterprise demand mined")
    EVENT = "event", _("Matchmaking event")
    CONVERSION = "conversion", _("Successful conversion")
    CASE = "case", _("Typical case")
    VIDEO = "video", _("Short video")
