"""Ratings from outside the portal (issue 12, SPEC.md §6a; API.md "Annual
assessment"): one-time rating links for hosts, enterprises and district
offices, the rater's answer, the district's opinion and the marks that veto
a grade. Services (writes) and selectors (reads) of those rows.

A link's token is shown once, when the request is made (or reissued): only
its SHA-256 digest is stored, so a lost link is reissued, never looked up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant
from accounts.selectors import policy_in_force
from liaison.errors import Conflict
from roster.models import Officer
from roster.selectors import officer_list
from scoring.ranking_version import ranking_changed

from .choices import MarkKind, RaterKind
from .models import AssessmentMark, DistrictOpinion, Rating, RatingRequest
from .notifications import rating_answered

#: A link stays valid this many days from the day it is made or reissued.
LINK_DAYS = 30
#: The member who sent a request is reminded once when it expires within this many days.
REMIND_DAYS = 3
#: Roles that read the rating requests (managers: their districts' officers).
READ_ROLES = frozenset({Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER})
#: Roles that send rating requests and give the district's opinion.
SEND_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER})


class LinkUnknown(Exception):
    """No rating link with this token (404)."""


class LinkExpired(Exception):
    """The rating link has expired (410)."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, token_digest(token)


# -- policy -----------------------------------------------------------------


def _assessment(tenant: Tenant, on: dt.date | None = None) -> dict:
    return policy_in_force(tenant=tenant, on=on).rules.get("assessment") or {}


def criteria_for(*, tenant: Tenant, rater_kind: str, on: dt.date | None = None) -> list[dict]:
    """The policy's criteria ``[{"code","label"}]`` for a kind of rater ([] when none)."""
    items = (_assessment(tenant, on).get("criteria") or {}).get(rater_kind) or []
    return [{"code": c["code"], "label": c["label"]} for c in items]


def opinion_levels(*, tenant: Tenant, on: dt.date | None = None) -> list[dict]:
    """The levels ``[{"code","label","score"}]`` of the policy's
    ``district_opinion`` component ([] when the policy has none)."""
    for component in _assessment(tenant, on).get("components") or []:
        if component.get("kind") == "district_opinion":
            return list(component.get("levels") or [])
    return []


# -- selectors --------------------------------------------------------------


def officers_in_reach(*, membership: Membership) -> QuerySet[Officer]:
    """Officers the member may ask ratings for or give an opinion on:
    every officer for admins and auditors, their districts' for managers."""
    if membership.role not in READ_ROLES:
        return Officer.objects.none()
    return officer_list(membership=membership)


def rating_request_list(*, membership: Membership, year: int | None = None):
    """The rating requests about officers in the member's reach, newest first,
    with their answers (officer and rating joined: one query)."""
    requests = (
        RatingRequest.objects.for_tenant(membership.tenant)
        .select_related("officer", "rating", "created_by")
        .order_by("-year", "-created_at", "-id")
    )
    if year is not None:
        requests = requests.filter(year=year)
    if membership.reads_all:
        return requests
    return requests.filter(officer__in=officers_in_reach(membership=membership).values("id"))


def opinion_list(*, membership: Membership, year: int) -> QuerySet[DistrictOpinion]:
    opinions = DistrictOpinion.objects.for_tenant(membership.tenant).filter(year=year)
    if not membership.reads_all:
        opinions = opinions.filter(
            officer__in=officers_in_reach(membership=membership).values("id")
        )
    return opinions.select_related("officer", "given_by").order_by("officer__full_name", "id")


def mark_list(*, membership: Membership, year: int) -> QuerySet[AssessmentMark]:
    marks = AssessmentMark.objects.for_tenant(membership.tenant).filter(year=year)
    if not membership.reads_all:
        marks = marks.filter(officer__in=officers_in_reach(membership=membership).values("id"))
    return marks.select_related("officer", "recorded_by").order_by("officer__full_name", "id")


def rating_request_by_token(
    *, tenant: Tenant, token: str, today: dt.date | None = None
) -> RatingRequest:
    """The open request behind a link: :class:`LinkUnknown` (404) for no such
    link, :class:`Conflict` (409) once answered, :class:`LinkExpired` (410)
    after its last day."""
    found = (
        RatingRequest.objects.for_tenant(tenant)
        .select_related("officer", "rating")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if found is None:
        raise LinkUnknown
    if hasattr(found, "rating"):
        raise Conflict(_("This rating has already been given. Thank you."))
    if found.expires_on < (today or timezone.localdate()):
        raise LinkExpired
    return found


def rating_requests_to_remind(*, tenant: Tenant, today: dt.date) -> QuerySet[RatingRequest]:
    """Unanswered requests not yet reminded that expire within
    :data:`REMIND_DAYS` days (and have not expired)."""
    return (
        RatingRequest.objects.for_tenant(tenant)
        .filter(
            rating__isnull=True,
            reminded_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=REMIND_DAYS),
        )
        .select_related("officer", "created_by")
        .order_by("expires_on", "id")
    )


# -- services ---------------------------------------------------------------


def _officer_in_reach(membership: Membership, officer: Officer) -> None:
    if officer.tenant_id != membership.tenant_id or (
        not officers_in_reach(membership=membership).filter(pk=officer.pk).exists()
    ):
        raise ValidationError({"officer": _("Not found.")})


@transaction.atomic
def rating_request_create(
    *,
    membership: Membership,
    officer: Officer,
    year: int,
    rater_kind: str,
    rater_name: str,
    today: dt.date | None = None,
) -> tuple[RatingRequest, str]:
    """Ask a rater for a rating of ``officer``'s ``year``. Admins, and district
    managers for their districts' officers. The link expires
    :data:`LINK_DAYS` (30) days from today. Returns the request and the raw
    token, which is never stored and never shown again."""
    if membership.role not in SEND_ROLES:
        raise PermissionDenied
    _officer_in_reach(membership, officer)
    errors = {}
    if rater_kind not in RaterKind.values:
        errors["rater_kind"] = _("Choose host, enterprise or district.")
    elif not criteria_for(tenant=membership.tenant, rater_kind=rater_kind):
        errors["rater_kind"] = _("The programme's policy has no rating criteria for this rater.")
    if not rater_name.strip():
        errors["rater_name"] = _("Name the rater.")
    if not 2000 <= int(year) <= 2099:
        errors["year"] = _("Give a year such as 2026.")
    if errors:
        raise ValidationError(errors)
    token, digest = _new_token()
    request = RatingRequest.objects.create(
        tenant=membership.tenant,
        officer=officer,
        year=year,
        rater_kind=rater_kind,
        rater_name=rater_name.strip(),
        token_digest=digest,
        expires_on=(today or timezone.localdate()) + dt.timedelta(days=LINK_DAYS),
        created_by=membership.user,
    )
    return request, token


@transaction.atomic
def rating_request_reissue(
    *, membership: Membership, request: RatingRequest, today: dt.date | None = None
) -> tuple[RatingRequest, str]:
    """A new link for an unanswered request: the old token stops working, the
    new one is valid :data:`LINK_DAYS` days from today (409 once answered)."""
    if membership.role not in SEND_ROLES:
        raise PermissionDenied
    _officer_in_reach(membership, request.officer)
    locked = RatingRequest.objects.select_for_update().get(pk=request.pk, tenant=request.tenant)
    if Rating.objects.filter(request=locked).exists():
        raise Conflict(_("This rating has already been given."))
    token, locked.token_digest = _new_token()
    locked.expires_on = (today or timezone.localdate()) + dt.timedelta(days=LINK_DAYS)
    locked.reminded_at = None
    locked.save(update_fields=["token_digest", "expires_on", "reminded_at"])
    return locked, token


def _clean_scores(scores, criteria: list[dict]) -> dict[str, int]:
    """Every criterion scored 1..5 (integers), nothing else; messages per criterion."""
    if not isinstance(scores, dict):
        raise ValidationError({"scores": _("Score every criterion from 1 to 5.")})
    codes = [c["code"] for c in criteria]
    problems = []
    unknown = sorted(str(k) for k in scores if k not in codes)
    if unknown:
        problems.append(_("Unknown criteria: %(codes)s.") % {"codes": ", ".join(unknown)})
    clean = {}
    for item in criteria:
        value = scores.get(item["code"])
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            problems.append(_("Score “%(label)s” from 1 to 5.") % {"label": item["label"]})
        else:
            clean[item["code"]] = value
    if problems:
        raise ValidationError({"scores": problems})
    return clean


@transaction.atomic
def rating_submit(
    *, tenant: Tenant, token: str, scores, comment: str = "", today: dt.date | None = None
) -> Rating:
    """The rater's answer through the link (no login): every criterion of the
    policy for the request's rater kind, each 1..5. Once only (409 again)."""
    request = rating_request_by_token(tenant=tenant, token=token, today=today)
    locked = RatingRequest.objects.select_for_update().get(pk=request.pk, tenant=tenant)
    if Rating.objects.filter(request=locked).exists():
        raise Conflict(_("This rating has already been given. Thank you."))
    clean = _clean_scores(scores, criteria_for(tenant=tenant, rater_kind=locked.rater_kind))
    rating = Rating.objects.create(
        tenant=tenant, request=locked, scores=clean, comment=(comment or "").strip()[:4000]
    )
    rating_answered(rating=rating)  # issue 14: the sender, after commit
    return rating


@transaction.atomic
def district_opinion_set(
    *, membership: Membership, officer: Officer, year: int, level: str, comment: str = ""
) -> DistrictOpinion:
    """The county's opinion of an officer's year (a level of the policy's
    ``district_opinion`` component); a later one replaces it. Admins, and
    district managers for their districts' officers."""
    if membership.role not in SEND_ROLES:
        raise PermissionDenied
    _officer_in_reach(membership, officer)
    levels = [item["code"] for item in opinion_levels(tenant=membership.tenant)]
    if not levels:
        raise ValidationError({"level": _("The programme's policy asks for no district opinion.")})
    if level not in levels:
        raise ValidationError({"level": _("Choose one of the policy's levels.")})
    opinion, _created = DistrictOpinion.objects.update_or_create(
        tenant=membership.tenant,
        officer=officer,
        year=year,
        defaults={"level": level, "comment": comment.strip(), "given_by": membership.user},
    )
    return opinion


@transaction.atomic
def assessment_mark_record(
    *, membership: Membership, officer: Officer, year: int, kind: str, note: str
) -> AssessmentMark:
    """Record a fact that vetoes the year's grade (admins only)."""
    if membership.role != Role.ADMIN:
        raise PermissionDenied
    _officer_in_reach(membership, officer)
    errors = {}
    if kind not in MarkKind.values:
        errors["kind"] = _("Choose the kind of mark.")
    if not note.strip():
        errors["note"] = _("Say what happened.")
    if errors:
        raise ValidationError(errors)
    mark = AssessmentMark.objects.create(
        tenant=membership.tenant,
        officer=officer,
        year=year,
        kind=kind,
        note=note.strip(),
        recorded_by=membership.user,
    )
    ranking_changed(tenant=membership.tenant, years=[year])  # a mark may remove excellence
    return mark
