"""Choices of the accounts app: roles and programme presets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Tenant admin")
    AUDITOR = "auditor", _("Auditor")
    DISTRICT_MANAGER = "district_manager", _("District manager")
    UNIT_REVIEWER = "unit_reviewer", _("Unit reviewer")
    OFFICER = "officer", _("Officer")


class Preset(models.TextChoices):
    WUHAN = "wuhan", _("Wuhan achievement-transformation liaison officers")
    YANGQUAN = "yangquan", _("Yangquan science and technology commissioners")
    PUYANG = "puyang", _("Puyang innovation liaison officers")
    SUZHOU = "suzhou", _("Suzhou double-chain integration specialists")
    HUBEI = "hubei", _("Hubei innovation liaison officers")


#: Roles that may read everything in a tenant.
READ_ALL_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
