"""Choices of the network app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    """Where a city programme stands in a province network: invited by the
    province, opted in by its own admin, or gone (either side ended it)."""

    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Member")
    LEFT = "left", _("Left")


#: Ledger kinds a member may publish to its network (SPEC.md §5b).
PUBLISHABLE_KINDS = ("demand", "achievement")
