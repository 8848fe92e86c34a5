"""Groups of officers (SPEC.md §3): city officers in pairs covering two host
institutions, the guidance group of five with a leader, and each district's
working group (its officers, a district-staff leader and a city deputy)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantOwnedModel

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
        Officer, related_name="officer_groups", verbose_name=_("members")
    )
    host_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("host institutions")
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
