"""Reads of the roster app, scoped to a tenant and to the caller's reach.

District reach (django-guardian) is applied after the tenant filter, never
instead of it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from accounts.choices import Role
from accounts.models import Membership, Tenant
from accounts.selectors import policy_in_force

from .models import District, DistrictUserObjectPermission, Officer, Unit, UnitUserObjectPermission

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


def officer_list(*, membership: Membership) -> QuerySet[Officer]:
    """Officers the member can see: all for admins and auditors, their
    districts' for district managers, their units' for unit reviewers, and
    an officer's own appointments."""
    officers = (
        Officer.objects.for_tenant(membership.tenant)
        .select_related("district", "unit", "user")
        .order_by("category", "district__code", "full_name", "id")
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
        self._units: dict[int, list[int]] | None = None

    def _load(self) -> None:
        self._districts, self._units = {}, {}
        for user_id, code in (
            DistrictUserObjectPermission.objects.filter(
                content_object__tenant=self.tenant, permission__codename="manage_district"
            )
            .order_by("content_object__code")
            .values_list("user_id", "content_object__code")
        ):
            self._districts.setdefault(user_id, []).append(code)
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

    def units(self, user_id: int) -> list[int]:
        if self._units is None:
            self._load()
        return self._units.get(user_id, [])


def home_summary(*, membership: Membership) -> dict:
    """Counts shown on a role's home page, limited to the member's reach."""
    tenant = membership.tenant
    officers = officer_list(membership=membership)
    active = officers.filter(status="active")
    labels = {c["code"]: c["label"] for c in policy_in_force(tenant=tenant).rules["categories"]}
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
