"""The selection workflow (SPEC.md §4.1): rounds, nominations with the
nomination form's fields, every stage transition, public notices and the
objections the public files against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import Degree, TitleLevel
from accounts.models import TenantChildModel, TenantOwnedModel

from ..choices import Gender, ObjectionStatus, Stage
from .organisation import District, Officer, Unit


class SelectionRound(TenantOwnedModel):
    """A year's selection (年度增选 / 选派方案) for one officer category."""

    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=30)
    seats = models.PositiveIntegerField(_("seats"))
    notice_days = models.PositiveSmallIntegerField(_("public notice (working days)"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    deadline = models.DateField(_("nomination deadline"), null=True, blank=True)
    stages = models.JSONField(_("review stages"), default=list)
    # the category's chain, copied from the policy when the round opens
    notice = models.BooleanField(_("public notice before appointment"), default=True)
    self_nomination = models.BooleanField(_("self-nomination allowed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "-year", "category"]
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")

    def __str__(self) -> str:
        from liaison.words import stored_text

        return stored_text(self.title) or f"{self.year} {self.category}"


class Notice(TenantOwnedModel):
    """A public notice (公示) of a round's verified nominations."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("title"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["tenant", "-start", "-id"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="notice_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        from liaison.words import stored_text

        return stored_text(self.title)


class Nomination(TenantOwnedModel):
    """A person nominated (推荐) in a round, with the nomination form (推荐表)."""

    round = models.ForeignKey(
        SelectionRound,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("round"),
    )
    category = models.CharField(_("category"), max_length=30)
    full_name = models.CharField(_("full name"), max_length=100)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("unit")
    )
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("district"),
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    social_position = models.CharField(_("social position"), max_length=200, blank=True)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20)
    office_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    certificates = models.CharField(
        _("certificates"),
        max_length=200,
        blank=True,
        help_text=_("e.g. patent agent, technology broker"),
    )
    cv = models.TextField(_("curriculum vitae"), blank=True)
    # structured facts (API.md), read by the policy's eligibility rules
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, blank=True, choices=Gender.choices)
    degree = models.CharField(_("degree"), max_length=20, blank=True, choices=Degree.choices)
    title_level = models.CharField(
        _("title level"), max_length=20, blank=True, choices=TitleLevel.choices
    )
    employer_since = models.DateField(_("with the current employer since"), null=True, blank=True)
    park_years = models.PositiveSmallIntegerField(_("years of park work"), null=True, blank=True)
    integrity_record = models.BooleanField(_("integrity record in the last 3 years"), default=False)
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, default=Stage.DRAFT)
    warnings = models.JSONField(_("eligibility warnings"), default=list, blank=True)
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.SET_NULL, related_name="nominees"
    )
    officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "round", "id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [models.Index(fields=["tenant", "stage"], name="nomination_tenant_stage")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="nomination_stage_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=["", *Gender.values]), name="nomination_gender_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(degree__in=["", *Degree.values]), name="nomination_degree_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(title_level__in=["", *TitleLevel.values]),
                name="nomination_title_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def stage_label(self) -> str:
        """The stage by its name in the round's own chain (a review stage is
        named as the programme's document names it), else the generic name."""
        own = {s["code"]: s["label"] for s in self.round.stages}
        return own.get(self.stage) or self.get_stage_display()


class NominationTransition(TenantChildModel):
    """One step of a nomination: who, when, from, to, comment."""

    tenant_parent = "nomination"

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_stage = models.CharField(_("from"), max_length=30)
    to_stage = models.CharField(_("to"), max_length=30)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["nomination", "at", "id"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.from_stage} → {self.to_stage}"

    @property
    def comment_text(self) -> str:
        """The comment in the reader's language when the portal wrote it."""
        from liaison.words import stored_text

        return stored_text(self.comment)


class Objection(TenantOwnedModel):
    """An objection (异议) filed by anyone against a nominee on notice."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("name"), max_length=100, blank=True)
    contact = models.CharField(_("contact"), max_length=100)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "-created_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ObjectionStatus.values),
                name="objection_status_valid",
            ),
            # objection_resolve stamps who decided and when
            models.CheckConstraint(
                condition=models.Q(status=ObjectionStatus.OPEN)
                | models.Q(decided_at__isnull=False),
                name="objection_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} ({self.status})"
