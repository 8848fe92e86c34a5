"""Host assignments (派驻单位 / 服务对象) and change requests (调整申请).

SPEC.md §4.2. What the documents say:

- Wuhan (000) 第八条（一）: city officers rotate after two years at a
  university host (原则上联络员派驻高校满两年轮岗一次) — ``rotation_years``,
  counted from the start of the current host assignment.
- Wuhan (000) 第八条（四）: a city officer's dispatching unit files a change
  request (派出单位提出调整申请), the centre decides (报局党组审定);
  a district officer's seat is filled by the district, filed with the centre
  (另行选派人员接替并报转化中心备案).
- Yangquan (001) 第十三条（四）: every commissioner serves at least one host
  (每名科技特派员需对接至少1个服务对象); 第十五条（二）: a change is asked
  for in writing by the commissioner or the host (由科技特派员或派驻单位
  提出书面申请) and approved by the bureau (市科学技术局进行审批);
  第十一条: changes of host, tasks or people are reported to the bureau.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantOwnedModel

from ..choices import ChangeKind, ChangeStatus


class HostAssignment(TenantOwnedModel):
    """An officer at a host from ``start`` until ``end`` (open while current)."""

    officer = models.ForeignKey(
        "roster.Officer",
        on_delete=models.CASCADE,
        related_name="host_assignments",
        verbose_name=_("officer"),
    )
    unit = models.ForeignKey(
        "roster.Unit",
        on_delete=models.PROTECT,
        related_name="host_assignments",
        verbose_name=_("host"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "officer", "start", "id"]
        verbose_name = _("host assignment")
        verbose_name_plural = _("host assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="hostassignment_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} @ {self.unit_id} from {self.start}"


class ChangeRequest(TenantOwnedModel):
    """A change request (调整申请) about an officer, decided by the centre."""

    officer = models.ForeignKey(
        "roster.Officer",
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("officer"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    reason = models.TextField(_("reason"))
    unit = models.ForeignKey(
        "roster.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed unit"),
    )
    proposed_on = models.DateField(_("proposed date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_as = models.CharField(_("filed as"), max_length=20)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["tenant", "-filed_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ChangeKind.values), name="changerequest_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ChangeStatus.values),
                name="changerequest_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.officer_id} ({self.status})"
