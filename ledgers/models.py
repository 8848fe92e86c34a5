"""Activity ledgers (台账): entries of six kinds, the officers they credit,
evidence, a complete history, and the reference libraries entries link to.

One table holds every kind, so that scoring reads one table; kind-specific
columns are empty for the other kinds. Rules live in ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantChildModel, TenantOwnedModel
from roster.models import District, Officer

from .choices import (
    ConversionMode,
    EntryAction,
    EntryKind,
    EntryStatus,
    EventType,
    Library,
    Maturity,
    VideoPlatform,
)


class Reference(TenantOwnedModel):
    """A row of a reference library: an expert or team, an enterprise, an
    innovation platform, a project, an investment institution or an
    intermediary."""

    library = models.CharField(_("library"), max_length=20, choices=Library.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=100, blank=True)
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("district"),
    )
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "library", "name"]
        verbose_name = _("reference")
        verbose_name_plural = _("reference libraries")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "library", "name"], name="reference_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(library__in=Library.values), name="reference_library_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Entry(TenantOwnedModel):
    """One ledger entry. Only verified entries score."""

    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    occurred_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    officers = models.ManyToManyField(
        Officer, through="Credit", related_name="entries", verbose_name=_("credited officers")
    )
    summary = models.TextField(_("summary"), blank=True)
    field = models.CharField(_("field"), max_length=100, blank=True)
    # achievement
    expert = models.ForeignKey(
        Reference,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("expert or team"),
    )
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    maturity = models.CharField(_("maturity"), max_length=20, choices=Maturity.choices, blank=True)
    # demand and conversion
    enterprise = models.ForeignKey(
        Reference,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    budget = models.DecimalField(
        _("budget (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    is_valid = models.BooleanField(_("valid demand"), default=True)
    # matchmaking event
    event_type = models.CharField(
        _("event type"), max_length=30, choices=EventType.choices, blank=True
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    matched = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        through="Entry_matched",
        through_fields=("from_entry", "to_entry"),
        related_name="matched_in",
        verbose_name=_("achievements and demands matched"),
    )
    # conversion
    achievement = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conversions",
        verbose_name=_("achievement"),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=ConversionMode.choices, blank=True)
    contract_amount = models.DecimalField(
        _("contract amount (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    registration_no = models.CharField(
        _("technology-contract registration number"), max_length=60, blank=True
    )
    # typical case
    conversion = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("conversion"),
    )
    # short video
    platform = models.CharField(
        _("platform"), max_length=30, choices=VideoPlatform.choices, blank=True
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    # review
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("likely duplicate of"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # PROTECT: a verified entry always names its verifier (entry_verified_has_verifier)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        # issue 16 lists: ``tenant_id``, not ``tenant`` (which orders by the
        # tenant's slug through a join, so every page sorted the whole
        # ledger); each list's filters lead an index that ends in this order.
        ordering = ["tenant_id", "-occurred_on", "-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            # a kind's list (API ``achievements/`` …), newest first
            models.Index(
                fields=["tenant", "kind", "occurred_on", "id"], name="entry_list_kind_date"
            ),
            # the same filtered by status
            models.Index(
                fields=["tenant", "kind", "status", "occurred_on", "id"],
                name="entry_list_kind_status_date",
            ),
            models.Index(
                fields=["tenant", "status", "occurred_on"], name="entry_tenant_status_date"
            ),
            # the review queue: submitted entries, oldest submission first
            models.Index(
                fields=["tenant", "submitted_at", "id"],
                condition=models.Q(status="submitted"),
                name="entry_review_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EntryKind.values), name="entry_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=EntryStatus.values), name="entry_status_valid"
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{column}__in": [*choices.values, ""]}),
                    name=f"entry_{column}_valid",
                )
                for column, choices in (
                    ("maturity", Maturity),
                    ("event_type", EventType),
                    ("mode", ConversionMode),
                    ("platform", VideoPlatform),
                )
            ),
            # the states the transition services stamp (ledgers.services.transitions)
            models.CheckConstraint(
                condition=~models.Q(status=EntryStatus.VERIFIED)
                | models.Q(verified_by__isnull=False, verified_at__isnull=False),
                name="entry_verified_has_verifier",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EntryStatus.RETURNED) | ~models.Q(return_reason=""),
                name="entry_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status=EntryStatus.DRAFT) | models.Q(submitted_at__isnull=False),
                name="entry_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="entry_budget_non_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(contract_amount__isnull=True) | models.Q(contract_amount__gte=0),
                name="entry_contract_amount_non_negative",
                violation_error_message=_("The contract amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Entry_matched(TenantChildModel):
    """A pair of an entry and an entry it matched (``Entry.matched``).
    Django made this table for the many-to-many field; it is declared to
    carry the tenant (docs/SCALING.md), under the name Django gave it, so the
    tenant export's files and the audit log's object types keep theirs."""

    tenant_parent = "from_entry"

    from_entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    to_entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "ledgers_entry_matched"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "from_entry", "to_entry"], name="entry_matched_unique_tenant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_entry_id} → {self.to_entry_id}"


class Credit(TenantChildModel):
    """An officer an entry credits. Tenant follows from the entry."""

    tenant_parent = "entry"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="credits")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="credits")
    # A colleague an officer credits confirms the credit before the entry can
    # be submitted; the logging officer's own credit, and every credit a
    # manager or admin logs, are confirmed from the start.
    confirmed = models.BooleanField(_("confirmed"), default=True, db_default=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        indexes = [
            # an officer's credited entries read from the index alone (the
            # ranking page's conversion rates of the rows shown, issue 16)
            models.Index(fields=["tenant", "officer", "entry"], name="credit_officer_entry"),
        ]
        constraints = [
            # with the tenant, as Citus needs (docs/SCALING.md): same rule
            models.UniqueConstraint(
                fields=["tenant", "entry", "officer"], name="credit_unique_officer_tenant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.officer_id}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """Files live under the tenant's folder with a random name; the original
    name is kept in the row, never in the path."""
    import uuid

    return f"evidence/{instance.entry.tenant_id}/{uuid.uuid4().hex}"


class Evidence(TenantChildModel):
    """A file attached to an entry, checked by size and by content."""

    tenant_parent = "entry"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class EntryEvent(TenantChildModel):
    """The history of an entry: one row per change, with who, when, the
    status before and after, the fields changed (before/after) and why."""

    tenant_parent = "entry"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("action"), max_length=20, choices=EntryAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["entry", "at", "id"]
        verbose_name = _("entry history")
        verbose_name_plural = _("entry history")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=EntryAction.values), name="entryevent_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.action}"

    @property
    def reason_text(self) -> str:
        """The reason in the reader's language when the portal wrote it
        (a re-scoring after a policy change)."""
        from liaison.words import stored_text

        return stored_text(self.reason)
