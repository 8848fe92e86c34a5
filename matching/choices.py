"""Choices of the matching app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchSource(models.TextChoices):
    """The side a suggestion was computed for (its query)."""

    DEMAND = "demand", _("For the demand")
    ACHIEVEMENT = "achievement", _("For the achievement")


class Verdict(models.TextChoices):
    NOT_RELEVANT = "not_relevant", _("Not relevant")
