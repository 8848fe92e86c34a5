"""Who the selection workflow tells (issue 14): the members who act at the
stage a nomination reaches; the centre when the public files an objection.
Sent after commit by :func:`accounts.notifications.announce`, once per event."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import NotificationKind, Role
from accounts.notifications import announce, members_with_role

from .models import Nomination, NominationTransition, Objection


def nomination_at_stage(*, nomination: Nomination, recipients, step_label: str, actor) -> None:
    """The nomination reached a stage: ``recipients`` (who act next) are told."""
    transition = NominationTransition.objects.filter(nomination=nomination).latest("id")
    name, round_name = nomination.full_name, str(nomination.round)

    def message():
        return (
            _("A nomination waits for you: %(name)s") % {"name": name},
            _("%(name)s (%(round)s) is at your step: %(step)s.")
            % {"name": name, "round": round_name, "step": step_label},
        )

    announce(
        tenant=nomination.tenant,
        users=recipients,
        key=f"nomination-stage:{transition.pk}",
        kind=NotificationKind.NOMINATION_STAGE,
        message=message,
        link=reverse(
            "nomination-detail",
            kwargs={"tenant_slug": nomination.tenant.slug, "pk": nomination.pk},
        ),
        actor=actor,
    )


def objection_filed(*, objection: Objection) -> None:
    """A public objection tells the tenant's admins."""
    tenant = objection.tenant
    name, reason = objection.nomination.full_name, objection.reason

    def message():
        return (
            _("New objection on the public notice: %(name)s") % {"name": name},
            _("Reason given: %(reason)s") % {"reason": reason},
        )

    announce(
        tenant=tenant,
        users=members_with_role(tenant=tenant, role=Role.ADMIN),
        key=f"objection:{objection.pk}",
        kind=NotificationKind.OBJECTION_FILED,
        message=message,
        link=reverse("objection-list", kwargs={"tenant_slug": tenant.slug}),
    )
