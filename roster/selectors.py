"""Reads of the roster app, scoped to a tenant and to the caller's reach.

District reach (django-guardian) is applied after the tenant filter, never
instead of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from accounts.choices import Role
from accounts.models import Membership, Tenant
from accounts.selectors import policy_in_force

from .eligibility import add_years
from .models import (
    District,
    DistrictUserObjectPermission,
    HostAssignment,
    Officer,
    OfficerRenewal,
    Unit,
    UnitUserObjectPermission,
)

MANAGE_DISTRICT = "roster.manage_district"
REVIEW_UNIT = "roster.review_unit"


def district_list(*, tenant: Tenant) -> QuerySet[District]:
    return District.objects.for_tenant(tenant).order_by("code")


def unit_list(*, tenant: Tenant) -> QuerySet[Unit]:
    return Unit.objects.for_tenant(tenant).select_related("district").order_by("name")


def districts_in_reach(*, membership: Membership) -> QuerySet[District]:
    """Districts whose officers and entries the member manages: every district
    for admins and auditors, the granted ones for district managers, none
    for the other roles."""
    districts = district_list(tenant=membership.tenant)
    if membership.reads_all:
        return districts
    if membership.role == Role.DISTRICT_MANAGER:
        return get_objects_for_user(
            membership.user,
            MANAGE_DISTRICT,
            klass=districts,
            accept_global_perms=False,
            with_superuser=False,
        )
    return districts.none()


def units_in_reach(*, membership: Membership) -> QuerySet[Unit]:
    """Units whose nominations the member reviews (unit reviewers: the granted ones)."""
    units = unit_list(tenant=membership.tenant)
    if membership.reads_all:
        return units
    if membership.role == Role.UNIT_REVIEWER:
        return get_objects_for_user(
            membership.user,
            REVIEW_UNIT,
            klass=units,
            accept_global_perms=False,
            with_superuser=False,
        )
    return units.none()


def district_choices(*, membership: Membership) -> QuerySet[District]:
    """The districts a list page's filter offers (issue 14 "Lists"): only
    those whose rows the member can see: every district for admins and
    auditors, a district manager's granted ones, the districts of a unit
    reviewer's units; none for officers."""
    if membership.role == Role.UNIT_REVIEWER:
        return district_list(tenant=membership.tenant).filter(
            pk__in=units_in_reach(membership=membership).values("district_id")
        )
    return districts_in_reach(membership=membership)


#: the roster's order (issue 16 lists: no join, the ``officer_list_order`` index)
OFFICER_ORDER = ("category", "district_id", "full_name", "id")


def officer_list(*, membership: Membership) -> QuerySet[Officer]:
    """Officers the member can see: all for admins and auditors, their
    districts' for district managers, their units' for unit reviewers, and
    an officer's own appointments."""
    officers = (
        Officer.objects.for_tenant(membership.tenant)
        .select_related("district", "unit", "user")
        .order_by(*OFFICER_ORDER)
    )
    if membership.reads_all:
        return officers
    if membership.role == Role.DISTRICT_MANAGER:
        return officers.filter(district__in=districts_in_reach(membership=membership))
    if membership.role == Role.UNIT_REVIEWER:
        return officers.filter(unit__in=units_in_reach(membership=membership))
    if membership.role == Role.OFFICER:
        return officers.filter(user=membership.user)
    return officers.none()


class MemberGrants:
    """The districts and units granted to the members of a tenant, loaded in
    two queries on first use (so a list of members costs no query per row)."""

    def __init__(self, *, tenant: Tenant) -> None:
        self.tenant = tenant
        self._districts: dict[int, list[str]] | None = None
        self._district_names: dict[int, list[str]] = {}
        self._units: dict[int, list[int]] | None = None

    def _load(self) -> None:
        self._districts, self._units = {}, {}
        for user_id, code, name in (
            DistrictUserObjectPermission.objects.filter(
                content_object__tenant=self.tenant, permission__codename="manage_district"
            )
            .order_by("content_object__code")
            .values_list("user_id", "content_object__code", "content_object__name")
        ):
            self._districts.setdefault(user_id, []).append(code)
            self._district_names.setdefault(user_id, []).append(name)
        for user_id, unit_id in (
            UnitUserObjectPermission.objects.filter(
                content_object__tenant=self.tenant, permission__codename="review_unit"
            )
            .order_by("content_object_id")
            .values_list("user_id", "content_object_id")
        ):
            self._units.setdefault(user_id, []).append(unit_id)

    def districts(self, user_id: int) -> list[str]:
        if self._districts is None:
            self._load()
        return self._districts.get(user_id, [])

    def district_names(self, user_id: int) -> list[str]:
        """The names of the member's districts (pages show names, the API codes)."""
        if self._districts is None:
            self._load()
        return self._district_names.get(user_id, [])

    def units(self, user_id: int) -> list[int]:
        if self._units is None:
            self._load()
        return self._units.get(user_id, [])


def home_summary(*, membership: Membership) -> dict:
    """Counts shown on a role's home page, limited to the member's reach."""
    tenant = membership.tenant
    officers = officer_list(membership=membership)
    active = officers.filter(status="active")
    labels = policy_in_force(tenant=tenant).category_labels
    counts = dict(active.order_by().values_list("category").annotate(n=models.Count("id")))
    summary = {
        "officers_active": sum(counts.values()),
        "officers_by_category": {labels.get(code, code): n for code, n in counts.items()},
    }
    if membership.reads_all:
        summary.update(
            districts=district_list(tenant=tenant).count(),
            units=unit_list(tenant=tenant).count(),
            members=Membership.objects.for_tenant(tenant).filter(is_active=True).count(),
        )
    elif membership.role == Role.DISTRICT_MANAGER:
        summary["my_districts"] = list(districts_in_reach(membership=membership))
    elif membership.role == Role.UNIT_REVIEWER:
        summary["my_units"] = list(units_in_reach(membership=membership))
    elif membership.role == Role.OFFICER:
        summary["my_appointments"] = list(officers)
        for officer in summary["my_appointments"]:
            officer.category_label = labels.get(officer.category, officer.category)
    return summary


def officers_appointed(*, tenant: Tenant, start: dt.date, end: dt.date) -> QuerySet[Officer]:
    """Officers who held an appointment between ``start`` and ``end``: a term
    overlapping the period, not disqualified before it (the rule of the
    rankings, the stored shares and the quota reports)."""
    # a renewed appointment also served its earlier terms
    renewed = OfficerRenewal.objects.filter(
        tenant=tenant, previous_start__lte=end, previous_end__gte=start
    ).values("officer_id")
    return (
        Officer.objects.for_tenant(tenant)
        .filter(Q(term_start__lte=end, term_end__gte=start) | Q(id__in=renewed))
        .exclude(status="disqualified", disqualified_on__lt=start)
    )


def earlier_terms(*, among) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Officer id → the earlier terms their renewals kept
    (:class:`OfficerRenewal`), oldest first, for the renewed officers among
    ``among`` (ids, or a queryset of officers read as a subquery: thousands
    of officers); officers never renewed are absent. One query."""
    ids = among.values("id") if isinstance(among, QuerySet) else list(among)
    out: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for officer_id, start, end in (
        OfficerRenewal.objects.filter(officer_id__in=ids)
        .order_by("officer_id", "previous_start", "id")
        .values_list("officer_id", "previous_start", "previous_end")
    ):
        out.setdefault(officer_id, []).append((start, end))
    return out


def terms_served(
    *, officers: list[Officer], among: QuerySet[Officer] | None = None
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Officer id → every term the appointment has held, oldest first: the
    earlier terms a renewal kept (:func:`earlier_terms`) and the current
    one (an open end as ``date.max``). One query. ``among``: a queryset of
    (at least) these officers, read as a subquery instead of a list of ids
    (thousands of officers)."""
    earlier = earlier_terms(among=[o.id for o in officers] if among is None else among)
    return {
        o.id: [*earlier.get(o.id, ()), (o.term_start, o.term_end or dt.date.max)] for o in officers
    }


def rotation_due(
    *, officers: QuerySet[Officer], rotation_years: int | None, on: dt.date
) -> QuerySet[Officer]:
    """Active officers whose current host assignment started ``rotation_years``
    or more before ``on`` (轮岗, wuhan 第八条（一）), annotated with
    ``host_since`` and ``host_unit_name``. None when the policy has no rotation."""
    if not rotation_years:
        return officers.none()
    current = (
        HostAssignment.objects.filter(officer=OuterRef("pk"), start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .order_by("-start", "-id")
    )
    cutoff = add_years(on, -rotation_years)
    return (
        officers.filter(status="active", term_start__lte=on, term_end__gte=on)
        .annotate(
            host_since=Subquery(current.values("start")[:1]),
            host_unit_id=Subquery(current.values("unit_id")[:1]),
            host_unit_name=Subquery(current.values("unit__name")[:1]),
        )
        .filter(host_since__lte=cutoff)
        .order_by("host_since", "full_name", "id")
    )


def terms_ending(*, officers: QuerySet[Officer], on: dt.date, days: int = 30) -> QuerySet[Officer]:
    """Active appointments whose term ends within ``days``."""
    return officers.filter(
        status="active", term_end__gte=on, term_end__lte=on + dt.timedelta(days=days)
    )


#: Other activity of officers for the dormant check: callables
#: ``(officers, since) → officer ids active since`` (a query of ids or a
#: set); apps above the roster register theirs in ``AppConfig.ready`` (the
#: duties: a plan or report handed in), so no import runs upward.
ACTIVITY_SOURCES: list[Callable[[QuerySet[Officer], dt.datetime], Iterable[int]]] = []


def dormant(*, officers: QuerySet[Officer], on: dt.date, days: int) -> QuerySet[Officer]:
    """Active officers (in office for ``days`` at least) with no entry
    submitted in the last ``days`` days and no other activity of
    :data:`ACTIVITY_SOURCES` (僵尸联络员)."""
    from ledgers.models import Credit

    since = timezone.make_aware(dt.datetime.combine(on - dt.timedelta(days=days), dt.time()))
    in_office = officers.filter(
        status="active", term_start__lte=on - dt.timedelta(days=days), term_end__gte=on
    )
    recent = Credit.objects.filter(
        officer__in=in_office.values("id"), entry__submitted_at__gte=since
    ).values("officer_id")
    out = in_office.exclude(id__in=recent)
    for source in ACTIVITY_SOURCES:
        out = out.exclude(id__in=source(in_office, since))
    return out


def roster_changes(*, tenant: Tenant, start: dt.date, end: dt.date) -> list[dict]:
    """The roster changes of a period, for the public quarterly list
    (人员调整名单): appointments, replacements and disqualifications, with
    names, units, categories and districts only. A renewed appointment
    shows its first appointment and each renewal (``renewed``)."""
    labels = policy_in_force(tenant=tenant).category_labels
    officers = Officer.objects.for_tenant(tenant).select_related("district", "unit", "replaces")

    def row(officer: Officer, change: str, day: dt.date) -> dict:
        return {
            "change": change,
            "date": day,
            "full_name": officer.full_name,
            "category": labels.get(officer.category, officer.category),
            "district": officer.district.name if officer.district_id else "",
            "unit": officer.unit.name if officer.unit_id else "",
            "replaces": officer.replaces.full_name if officer.replaces_id else "",
        }

    # a renewed appointment began on its first renewal's earlier term, and
    # each renewal is a change of its own (续任)
    first_start = (
        OfficerRenewal.objects.filter(officer_id=OuterRef("pk"))
        .order_by("previous_start", "id")
        .values("previous_start")[:1]
    )
    appointed = officers.annotate(began=Coalesce(Subquery(first_start), F("term_start"))).filter(
        began__range=(start, end)
    )
    rows = [row(o, "replaced" if o.replaces_id else "appointed", o.began) for o in appointed]
    renewals = (
        OfficerRenewal.objects.for_tenant(tenant)
        .filter(term_start__range=(start, end))
        .select_related("officer", "officer__district", "officer__unit", "officer__replaces")
    )
    rows += [row(r.officer, "renewed", r.term_start) for r in renewals]
    rows += [
        row(o, "disqualified", o.disqualified_on)
        for o in officers.filter(disqualified_on__range=(start, end))
    ]
    return sorted(rows, key=lambda r: (r["date"], r["full_name"]))


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """``"2026Q1"`` → (2026-01-01, 2026-03-31); ValueError when malformed."""
    year, _, number = quarter.upper().partition("Q")
    q = int(number)
    if not 1 <= q <= 4 or not 2000 <= int(year) <= 2099:
        raise ValueError(quarter)
    start = dt.date(int(year), 3 * q - 2, 1)
    end = dt.date(int(year) + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end
