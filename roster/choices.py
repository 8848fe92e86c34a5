"""Choices of the roster app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Degree and TitleLevel live in accounts.choices: the policy's eligibility
# rules and the nominations share one list of codes and labels.


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


class EndReason(models.TextChoices):
    """How an appointment ended before its term (blank: it ran its course or
    was disqualified, which has its own fields)."""

    REPLACED = "replaced", pgettext_lazy("appointment end", "Replaced")
    WITHDRAWN = "withdrawn", pgettext_lazy("appointment end", "Withdrawn")


class Stage(models.TextChoices):
    """Stages of a nomination (API.md stage codes). The review steps between
    ``submitted`` and ``centre_verified`` come from the policy."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNIT_ENDORSED = "unit_endorsed", _("Endorsed by the unit")
    DISTRICT_RECOMMENDED = "district_recommended", _("Recommended by the district")
    CENTRE_VERIFIED = "centre_verified", _("Verified by the centre")
    ON_NOTICE = "on_notice", _("On public notice")
    APPOINTED = "appointed", _("Appointed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld")


#: Stages a nomination never leaves.
FINAL_STAGES = frozenset({Stage.APPOINTED, Stage.REJECTED, Stage.WITHDRAWN, Stage.OBJECTION_UPHELD})


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class GroupKind(models.TextChoices):
    PAIR = "pair", _("City officer pair")
    GUIDANCE = "guidance", _("Guidance group")
    WORKING = "working", _("District working group")


class ChangeKind(models.TextChoices):
    """Kinds of a change request (调整申请) about an officer."""

    HOST_CHANGE = "host_change", _("Host change")
    REPLACEMENT = "replacement", _("Replacement")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    OTHER = "other", _("Other")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


#: The nominee's fields of a nomination (推荐表), in the order of the forms:
#: the public application (form and API) takes exactly these; the staff form
#: and the API add the round, the district and the renewed officer.
NOMINEE_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "unit",
    "position",
    "social_position",
    "title",
    "degree",
    "title_level",
    "employer_since",
    "park_years",
    "mobile",
    "office_phone",
    "email",
    "certificates",
    "integrity_record",
    "cv",
)
