"""Hosts, rotation, change requests and headcount (SPEC.md §4.2): services
and selectors.

The documents (cited in :mod:`roster.models.hosts`):

- wuhan 000 第八条（一）: rotation after two years at a host, counted from
  the start of the current host assignment (``rotation_years``), never
  from the term start (a city officer's term restarts every 2 years).
- wuhan 000 第八条（四）, yangquan 001 第十五条（二）: change requests come
  from the officer, the host or the dispatching unit; the centre decides;
  a replacement is filed with the centre (报转化中心备案).
- suzhou 003 二（一）1（1）: at least 4 specialists per county or park
  (``headcount.min_per_district``).
- yangquan 001 第十三条（四）: at least one host per commissioner
  (``hosts_required``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant, User
from accounts.selectors import policy_in_force
from liaison.errors import Conflict

from .choices import ChangeKind, ChangeStatus, EndReason, OfficerStatus
from .models import ChangeRequest, HostAssignment, Officer, Unit
from .selectors import districts_in_reach, officer_list, units_in_reach
from .services import officer_end

#: Roles that file change requests (the officer, a host's or the dispatching
#: unit's reviewer, the district's managers, the centre).
FILERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.UNIT_REVIEWER, Role.OFFICER})
#: Kinds of change request whose approval ends the appointment, and how.
ENDINGS = {ChangeKind.REPLACEMENT: EndReason.REPLACED, ChangeKind.WITHDRAWAL: EndReason.WITHDRAWN}

# --- hosts -----------------------------------------------------------------------------


def host_history(*, officer: Officer) -> QuerySet[HostAssignment]:
    return (
        HostAssignment.objects.for_tenant(officer.tenant)
        .filter(officer=officer)
        .select_related("unit")
        .order_by("-start", "-id")
    )


def current_hosts(*, officers: QuerySet[Officer], on: dt.date) -> QuerySet[HostAssignment]:
    """Assignments running on ``on`` (started, not ended)."""
    return HostAssignment.objects.filter(officer__in=officers.values("id"), start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)
    )


@transaction.atomic
def host_assign(
    *, tenant: Tenant, officer: Officer, unit: Unit, start: dt.date, by: User | None
) -> HostAssignment:
    """The officer moves to ``unit`` from ``start``: the current assignment
    ends the day before. ``start`` lies inside the term and after the
    current assignment's start."""
    officer = Officer.objects.for_tenant(tenant).select_for_update().get(pk=officer.pk)
    if unit.tenant_id != tenant.id:
        raise ValidationError({"unit": _("Not found.")})
    if officer.status in (OfficerStatus.ENDED, OfficerStatus.DISQUALIFIED):
        raise Conflict(_("The appointment has ended."))
    if not officer.term_start <= start <= officer.term_end:
        raise ValidationError(
            {
                "start": _("Choose a day inside the term (%(start)s to %(end)s).")
                % {"start": officer.term_start, "end": officer.term_end}
            }
        )
    current = (
        HostAssignment.objects.for_tenant(tenant)
        .filter(officer=officer, end__isnull=True)
        .order_by("-start", "-id")
        .first()
    )
    if current is not None:
        if start <= current.start:
            raise ValidationError(
                {
                    "start": _(
                        "The current host assignment started on %(date)s; choose a later day."
                    )
                    % {"date": current.start}
                }
            )
        current.end = start - dt.timedelta(days=1)
        current.save(update_fields=["end"])
    assignment = HostAssignment(
        tenant=tenant, officer=officer, unit=unit, start=start, created_by=by
    )
    assignment.full_clean()
    assignment.save()
    # Officer.host_units follows the open assignment (kept for older readers)
    officer.host_units.set([unit])
    return assignment


def without_host(*, officers: QuerySet[Officer], on: dt.date) -> QuerySet[Officer]:
    """Active officers serving no host on ``on`` (yangquan 第十三条（四）)."""
    hosted = current_hosts(officers=officers, on=on).values("officer_id")
    return officers.filter(
        status=OfficerStatus.ACTIVE, term_start__lte=on, term_end__gte=on
    ).exclude(id__in=hosted)


# --- headcount -------------------------------------------------------------------------


def headcount(*, membership: Membership, on: dt.date) -> list[dict]:
    """Active officers per district in reach against the policy's minimum
    (suzhou 二（一）1（1）: at least 4 per county or park)."""
    rules = policy_in_force(tenant=membership.tenant, on=on).rules
    minimum = (rules.get("headcount") or {}).get("min_per_district")
    districts = districts_in_reach(membership=membership).annotate(
        active=Count(
            "officers",
            filter=Q(
                officers__status=OfficerStatus.ACTIVE,
                officers__term_start__lte=on,
                officers__term_end__gte=on,
            ),
        )
    )
    return [
        {
            "district": d.code,
            "district_name": d.name,
            "active": d.active,
            "minimum": minimum,
            "short": minimum is not None and d.active < minimum,
        }
        for d in districts.order_by("code")
    ]


# --- change requests ---------------------------------------------------------------------


def officers_for_requests(*, membership: Membership) -> QuerySet[Officer]:
    """Officers the member files or reads change requests about: their reach,
    and for a unit reviewer also the officers their units host."""
    officers = officer_list(membership=membership)
    if membership.role == Role.UNIT_REVIEWER:
        units = units_in_reach(membership=membership)
        hosted = HostAssignment.objects.filter(unit__in=units, end__isnull=True).values(
            "officer_id"
        )
        officers = Officer.objects.for_tenant(membership.tenant).filter(
            Q(unit__in=units) | Q(id__in=hosted)
        )
    return officers


def change_request_list(*, membership: Membership) -> QuerySet[ChangeRequest]:
    requests = ChangeRequest.objects.for_tenant(membership.tenant).select_related(
        "officer", "unit", "filed_by", "decided_by"
    )
    if membership.reads_all:
        return requests
    return requests.filter(
        officer__in=officers_for_requests(membership=membership).values("id")
    ).order_by("-filed_at", "-id")


@transaction.atomic
def change_request_file(
    *,
    membership: Membership,
    officer: Officer,
    kind: str,
    reason: str,
    unit: Unit | None = None,
    proposed_on: dt.date | None = None,
) -> ChangeRequest:
    tenant = membership.tenant
    if not officers_for_requests(membership=membership).filter(pk=officer.pk).exists():
        raise ValidationError({"officer": _("Not found.")})
    if unit is not None and unit.tenant_id != tenant.id:
        raise ValidationError({"unit": _("Not found.")})
    if kind not in ChangeKind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if kind == ChangeKind.HOST_CHANGE:
        errors = {}
        if unit is None:
            errors["unit"] = _("Name the new host.")
        if proposed_on is None:
            errors["proposed_on"] = _("Give the day the new host starts.")
        if errors:
            raise ValidationError(errors)
    if officer.status in (OfficerStatus.ENDED, OfficerStatus.DISQUALIFIED):
        raise Conflict(_("The appointment has ended."))
    request = ChangeRequest(
        tenant=tenant,
        officer=officer,
        kind=kind,
        reason=reason.strip(),
        unit=unit,
        proposed_on=proposed_on,
        filed_by=membership.user,
        filed_as=membership.role,
    )
    request.save()
    return request


def _decide(membership: Membership, request: ChangeRequest) -> ChangeRequest:
    request = (
        ChangeRequest.objects.for_tenant(membership.tenant).select_for_update().get(pk=request.pk)
    )
    if request.status != ChangeStatus.PENDING:
        raise Conflict(_("The request has already been decided."))
    return request


@transaction.atomic
def change_request_approve(
    *, membership: Membership, request: ChangeRequest, comment: str = ""
) -> ChangeRequest:
    """The centre approves, and the change takes effect: a host change
    starts the new host assignment; a replacement (报中心备案) or a
    withdrawal ends the appointment on the proposed date (or today) as
    replaced or withdrawn; another kind is the decision only. 409 when the
    officer's appointment has already ended."""
    request = _decide(membership, request)
    officer = request.officer
    if officer.status in (OfficerStatus.ENDED, OfficerStatus.DISQUALIFIED):
        raise Conflict(
            _("The officer's appointment has already ended; the request cannot be approved.")
        )
    if request.kind == ChangeKind.HOST_CHANGE:
        host_assign(
            tenant=membership.tenant,
            officer=officer,
            unit=request.unit,
            start=request.proposed_on,
            by=membership.user,
        )
    elif request.kind in ENDINGS:
        officer_end(
            tenant=membership.tenant,
            officer=officer,
            last_day=request.proposed_on or timezone.localdate(),
            reason=ENDINGS[request.kind],
            by=membership.user,
        )
    request.status = ChangeStatus.APPROVED
    request.comment = comment
    request.decided_by = membership.user
    request.decided_at = timezone.now()
    request.save()
    return request


@transaction.atomic
def change_request_reject(
    *, membership: Membership, request: ChangeRequest, comment: str
) -> ChangeRequest:
    if not comment.strip():
        raise ValidationError({"comment": _("Give the reason for the rejection.")})
    request = _decide(membership, request)
    request.status = ChangeStatus.REJECTED
    request.comment = comment.strip()
    request.decided_by = membership.user
    request.decided_at = timezone.now()
    request.save()
    return request


# --- suspension ------------------------------------------------------------------------


@transaction.atomic
def officer_suspend(*, tenant: Tenant, officer: Officer, resume: bool = False) -> Officer:
    """Suspend an active appointment, or resume a suspended one."""
    officer = Officer.objects.for_tenant(tenant).select_for_update().get(pk=officer.pk)
    before, after = (
        (OfficerStatus.SUSPENDED, OfficerStatus.ACTIVE)
        if resume
        else (OfficerStatus.ACTIVE, OfficerStatus.SUSPENDED)
    )
    if officer.status != before:
        raise Conflict(_("Not allowed from the appointment's current status."))
    officer.status = after
    officer.save(update_fields=["status"])
    return officer


def officer_history(*, officer: Officer) -> list[dict]:
    """Appointment, replacement, disqualification, host changes, decided
    change requests: ``[{"date","what"}]`` oldest first."""
    renewals = list(officer.renewals.order_by("term_start", "id"))
    rows = [
        {
            "date": renewals[0].previous_start if renewals else officer.term_start,
            "what": _("Replaced %(name)s") % {"name": officer.replaces.full_name}
            if officer.replaces_id
            else _("Appointed"),
        }
    ]
    for renewal in renewals:
        rows.append(
            {
                "date": renewal.term_start,
                "what": _("Renewed for a new term (%(start)s – %(end)s)")
                % {"start": renewal.term_start, "end": renewal.term_end},
            }
        )
    if officer.end_reason:
        rows.append(
            {
                "date": officer.term_end,
                "what": _("Appointment ended (%(reason)s)")
                % {"reason": officer.get_end_reason_display()},
            }
        )
    if officer.filed_at:
        rows.append(
            {
                "date": timezone.localdate(officer.filed_at),
                "what": _("Replacement filed with the centre by %(who)s")
                % {"who": officer.filed_by.get_username() if officer.filed_by_id else "—"},
            }
        )
    for a in host_history(officer=officer).order_by("start", "id"):
        rows.append({"date": a.start, "what": _("Host: %(unit)s") % {"unit": a.unit.name}})
    for successor in officer.replaced_by.all():
        rows.append(
            {
                "date": successor.term_start,
                "what": _("Replaced by %(name)s") % {"name": successor.full_name},
            }
        )
    if officer.disqualified_on:
        rows.append({"date": officer.disqualified_on, "what": _("Disqualified")})
    for r in officer.change_requests.exclude(status=ChangeStatus.PENDING):
        rows.append(
            {
                "date": timezone.localdate(r.decided_at),
                "what": _("Change request (%(kind)s) %(status)s")
                % {"kind": r.get_kind_display(), "status": r.get_status_display()},
            }
        )
    return sorted(rows, key=lambda r: r["date"])
