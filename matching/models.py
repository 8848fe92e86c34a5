"""Stored suggestions of the matcher (:mod:`matching.engine`) and officers'
feedback on them. Rules live in ``services.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantOwnedModel
from ledgers.models import Entry, Reference

from .choices import MatchSource, Verdict

_ONE_COUNTERPART = Q(achievement__isnull=False, reference__isnull=True) | Q(
    achievement__isnull=True, reference__isnull=False
)


class _Suggestion(TenantOwnedModel):
    """What every stored suggestion holds: its score in [0, 1], the reasons
    as codes and parameters (``[{"code", "params"}]``) and when."""

    score = models.DecimalField(_("score"), max_digits=5, decimal_places=4)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        abstract = True


class Match(_Suggestion):
    """A suggested pair: a demand and an achievement (or an expert or
    platform of the reference libraries), with its score in [0, 1] and the
    reasons as codes and parameters (``[{"code", "params"}]``). ``source``
    says which side it was computed for: the demand's top 10 and the
    achievement's top 10 are kept apart, since each is ranked among its own
    candidates."""

    source = models.CharField(_("computed for"), max_length=20, choices=MatchSource.choices)
    demand = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("demand")
    )
    achievement = models.ForeignKey(
        Entry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("achievement"),
    )
    reference = models.ForeignKey(
        Reference,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("expert or platform"),
    )

    class Meta:
        ordering = ["tenant", "source", "-score", "id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        indexes = [
            models.Index(fields=["tenant", "source", "demand"], name="match_tenant_demand"),
            models.Index(
                fields=["tenant", "source", "achievement"], name="match_tenant_achievement"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "source", "demand", "achievement"],
                condition=Q(achievement__isnull=False),
                name="match_unique_achievement_pair",
            ),
            models.UniqueConstraint(
                fields=["tenant", "source", "demand", "reference"],
                condition=Q(reference__isnull=False),
                name="match_unique_reference_pair",
            ),
            models.CheckConstraint(condition=_ONE_COUNTERPART, name="match_one_counterpart"),
            models.CheckConstraint(
                condition=Q(source__in=MatchSource.values), name="match_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="match_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} ↔ {self.achievement_id or self.reference_id} ({self.score})"


class _Feedback(TenantOwnedModel):
    """What every verdict on a suggestion holds: the verdict, who and when."""

    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        abstract = True


class MatchFeedback(_Feedback):
    """An officer's verdict on a pair: "not relevant" keeps the pair out of
    the suggestions of both sides from then on."""

    demand = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("demand")
    )
    achievement = models.ForeignKey(
        Entry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("achievement"),
    )
    reference = models.ForeignKey(
        Reference,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("expert or platform"),
    )

    class Meta:
        ordering = ["tenant", "-at", "id"]
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "demand", "achievement"],
                condition=Q(achievement__isnull=False),
                name="matchfeedback_unique_achievement_pair",
            ),
            models.UniqueConstraint(
                fields=["tenant", "demand", "reference"],
                condition=Q(reference__isnull=False),
                name="matchfeedback_unique_reference_pair",
            ),
            models.CheckConstraint(
                condition=_ONE_COUNTERPART, name="matchfeedback_one_counterpart"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="matchfeedback_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} ↔ {self.achievement_id or self.reference_id}: {self.verdict}"


class MatchRun(TenantOwnedModel):
    """When an entry's suggestions were last computed, and among how many
    candidates: an entry without a run has never been matched."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry")
    )
    computed_at = models.DateTimeField(_("computed at"))
    candidates = models.PositiveIntegerField(_("candidates"), default=0)

    class Meta:
        ordering = ["tenant", "-computed_at"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "entry"], name="matchrun_unique_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} @ {self.computed_at}"


class NetworkMatch(_Suggestion):
    """A suggestion from the province network (SPEC.md §5b): one of the
    tenant's own demands or achievements (``entry``) and an item another
    member published (``published``: the other tenant's row, which is all
    that crosses the boundary). Stored beside :class:`Match` with a top ten
    of its own (network items come and go; they never crowd out local
    suggestions); the API merges both lists best first. Shown only while the
    item is still published and both tenants are active members."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry")
    )
    published = models.ForeignKey(
        "network.PublishedItem",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("published item"),
    )

    class Meta:
        ordering = ["tenant", "-score", "id"]
        verbose_name = _("network match")
        verbose_name_plural = _("network matches")
        indexes = [
            models.Index(fields=["tenant", "entry"], name="networkmatch_tenant_entry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "entry", "published"], name="networkmatch_unique_pair"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="networkmatch_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} ↔ network {self.published_id} ({self.score})"


class NetworkFeedback(_Feedback):
    """An officer's verdict on a suggestion from the province network: one
    of the tenant's own entries and an item another member published. "Not
    relevant" keeps the item out of that entry's network suggestions from
    then on (the other member's lists are theirs to judge)."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry")
    )
    published = models.ForeignKey(
        "network.PublishedItem",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("published item"),
    )

    class Meta:
        ordering = ["tenant", "-at", "id"]
        verbose_name = _("network match feedback")
        verbose_name_plural = _("network match feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "entry", "published"], name="networkfeedback_unique_pair"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="networkfeedback_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} ↔ network {self.published_id}: {self.verdict}"
