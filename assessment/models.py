"""The annual assessment's rows (SPEC.md §6a, API.md "Annual assessment").

The engine (``scoring.engine.assessment``) proposes each officer's grade from
facts gathered here and elsewhere (points, quotas, duties); the centre sets
grades with a reason and finalises the year, which freezes every row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantOwnedModel

from .choices import MarkKind, RaterKind, YearStatus


class RatingRequest(TenantOwnedModel):
    """A one-time link asking a host, an enterprise or a district office to
    rate one officer for one year. Only the SHA-256 digest of the token is
    stored: the link is shown once, when the request is made."""

    officer = models.ForeignKey(
        "roster.Officer", on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rater_kind = models.CharField(_("rater kind"), max_length=20, choices=RaterKind.choices)
    rater_name = models.CharField(_("rater"), max_length=200)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_on = models.DateField(_("expires on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating request")
        verbose_name_plural = _("rating requests")
        indexes = [
            models.Index(fields=["tenant", "year", "officer"], name="ratingrequest_year_officer")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rater_kind__in=RaterKind.values),
                name="ratingrequest_rater_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rater_name} → {self.officer_id} ({self.year})"


class Rating(TenantOwnedModel):
    """The answer to a rating request: 1..5 per criterion of the policy and a
    comment. One per request (a second answer is refused)."""

    request = models.OneToOneField(
        RatingRequest, on_delete=models.PROTECT, related_name="rating", verbose_name=_("request")
    )
    scores = models.JSONField(_("scores"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.scores}"


class DistrictOpinion(TenantOwnedModel):
    """The district's (county's) opinion of an officer's year: a level code of
    the policy's ``district_opinion`` component."""

    officer = models.ForeignKey(
        "roster.Officer", on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("opinion"), max_length=40)
    comment = models.TextField(_("comment"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"), auto_now=True)

    class Meta:
        verbose_name = _("district opinion")
        verbose_name_plural = _("district opinions")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "officer", "year"], name="districtopinion_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.year}: {self.level}"


class AssessmentMark(TenantOwnedModel):
    """A fact of the year that vetoes a grade: a research-integrity record or
    a discipline violation (Wuhan 000 第二十二条)."""

    officer = models.ForeignKey(
        "roster.Officer", on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=30, choices=MarkKind.choices)
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment mark")
        verbose_name_plural = _("assessment marks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MarkKind.values), name="assessmentmark_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.year}: {self.kind}"


class AssessmentYear(TenantOwnedModel):
    """One year's assessment of a tenant: draft until the centre finalises it."""

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=YearStatus.choices, default=YearStatus.DRAFT
    )
    finalized_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year"], name="assessmentyear_unique"),
            models.CheckConstraint(
                condition=models.Q(status="draft", finalized_at__isnull=True)
                | models.Q(status="final", finalized_at__isnull=False),
                name="assessmentyear_final_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.status})"


class GradeDecision(TenantOwnedModel):
    """The centre's grade for an officer's year, with its reason (the
    proposal stands where there is none). The latest one counts; earlier
    ones stay as the record."""

    officer = models.ForeignKey(
        "roster.Officer", on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=40)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grade decision")
        verbose_name_plural = _("grade decisions")
        indexes = [
            models.Index(fields=["tenant", "year", "officer"], name="gradedecision_year_officer")
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.year}: {self.grade}"


class AssessmentResult(TenantOwnedModel):
    """A finalised year's row, frozen: what the engine proposed, the grade in
    force, the score, components and reasons as they stood."""

    assessment_year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="results"
    )
    officer = models.ForeignKey(
        "roster.Officer", on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    score = models.CharField(_("score"), max_length=60)  # exact: "171/2"
    components = models.JSONField(_("components"))
    proposed_grade = models.CharField(_("proposed grade"), max_length=40)
    grade = models.CharField(_("grade"), max_length=40)
    reasons = models.JSONField(_("reasons"))

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        constraints = [
            # with the tenant, as Citus needs (docs/SCALING.md); a year and an
            # officer are one tenant's, so the rule is the same
            models.UniqueConstraint(
                fields=["tenant", "assessment_year", "officer"],
                name="assessmentresult_unique_tenant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer_id}: {self.grade}"
