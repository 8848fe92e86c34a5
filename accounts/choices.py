"""Choices of the accounts app: roles, programme presets, and the degree and
title-level codes (API.md) that both the policy's eligibility rules and the
roster's nominations use: one list, one set of labels."""

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


class TenantStatus(models.TextChoices):
    """Whether a tenant's members may use the portal (platform-admin, issue 17)."""

    ACTIVE = "active", _("In use")
    SUSPENDED = "suspended", _("Suspended")


#: Roles that may read everything in a tenant.
READ_ALL_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


class JobOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Done")
    FAILED = "failed", _("Failed")


#: Background jobs by the names their runs and beat entries carry.
JOB_LABELS = {
    "monthly-quota-reports": _("Monthly quota reports"),
    "quota-reports": _("Monthly quota reports"),
    "close-notices": _("Close public notices at their end"),
    "terms-ending": _("Remind of terms ending within 30 days"),
    "dormant-officers": _("Flag dormant officers"),
    "rescore": _("Re-score verified entries after a policy change"),
    "stale-job-runs": _("Mark runs whose worker stopped as failed"),
}


class Degree(models.TextChoices):
    """Highest degree (API.md codes, ascending)."""

    NONE = "none", _("No degree")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")


class TitleLevel(models.TextChoices):
    """Level of the professional title (API.md codes, ascending)."""

    NONE = "none", _("No title")
    JUNIOR = "junior", _("Junior")
    INTERMEDIATE = "intermediate", _("Intermediate")
    SENIOR = "senior", _("Senior")


# --- notify: notifications (issue 14) ---------------------------------------------------


class NotificationKind(models.TextChoices):
    """What a notification is about: the webhook sends a chosen set of kinds."""

    ENTRY_RETURNED = "entry_returned", _("Entry returned")
    ENTRY_VERIFIED = "entry_verified", _("Entry verified")
    CO_CREDIT = "co_credit", _("Shared credit to confirm")
    NOMINATION_STAGE = "nomination_stage", _("Nomination at your step")
    OBJECTION_FILED = "objection_filed", _("Public objection filed")
    RATING_ANSWERED = "rating_answered", _("Rating answered")
    ASSESSMENT_FINAL = "assessment_final", _("Assessment finalised")
    REMINDER = "reminder", _("Reminders and reports")


class EmailMode(models.TextChoices):
    """How a member gets notifications by e-mail (in the app always)."""

    EACH = "each", _("An e-mail for each notification")
    DAILY = "daily", _("One e-mail a day with the day's notifications")
    OFF = "off", _("No e-mail")


class WebhookFormat(models.TextChoices):
    """The group robot a tenant's webhook posts to (markdown message JSON)."""

    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


JOB_LABELS["notification-digests"] = _("Daily e-mail digests of notifications")


# --- words: every job by name, and the words of a run's detail (issue 14) ---
JOB_LABELS["rating-link-reminders"] = _("Remind raters of unanswered rating links")
JOB_LABELS["agreement-reminders"] = _("Remind of service agreements ending")
JOB_LABELS["report-reminders"] = _("Remind officers of work reports due")
JOB_LABELS["tenant-purge"] = _("Purge tenants past their deletion date")  # platform-admin
JOB_LABELS["report-late"] = _("Tell of overdue work reports")

#: Scheduled jobs of the platform as a whole, not of a tenant: they have a
#: label (every job has one) but are kept off the tenants' jobs page.
PLATFORM_JOBS = frozenset({"tenant-purge", "worker-heartbeat"})

#: What a run's detail counts, key by key (``%(value)s`` is the count).
JOB_DETAIL_WORDS = {
    "month": _("month %(value)s"),
    "rows": _("rows: %(value)s"),
    "notified": _("notified: %(value)s"),
    "reminded": _("reminded: %(value)s"),
    "closed": _("notices closed: %(value)s"),
    "dormant": _("dormant officers: %(value)s"),
    "from_year": _("from %(value)s on"),
    "changed": _("entries re-scored: %(value)s"),
    "error": _("error: %(value)s"),
}
