"""Groups of officers (SPEC.md §3): city officers in pairs covering two host
institutions, the guidance group of five with a leader, and each district's
working group (its officers, a district-staff leader and a city deputy)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantChildModel, TenantOwnedModel

from ..choices import GroupKind
from .organisation import District, Officer, Unit


class OfficerGroup(TenantOwnedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="groups",
        verbose_name=_("district"),
    )
    members = models.ManyToManyField(
        Officer,
        through="OfficerGroup_members",
        related_name="officer_groups",
        verbose_name=_("members"),
    )
    host_units = models.ManyToManyField(
        Unit,
        blank=True,
        through="OfficerGroup_host_units",
        related_name="+",
        verbose_name=_("host institutions"),
    )
    leader = models.ForeignKey(
        Officer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("leader"),
    )
    leader_name = models.CharField(_("leader (district staff)"), max_length=100, blank=True)
    deputy = models.ForeignKey(
        Officer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deputy"),
    )
    formed_on = models.DateField(_("formed on"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["tenant", "kind", "name"]
        verbose_name = _("officer group")
        verbose_name_plural = _("officer groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=GroupKind.values), name="officergroup_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("formed_on")),
                name="officergroup_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OfficerGroup_members(TenantChildModel):
    """A group's member (``OfficerGroup.members``).
    Django made this table for the many-to-many field; it is declared to
    carry the tenant (docs/SCALING.md), under the name Django gave it, so the
    tenant export's files and the audit log's object types keep theirs."""

    tenant_parent = "officergroup"

    officergroup = models.ForeignKey(OfficerGroup, on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "roster_officergroup_members"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "officergroup", "officer"],
                name="officergroup_member_unique_tenant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officergroup_id} → {self.officer_id}"


class OfficerGroup_host_units(TenantChildModel):
    """A group's host institution (``OfficerGroup.host_units``).
    Django made this table for the many-to-many field; it is declared to
    carry the tenant (docs/SCALING.md), under the name Django gave it, so the
    tenant export's files and the audit log's object types keep theirs."""

    tenant_parent = "officergroup"

    officergroup = models.ForeignKey(OfficerGroup, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "roster_officergroup_host_units"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "officergroup", "unit"],
                name="officergroup_host_unit_unique_tenant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officergroup_id} → {self.unit_id}"
