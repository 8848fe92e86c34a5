"""A province-wide network (全省一张网): a province association's tenant links
the city tenants that opt in (SPEC.md §5b).

- :class:`Network` belongs to the province association's tenant (one each).
- :class:`NetworkMember` belongs to the *city* tenant it is about: its admin
  opts in and either side may end it; the province reads it through the
  network. A city programme is an active member of one network at most.
- :class:`PublishedItem` belongs to the publishing city tenant: one verified
  demand or achievement it chose to show the network. Nothing else of a
  member crosses the tenant boundary, except the aggregate figures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant, TenantOwnedModel

from .choices import MemberStatus


class Network(TenantOwnedModel):
    """The network a province association runs; ``tenant`` is the province's."""

    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("province network")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="network_one_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.name


class NetworkMember(TenantOwnedModel):
    """A city tenant (``tenant``) invited to or member of ``network``."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    status = models.CharField(
        _("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.INVITED
    )
    invited_at = models.DateTimeField(_("invited at"))
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("network member")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "network"], name="network_member_once"),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(status="active"),
                name="network_member_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MemberStatus.values),
                name="network_member_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} @ {self.network_id}"


class PublishedItem(TenantOwnedModel):
    """A verified demand or achievement of ``tenant`` published to ``network``."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="published")
    entry = models.ForeignKey(
        "ledgers.Entry", on_delete=models.CASCADE, related_name="network_publications"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("published item")
        constraints = [
            # with the tenant, as Citus needs (docs/SCALING.md); an entry is
            # its publisher's, so the rule is the same
            models.UniqueConstraint(
                fields=["tenant", "network", "entry"], name="published_item_once_tenant"
            ),
        ]
        indexes = [models.Index(fields=["network", "tenant"], name="published_network_tenant")]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.network_id}"


__all__ = ["Network", "NetworkMember", "PublishedItem", "Tenant"]
