"""Organisation (districts, units) and the officer roster.

District managers' reach is granted per district with django-guardian
(direct-FK permission rows), and unit reviewers' per unit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from accounts.models import TenantChildModel, TenantOwnedModel

from ..choices import EndReason, OfficerStatus, UnitKind


class District(TenantOwnedModel):
    """A unit of management (区 / 县 / park) with its own managers."""

    code = models.SlugField(_("code"), max_length=30, allow_unicode=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["tenant", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        permissions = [("manage_district", _("Manage the district's officers and entries"))]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="district_unique_code"),
            models.UniqueConstraint(fields=["tenant", "name"], name="district_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(TenantOwnedModel):
    """A dispatching unit (派出单位) or host (派驻单位)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("district"),
    )

    class Meta:
        ordering = ["tenant", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        permissions = [("review_unit", _("Review nominations from the unit"))]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="unit_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind__in=UnitKind.values), name="unit_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DistrictUserObjectPermission(UserObjectPermissionBase, TenantChildModel):
    """Guardian's direct-FK permission rows for districts. Guardian's manager
    and save() come first; the tenant is the district's (docs/SCALING.md)."""

    tenant_parent = "content_object"

    content_object = models.ForeignKey(District, on_delete=models.CASCADE)

    class Meta:
        # guardian's (user, permission, content_object), with the tenant
        unique_together = ()
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "permission", "content_object"],
                name="district_grant_unique_tenant",
            )
        ]


class UnitUserObjectPermission(UserObjectPermissionBase, TenantChildModel):
    """Guardian's direct-FK permission rows for units (tenant: the unit's)."""

    tenant_parent = "content_object"

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta:
        unique_together = ()
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "permission", "content_object"],
                name="unit_grant_unique_tenant",
            )
        ]


class Officer(TenantOwnedModel):
    """An officer's appointment in a tenant: category, district, term, status.

    One person holds at most one active appointment per tenant.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer_appointments",
        verbose_name=_("login"),
    )
    full_name = models.CharField(_("full name"), max_length=100)
    category = models.CharField(_("category"), max_length=30)
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("district"),
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatched_officers",
        verbose_name=_("dispatching unit"),
    )
    host_units = models.ManyToManyField(
        Unit,
        blank=True,
        through="Officer_host_units",
        related_name="hosted_officers",
        verbose_name=_("host units"),
    )
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    status = models.CharField(
        _("status"), max_length=20, choices=OfficerStatus.choices, default=OfficerStatus.ACTIVE
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    disqualification_reason = models.CharField(
        _("disqualification reason"), max_length=50, blank=True
    )
    disqualified_on = models.DateField(_("disqualified on"), null=True, blank=True)
    disqualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # a replacement filed with the centre (报中心备案, wuhan 第八条（四）)
    filed_at = models.DateTimeField(_("filed with the centre at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # how the appointment ended early (change request approved, replacement)
    end_reason = models.CharField(
        _("ended as"), max_length=20, blank=True, choices=EndReason.choices
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        # issue 16 lists: no join for ordering (``tenant`` and
        # ``district__code`` sorted the whole roster through two joins);
        # the index below serves this order.
        ordering = ["tenant_id", "category", "district_id", "full_name", "id"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        indexes = [
            models.Index(
                fields=["tenant", "category", "district", "full_name", "id"],
                name="officer_list_order",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user"],
                condition=models.Q(status="active"),
                name="officer_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(term_end__gte=models.F("term_start")),
                name="officer_term_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OfficerStatus.values), name="officer_status_valid"
            ),
            # officer_disqualify always stamps the day the disqualification runs from
            models.CheckConstraint(
                condition=~models.Q(status=OfficerStatus.DISQUALIFIED)
                | models.Q(disqualified_on__isnull=False),
                name="officer_disqualified_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Officer_host_units(TenantChildModel):
    """An officer's host unit (``Officer.host_units``).
    Django made this table for the many-to-many field; it is declared to
    carry the tenant (docs/SCALING.md), under the name Django gave it, so the
    tenant export's files and the audit log's object types keep theirs."""

    tenant_parent = "officer"

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "roster_officer_host_units"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "officer", "unit"], name="officer_host_unit_unique_tenant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} → {self.unit_id}"


class OfficerRenewal(TenantOwnedModel):
    """A renewal (续任 / 再次申报) of an appointment by a nomination that named
    the officer: the term the appointment had before and the new one. The
    earlier terms stay counted as served (rankings, shares, quota reports)."""

    officer = models.ForeignKey(
        Officer, on_delete=models.CASCADE, related_name="renewals", verbose_name=_("officer")
    )
    nomination = models.OneToOneField(
        "roster.Nomination",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal",
        verbose_name=_("nomination"),
    )
    previous_start = models.DateField(_("previous term start"))
    previous_end = models.DateField(_("previous term end"))
    previous_status = models.CharField(
        _("previous status"), max_length=20, choices=OfficerStatus.choices
    )
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    renewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "officer", "term_start", "id"]
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(previous_end__gte=models.F("previous_start"))
                & models.Q(term_end__gte=models.F("term_start")),
                name="officerrenewal_terms_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} renewed {self.term_start}–{self.term_end}"
