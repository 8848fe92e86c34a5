"""Who the annual assessment tells (issue 14): the member who sent a rating
request when it is answered; the assessed officers (a login) when the year
is finalised. Sent after commit, once per event."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import NotificationKind
from accounts.models import Membership
from accounts.notifications import announce

from .models import AssessmentYear, Rating


def rating_answered(*, rating: Rating) -> None:
    """The rater answered: whoever sent the request is told."""
    request = rating.request
    tenant = request.tenant
    name, rater = request.officer.full_name, request.rater_name

    def message():
        return (
            _("%(rater)s rated %(name)s") % {"rater": rater, "name": name},
            _("The rating of %(name)s by %(rater)s has arrived.") % {"name": name, "rater": rater},
        )

    announce(
        tenant=tenant,
        users=[request.created_by],
        key=f"rating-answered:{rating.pk}",
        kind=NotificationKind.RATING_ANSWERED,
        message=message,
        link=reverse("rating-page", kwargs={"tenant_slug": tenant.slug, "year": request.year}),
    )


def assessment_finalised(*, state: AssessmentYear, officers, actor) -> None:
    """The year is final: each assessed officer with a login is told."""
    tenant, year = state.tenant, state.year
    members = set(
        Membership.objects.for_tenant(tenant)
        .filter(is_active=True)
        .values_list("user_id", flat=True)
    )

    def message():
        return (
            _("The %(year)s assessment is final") % {"year": year},
            _("Your grade for %(year)s is set. Open your page to see it.") % {"year": year},
        )

    assessed = [o for o in officers if o.user_id in members]
    announce(  # one event: each officer gets their own link, the webhook one post
        tenant=tenant,
        users=[o.user for o in assessed],
        key=f"assessment-final:{year}",
        kind=NotificationKind.ASSESSMENT_FINAL,
        message=message,
        link=reverse("assessment-page", kwargs={"tenant_slug": tenant.slug, "year": year}),
        links={
            o.user_id: reverse("officer-detail", kwargs={"tenant_slug": tenant.slug, "pk": o.pk})
            for o in assessed
        },
        actor=actor,
    )
