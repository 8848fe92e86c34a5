"""Audit actions and the labels of audited object types."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    CREATE = "create", pgettext_lazy("audit action", "Create")
    UPDATE = "update", pgettext_lazy("audit action", "Update")
    DELETE = "delete", pgettext_lazy("audit action", "Delete")
    LOGIN = "login", pgettext_lazy("audit action", "Login")
    LOGIN_FAILED = "login_failed", pgettext_lazy("audit action", "Failed login")
    LOGIN_LOCKED = "login_locked", pgettext_lazy("audit action", "Login locked")
    DENIED = "denied", pgettext_lazy("audit action", "Refused")
    EXPORT = "export", pgettext_lazy("audit action", "Export")


#: Rows written by the triggers carry one of these three actions.
ROW_ACTIONS = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)

#: object_type (model name) -> label shown on the audit page and in exports.
OBJECT_TYPE_LABELS = {
    "user": _("User"),
    "tenant": _("Tenant"),
    "membership": _("Membership"),
    "policy": _("Policy"),
    "district": _("District"),
    "unit": _("Unit"),
    "districtuserobjectpermission": _("District grant"),
    "unituserobjectpermission": _("Unit grant"),
    "officer": _("Officer"),
    "officer_host_units": _("Officer host unit"),
    "hostassignment": _("Host assignment"),
    "changerequest": _("Change request"),
    "officergroup": _("Group"),
    "officergroup_members": _("Group member"),
    "officergroup_host_units": _("Group host unit"),
    "selectionround": _("Selection round"),
    "notice": _("Notice"),
    "nomination": _("Nomination"),
    "nominationtransition": _("Nomination step"),
    "objection": _("Objection"),
    "reference": _("Reference"),
    "entry": _("Ledger entry"),
    "entry_matched": _("Matched demand"),
    "credit": _("Credit"),
    "evidence": _("Evidence"),
    "entryevent": _("Entry history"),
    "exportjob": _("Export job"),
    "login": _("Login"),
    "request": _("Request"),
}


# --- words: every audited object type has a label (issue 14) ---
OBJECT_TYPE_LABELS.update(
    {
        "notificationpreference": _("Notification preferences"),
        "tenantwebhook": _("Group robot webhook"),
        "officerrenewal": _("Renewal"),
        "ratingrequest": _("Rating request"),
        "rating": _("Rating"),
        "districtopinion": _("District opinion"),
        "assessmentmark": _("Assessment mark"),
        "assessmentyear": _("Assessment year"),
        "gradedecision": _("Grade decision"),
        "assessmentresult": _("Assessment result"),
        "agreement": _("Service agreement"),
        "report": _("Work report"),
        "serviceday": _("Service day"),
        "training": _("Training"),
        "attendance": _("Attendance"),
        # issue 15: the province network and the matcher's feedback
        "network": _("Province network"),
        "networkmember": _("Network member"),
        "publisheditem": _("Item published to the network"),
        "matchfeedback": _("Match feedback"),
        "networkfeedback": _("Network match feedback"),
    }
)

# platform-admin (issue 17): the record of a purged tenant (an event outside any tenant)
OBJECT_TYPE_LABELS["tenantpurge"] = _("Tenant purge")
