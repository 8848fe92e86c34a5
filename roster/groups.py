"""Officer groups: pairs of city officers, the guidance group, district
working groups (SPEC.md §3). Services validate the programme's rules."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership

from .choices import GroupKind, OfficerStatus
from .eligibility import add_years
from .models import District, Officer, OfficerGroup, Unit

GUIDANCE_SIZE = 5
GUIDANCE_YEARS = 2


def group_list(*, membership: Membership) -> QuerySet[OfficerGroup]:
    return (
        OfficerGroup.objects.for_tenant(membership.tenant)
        .select_related("district", "leader", "deputy")
        .prefetch_related("members", "host_units")
        .order_by("kind", "name")
    )


@transaction.atomic
def group_create(
    *,
    membership: Membership,
    kind: str,
    formed_on: dt.date,
    name: str = "",
    members: list[Officer] = (),
    host_units: list[Unit] = (),
    leader: Officer | None = None,
    deputy: Officer | None = None,
    leader_name: str = "",
    district: District | None = None,
) -> OfficerGroup:
    """A group, checked against its kind's rules; admins only."""
    if membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the centre forms groups."))
    tenant = membership.tenant
    members, host_units = list(dict.fromkeys(members)), list(dict.fromkeys(host_units))
    objects = [*members, *host_units, *(o for o in (leader, deputy, district) if o)]
    if any(o.tenant_id != tenant.id for o in objects):
        raise ValidationError(_("Not found."))
    errors: dict[str, str] = {}
    until = None
    if kind == GroupKind.PAIR:
        if len(members) != 2 or any(m.category != "city" for m in members):
            errors["members"] = _("A pair is two city officers.")
        if len(host_units) != 2:
            errors["host_units"] = _("A pair covers two host institutions.")
        paired = (
            OfficerGroup.objects.for_tenant(tenant)
            .filter(kind=GroupKind.PAIR, members__in=members)
            .exists()
        )
        if paired:
            errors["members"] = _("An officer is already in a pair.")
    elif kind == GroupKind.GUIDANCE:
        if len(members) != GUIDANCE_SIZE:
            errors["members"] = _("The guidance group has %(n)d members.") % {"n": GUIDANCE_SIZE}
        if leader is None or leader not in members:
            errors["leader"] = _("Choose the leader among the members.")
        until = add_years(formed_on, GUIDANCE_YEARS) - dt.timedelta(days=1)
    elif kind == GroupKind.WORKING:
        if district is None:
            errors["district"] = _("A working group belongs to a district.")
        else:
            members = list(
                Officer.objects.for_tenant(tenant).filter(
                    district=district, status=OfficerStatus.ACTIVE
                )
            )
        if not leader_name.strip():
            errors["leader_name"] = _("Name the district staff member who leads the group.")
        if deputy is None or deputy.category != "city":
            errors["deputy"] = _("The deputy is a city officer.")
    else:
        errors["kind"] = _("Unknown kind of group.")
    if any(m.status != OfficerStatus.ACTIVE for m in members):
        errors.setdefault("members", _("Only active officers join a group."))
    if errors:
        raise ValidationError(errors)
    group = OfficerGroup.objects.create(
        tenant=tenant,
        kind=kind,
        name=name.strip() or GroupKind(kind).label,
        district=district,
        leader=leader,
        deputy=deputy,
        leader_name=leader_name.strip(),
        formed_on=formed_on,
        until=until,
    )
    group.members.set(members)
    group.host_units.set(host_units)
    return group
