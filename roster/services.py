"""Writes of the roster app: organisation, members and officers.

Services take ``tenant=`` first, are atomic, validate before they write and
raise ``ValidationError`` with field messages for bad input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from guardian.shortcuts import assign_perm

from accounts.choices import Role
from accounts.models import Membership, Tenant, User
from accounts.selectors import policy_in_force
from accounts.services import user_create, user_end_sessions
from liaison.errors import Conflict
from scoring.ranking_version import ranking_changed
from scoring.shares import entries_crediting, shares_rescore

from .choices import EndReason, OfficerStatus
from .models import District, HostAssignment, Officer, OfficerRenewal, Unit
from .selectors import MANAGE_DISTRICT, REVIEW_UNIT


def _clean(instance, *, unique: tuple[str, ...] = ()) -> None:
    """Model validation, with a clear field message for each ``unique`` field
    already taken by another row of the same tenant."""
    errors: dict[str, list[str]] = {}
    taken = type(instance).objects.for_tenant(instance.tenant).exclude(pk=instance.pk)
    for name in unique:
        if taken.filter(**{name: getattr(instance, name)}).exists():
            label = capfirst(type(instance)._meta.get_field(name).verbose_name)
            errors[name] = [
                _("%(field)s “%(value)s” is already in use.")
                % {"field": label, "value": getattr(instance, name)}
            ]
    try:
        instance.full_clean(validate_constraints=not errors)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def district_create(*, tenant: Tenant, code: str, name: str) -> District:
    district = District(tenant=tenant, code=code, name=name)
    _clean(district, unique=("code", "name"))
    district.save()
    return district


@transaction.atomic
def district_update(*, tenant: Tenant, district: District, code: str, name: str) -> District:
    if district.tenant_id != tenant.id:
        raise ValidationError(_("Not found."))
    district.code, district.name = code, name
    _clean(district, unique=("code", "name"))
    district.save()
    ranking_changed(tenant=tenant)  # the code names its officers' pool
    return district


@transaction.atomic
def unit_create(*, tenant: Tenant, name: str, kind: str, district: District | None) -> Unit:
    if district is not None and district.tenant_id != tenant.id:
        raise ValidationError({"district": _("Unknown district.")})
    unit = Unit(tenant=tenant, name=name, kind=kind, district=district)
    _clean(unit, unique=("name",))
    unit.save()
    return unit


@transaction.atomic
def unit_update(
    *, tenant: Tenant, unit: Unit, name: str, kind: str, district: District | None
) -> Unit:
    if unit.tenant_id != tenant.id or (district is not None and district.tenant_id != tenant.id):
        raise ValidationError(_("Not found."))
    unit.name, unit.kind, unit.district = name, kind, district
    _clean(unit, unique=("name",))
    unit.save()
    return unit


@transaction.atomic
def member_create(
    *,
    tenant: Tenant,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    email: str = "",
    districts: Iterable[District] = (),
    units: Iterable[Unit] = (),
) -> Membership:
    """A new login with a role in the tenant; district managers get their
    districts, unit reviewers their units (guardian object permissions)."""
    districts, units = list(districts), list(units)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.DISTRICT_MANAGER and not districts:
        raise ValidationError({"districts": _("A district manager needs at least one district.")})
    if role == Role.UNIT_REVIEWER and not units:
        raise ValidationError({"units": _("A unit reviewer needs at least one unit.")})
    if role != Role.DISTRICT_MANAGER and districts:
        raise ValidationError({"districts": _("Only district managers are given districts.")})
    if role != Role.UNIT_REVIEWER and units:
        raise ValidationError({"units": _("Only unit reviewers are given units.")})
    if any(d.tenant_id != tenant.id for d in districts):
        raise ValidationError({"districts": _("Unknown district.")})
    if any(u.tenant_id != tenant.id for u in units):
        raise ValidationError({"units": _("Unknown unit.")})
    membership = user_create(
        tenant=tenant,
        username=username,
        password=password,
        role=role,
        full_name=full_name,
        email=email,
    )
    for district in districts:
        assign_perm(MANAGE_DISTRICT, membership.user, district)
    for unit in units:
        assign_perm(REVIEW_UNIT, membership.user, unit)
    return membership


def _check_category(*, tenant: Tenant, category: str, on: dt.date) -> dict:
    policy = policy_in_force(tenant=tenant, on=on)
    spec = policy.category(category)
    if spec is None:
        raise ValidationError(
            {
                "category": _("Unknown category %(code)s; this programme has %(codes)s.")
                % {"code": category, "codes": ", ".join(policy.category_codes)}
            }
        )
    return spec


#: Bounds of a term an admin may enter directly: no programme predates 2000,
#: and no document names a term longer than a few years (a typo such as
#: 9999-12-31 would otherwise keep an officer active for ever).
EARLIEST_TERM_START = dt.date(2000, 1, 1)
MAX_TERM_YEARS = 10


@transaction.atomic
def officer_create(
    *,
    tenant: Tenant,
    full_name: str,
    category: str,
    district: District | None,
    term_start: dt.date,
    term_end: dt.date,
    unit: Unit | None = None,
    username: str | None = None,
    password: str | None = None,
    mobile: str = "",
    email: str = "",
    status: str = OfficerStatus.ACTIVE,
) -> Officer:
    """An officer created directly by an admin (migration of an existing
    roster), optionally with a login. The selection workflow normally creates
    officers through appointment."""
    spec = _check_category(tenant=tenant, category=category, on=term_start)
    if spec["pool"] == "district" and district is None:
        raise ValidationError({"district": _("Officers of this category belong to a district.")})
    for field, obj in (("district", district), ("unit", unit)):
        if obj is not None and obj.tenant_id != tenant.id:
            raise ValidationError({field: _("Not found.")})
    if term_end < term_start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})
    if term_start < EARLIEST_TERM_START:
        raise ValidationError(
            {"term_start": _("A term cannot start before %(day)s.") % {"day": EARLIEST_TERM_START}}
        )
    if (term_end - term_start).days > MAX_TERM_YEARS * 366:
        raise ValidationError(
            {"term_end": _("A term lasts %(years)d years at most.") % {"years": MAX_TERM_YEARS}}
        )
    if password and not username:
        raise ValidationError({"username": _("A password needs a username.")})
    user: User | None = None
    if username:
        user = user_create(
            tenant=tenant,
            username=username,
            password=password or None,
            role=Role.OFFICER,
            full_name=full_name,
            email=email,
        ).user
    officer = Officer(
        tenant=tenant,
        user=user,
        full_name=full_name,
        category=category,
        district=district,
        unit=unit,
        term_start=term_start,
        term_end=term_end,
        mobile=mobile,
        email=email,
        status=status,
    )
    _clean(officer)
    officer.save()
    ranking_changed(tenant=tenant)  # an officer of the years of the term
    return officer


@transaction.atomic
def officer_disqualify(
    *,
    tenant: Tenant,
    officer: Officer,
    reason: str,
    effective_on: dt.date,
    by: User,
) -> Officer:
    """Disqualify (取消资格) an officer for one of the policy's reasons."""
    officer = Officer.objects.for_tenant(tenant).select_for_update().get(pk=officer.pk)
    policy = policy_in_force(tenant=tenant, on=effective_on)
    codes = [r["code"] for r in policy.rules["disqualification_reasons"]]
    if reason not in codes:
        raise ValidationError(
            {
                "reason": _("Choose one of the policy's reasons: %(codes)s.")
                % {"codes": ", ".join(codes)}
            }
        )
    if not officer.term_start <= effective_on <= officer.term_end:
        raise ValidationError(
            {
                "effective_on": _(
                    "The date must lie within the officer's term (%(start)s – %(end)s)."
                )
                % {"start": officer.term_start, "end": officer.term_end}
            }
        )
    if officer.status == OfficerStatus.DISQUALIFIED:
        raise Conflict(_("The officer is already disqualified."))
    officer.status = OfficerStatus.DISQUALIFIED
    officer.disqualification_reason = reason
    officer.disqualified_on = effective_on
    officer.disqualified_by = by
    officer.save()
    _revoke_login(tenant, officer)
    _rescore(
        tenant,
        officer,
        _("%(name)s disqualified from %(date)s.")
        % {"name": officer.full_name, "date": effective_on.isoformat()},
        by,
    )
    ranking_changed(tenant=tenant)  # not eligible in the year, gone after it
    return officer


def _rescore(tenant: Tenant, officer: Officer, reason: str, actor: User | None) -> None:
    """The officer's verified entries are re-scored: an officer whose
    appointment no longer reaches a year takes no part in its splits."""
    shares_rescore(
        tenant=tenant,
        entries=entries_crediting(tenant=tenant, officer=officer),
        reason=reason,
        actor=actor,
    )


def _revoke_login(tenant: Tenant, officer: Officer) -> None:
    """An officer without an active appointment left loses the officer login
    of the tenant (their history stays)."""
    if officer.user_id is None:
        return
    still_active = (
        Officer.objects.for_tenant(tenant)
        .filter(user_id=officer.user_id, status=OfficerStatus.ACTIVE)
        .exists()
    )
    if not still_active:
        revoked = (
            Membership.objects.for_tenant(tenant)
            .filter(user_id=officer.user_id, role=Role.OFFICER, is_active=True)
            .update(is_active=False)
        )
        if revoked:  # issue 10: a revoked login's sessions and API token end
            user_end_sessions(user=officer.user)


#: What the scoring engine is told when an appointment ends early.
_END_NOTES = {
    EndReason.REPLACED: _lazy("%(name)s replaced from %(date)s."),
    EndReason.WITHDRAWN: _lazy("%(name)s withdrew; the appointment ended on %(date)s."),
}


def _close_hosts(tenant: Tenant, officer: Officer, last_day: dt.date) -> HostAssignment | None:
    """The open host assignment ends on ``last_day``; it is returned."""
    current = (
        HostAssignment.objects.for_tenant(tenant)
        .filter(officer=officer, end__isnull=True, start__lte=last_day)
        .order_by("-start", "-id")
        .first()
    )
    if current is not None:
        current.end = last_day
        current.save(update_fields=["end"])
    return current


@transaction.atomic
def officer_end(
    *,
    tenant: Tenant,
    officer: Officer,
    last_day: dt.date,
    reason: str,
    by: User | None = None,
) -> tuple[Officer, HostAssignment | None]:
    """End an appointment early (``reason``: replaced, withdrawn) with
    ``last_day`` as its last day: status ended, the host assignment closed,
    the login revoked when no other appointment is active, the officer's
    entries re-scored. 409 when the appointment has already ended. Returns
    the officer and the host assignment it closed."""
    officer = Officer.objects.for_tenant(tenant).select_for_update().get(pk=officer.pk)
    if officer.status in (OfficerStatus.ENDED, OfficerStatus.DISQUALIFIED):
        raise Conflict(_("The officer's appointment has already ended."))
    if not officer.term_start <= last_day <= officer.term_end:
        raise ValidationError(
            {
                "effective_on": _("Choose a day inside the current term (%(start)s to %(end)s).")
                % {"start": officer.term_start, "end": officer.term_end}
            }
        )
    officer.status, officer.term_end, officer.end_reason = OfficerStatus.ENDED, last_day, reason
    officer.save(update_fields=["status", "term_end", "end_reason"])
    closed = _close_hosts(tenant, officer, last_day)
    _revoke_login(tenant, officer)
    _rescore(
        tenant,
        officer,
        # a replacement is dated from the successor's first day
        str(_END_NOTES[reason])
        % {
            "name": officer.full_name,
            "date": (
                last_day + dt.timedelta(days=1) if reason == EndReason.REPLACED else last_day
            ).isoformat(),
        },
        by,
    )
    ranking_changed(tenant=tenant)  # the years after the last day lose the officer
    return officer, closed


@transaction.atomic
def officer_renew(
    *,
    tenant: Tenant,
    officer: Officer,
    nomination,
    term_start: dt.date,
    term_end: dt.date,
    by: User | None = None,
) -> Officer:
    """A nomination that named a past or current officer (续任, 再次申报) is
    appointed: the same appointment takes the new term, the nomination's
    category, district, unit and contact details, and is active again; its
    login is kept (and allowed in again). The term it had before is kept in
    an :class:`OfficerRenewal` row and still counts as served."""
    officer = Officer.objects.for_tenant(tenant).select_for_update().get(pk=officer.pk)
    if officer.status == OfficerStatus.DISQUALIFIED:
        raise Conflict(
            _("%(name)s was disqualified; the nomination cannot renew that appointment.")
            % {"name": officer.full_name}
        )
    if (
        officer.user_id is not None
        and Officer.objects.for_tenant(tenant)
        .filter(user_id=officer.user_id, status=OfficerStatus.ACTIVE)
        .exclude(pk=officer.pk)
        .exists()
    ):
        raise Conflict(
            _("%(name)s holds another active appointment.") % {"name": officer.full_name}
        )
    if term_start <= officer.term_start:
        raise ValidationError(
            {
                "officer": _("The new term must start after the current one (%(start)s).")
                % {"start": officer.term_start}
            }
        )
    OfficerRenewal.objects.create(
        tenant=tenant,
        officer=officer,
        nomination=nomination,
        previous_start=officer.term_start,
        previous_end=min(officer.term_end, term_start - dt.timedelta(days=1)),
        previous_status=officer.status,
        term_start=term_start,
        term_end=term_end,
        renewed_by=by,
    )
    officer.full_name = nomination.full_name
    officer.category, officer.district, officer.unit = (
        nomination.category,
        nomination.district,
        nomination.unit,
    )
    officer.mobile, officer.email = nomination.mobile, nomination.email
    officer.term_start, officer.term_end = term_start, term_end
    officer.status, officer.end_reason = OfficerStatus.ACTIVE, ""
    _clean(officer)
    officer.save()
    if officer.user_id is not None:
        Membership.objects.for_tenant(tenant).filter(
            user_id=officer.user_id, role=Role.OFFICER, is_active=False
        ).update(is_active=True)
    ranking_changed(tenant=tenant)  # a new term, category, district and name
    return officer


@transaction.atomic
def officer_replace(
    *,
    tenant: Tenant,
    officer: Officer,
    effective_on: dt.date,
    full_name: str,
    unit: Unit | None = None,
    username: str | None = None,
    password: str | None = None,
    mobile: str = "",
    email: str = "",
    by: User | None = None,
) -> Officer:
    """A district names a successor for a vacated seat (人员调整): the
    predecessor's appointment ends the day before, the successor takes the
    same category and district for the rest of the term, linked to it."""
    officer = Officer.objects.for_tenant(tenant).select_for_update().get(pk=officer.pk)
    if officer.status != OfficerStatus.ACTIVE:
        raise Conflict(_("Only an active appointment is replaced."))
    if not officer.term_start < effective_on <= officer.term_end:
        raise ValidationError({"effective_on": _("Choose a day inside the current term.")})
    rest_of_term = officer.term_end
    officer, current = officer_end(
        tenant=tenant,
        officer=officer,
        last_day=effective_on - dt.timedelta(days=1),
        reason=EndReason.REPLACED,
    )
    successor = officer_create(
        tenant=tenant,
        full_name=full_name,
        category=officer.category,
        district=officer.district,
        unit=unit or officer.unit,
        term_start=effective_on,
        term_end=rest_of_term,
        username=username,
        password=password,
        mobile=mobile,
        email=email,
    )
    successor.replaces = officer
    # filed with the centre (报转化中心备案, wuhan 第八条（四）): who, when
    successor.filed_at = timezone.now()
    successor.filed_by = by
    successor.save(update_fields=["replaces", "filed_at", "filed_by"])
    # the successor takes over the predecessor's current host from that day
    if current is not None:
        HostAssignment.objects.create(
            tenant=tenant, officer=successor, unit=current.unit, start=effective_on, created_by=by
        )
        successor.host_units.set([current.unit])
    return successor
