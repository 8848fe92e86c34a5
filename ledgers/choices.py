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


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")


class Maturity(models.TextChoices):
    """Maturity of an achievement (technology readiness, simplified)."""

    LAB = "lab", _("Laboratory")
    PROTOTYPE = "prototype", _("Prototype")
    PILOT = "pilot", _("Pilot scale")
    INDUSTRIAL = "industrial", _("Ready for industry")


class EventType(models.TextChoices):
    ROADSHOW = "roadshow", _("Roadshow")
    DOCKING = "docking", _("Docking meeting")
    EXPERT_VISIT = "expert_visit", _("Expert visit")
    ENTERPRISE_VISIT = "enterprise_visit", _("Enterprise visit")
    PARK_VISIT = "park_visit", _("Park visit")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class ConversionMode(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    EQUITY = "equity", _("Equity investment")
    JOINT = "joint", _("Joint development")
    SERVICE = "service", _("Technical service")
    OTHER = "other", _("Other")


class VideoPlatform(models.TextChoices):
    DOUYIN = "douyin", _("Douyin")
    WECHAT = "wechat_channels", _("WeChat Channels")
    OTHER = "other", _("Other")


class Library(models.TextChoices):
    """Reference libraries (专家库, 企业库, 平台库, 项目库, 金融投资机构库, 科技中介库)."""

    EXPERT = "expert", _("Experts and teams")
    ENTERPRISE = "enterprise", _("Enterprises")
    PLATFORM = "platform", _("Innovation platforms")
    PROJECT = "project", _("Projects")
    INVESTMENT = "investment", _("Investment institutions")
    INTERMEDIARY = "intermediary", _("Intermediaries")


class EntryAction(models.TextChoices):
    """What a history row records."""

    CREATED = "created", _("Created")
    UPDATED = "updated", _("Edited")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")
    CORRECTED = "corrected", _("Corrected after verification")
    RESCORED = "rescored", _("Points recalculated")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
    CONFIRMED = "confirmed", _("Credit confirmed")
    DECLINED = "declined", _("Credit declined")
