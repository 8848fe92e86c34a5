"""Users, tenants, memberships and the programme policy.

Every tenant-owned model in the project inherits :class:`TenantOwnedModel`, so
that each query starts from ``Model.objects.for_tenant(tenant)``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .choices import (
    JOB_LABELS,
    EmailMode,
    JobOutcome,
    NotificationKind,
    Preset,
    Role,
    TenantStatus,
    WebhookFormat,
)


class User(AbstractUser):
    """A person who logs in. Roles are held per tenant through memberships."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    #: Bumped by ``accounts.services.user_end_sessions``: it is part of the
    #: session auth hash, so every session signed before the bump is refused.
    session_generation = models.PositiveIntegerField(_("session generation"), default=0)

    def __str__(self) -> str:
        return self.full_name or self.username

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django's hash of the password, with the session generation mixed
        in: a password change or :func:`~accounts.services.user_end_sessions`
        ends every session of the user (Django checks the hash on each
        request, also against ``SECRET_KEY_FALLBACKS``)."""
        key_salt = "accounts.models.User.get_session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class TenantManager(models.Manager):
    """Tenants, and those in service (neither suspended nor marked for deletion)."""

    def in_service(self) -> models.QuerySet:
        """What scheduled jobs and public pages see: a suspended tenant is left out."""
        return self.filter(status=TenantStatus.ACTIVE)


class Tenant(models.Model):
    """One programme operator: a city science bureau or science association.

    The platform admin may suspend it (its members see a notice and nothing
    else; jobs and public pages skip it) and mark it for deletion: a daily
    job purges it once ``deletion_due_at`` has passed (``platformadmin``)."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    preset = models.CharField(_("preset"), max_length=20, choices=Preset.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # platform-admin (issue 17): suspension and deletion after a retention period
    # db_default: PostgreSQL fills existing rows without rewriting the table
    # (the migration linter refuses NOT NULL without a database default)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TenantStatus.choices,
        default=TenantStatus.ACTIVE,
        db_default=TenantStatus.ACTIVE,
    )
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    deletion_due_at = models.DateTimeField(_("deletion due at"), null=True, blank=True)
    deletion_requested_by = models.CharField(
        _("deletion requested by"), max_length=150, blank=True, default=""
    )

    objects = TenantManager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preset__in=Preset.values), name="tenant_preset_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=TenantStatus.values), name="tenant_status_valid"
            ),
            # the status and its dates agree: a tenant in use is neither
            # suspended nor due for deletion (the daily purge reads only the
            # date), a suspended one says since when
            models.CheckConstraint(
                condition=(
                    ~models.Q(status=TenantStatus.ACTIVE)
                    | models.Q(suspended_at__isnull=True, deletion_due_at__isnull=True)
                )
                & (~models.Q(status=TenantStatus.SUSPENDED) | models.Q(suspended_at__isnull=False)),
                name="tenant_status_dates_agree",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TenantQuerySet(models.QuerySet):
    """The one entry point for reading tenant-owned rows."""

    def for_tenant(self, tenant: Tenant) -> TenantQuerySet:
        return self.filter(tenant=tenant)


class TenantOwnedModel(models.Model):
    """Abstract base of every row that belongs to one tenant."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="+", verbose_name=_("tenant")
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


def fill_tenant(model, objs) -> None:
    """Set ``tenant_id`` on the rows of a :class:`TenantChildModel` that have
    none, from their parent (``model.tenant_parent``): from the parent held
    in memory, else with one query for all the parents' tenants."""
    field = model._meta.get_field(model.tenant_parent)
    missing = [obj for obj in objs if obj.tenant_id is None]
    unknown = set()
    for obj in missing:
        if field.is_cached(obj) and getattr(obj, field.name) is not None:
            obj.tenant_id = getattr(obj, field.name).tenant_id
        elif getattr(obj, field.attname) is not None:
            unknown.add(getattr(obj, field.attname))
    if unknown:
        tenants = dict(
            field.related_model._base_manager.filter(pk__in=unknown).values_list("pk", "tenant_id")
        )
        for obj in missing:
            if obj.tenant_id is None:
                obj.tenant_id = tenants.get(getattr(obj, field.attname))


class TenantChildQuerySet(models.QuerySet):
    """``bulk_create`` fills each row's tenant from its parent (many-row
    writes of credits, history and attendance pass only the parent)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_tenant(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)


class TenantChildModel(models.Model):
    """Abstract base of a row that belongs to its parent's tenant (a credit,
    an entry's history, an attendance). It carries ``tenant_id`` all the same
    so that the table can be distributed by tenant and its keys include it
    (docs/SCALING.md); the column is filled from ``tenant_parent``, so the
    code that writes these rows names only the parent, as before. No index
    of its own: ``UNIQUE (tenant_id, id)`` (liaison.sharding) leads with it."""

    #: the foreign key whose row's tenant this row takes
    tenant_parent: str = ""

    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        editable=False,
        verbose_name=_("tenant"),
    )

    objects = TenantChildQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        fill_tenant(type(self), [self])
        super().save(*args, **kwargs)


class Membership(TenantOwnedModel):
    """A user's role in one tenant. One membership per user and tenant."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant.slug} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def reads_all(self) -> bool:
        """Admins and auditors read everything in their tenant."""
        return self.role in (Role.ADMIN, Role.AUDITOR)


class Policy(TenantOwnedModel):
    """The programme's rules as data, versioned and effective-dated.

    A new version never rewrites an old one: results of a year are computed
    with the version in force for that year (see ``policy_in_force``).
    """

    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    preset = models.CharField(_("preset"), max_length=20, choices=Preset.choices)
    rules = models.JSONField(_("rules"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tenant", "-effective_from", "-version"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "version"], name="policy_unique_version"),
            models.UniqueConstraint(
                fields=["tenant", "effective_from"], name="policy_unique_effective_from"
            ),
            models.CheckConstraint(
                condition=models.Q(preset__in=Preset.values), name="policy_preset_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.slug} v{self.version} ({self.effective_from})"

    def category(self, code: str) -> dict | None:
        return next((c for c in self.rules["categories"] if c["code"] == code), None)

    @property
    def category_labels(self) -> dict[str, str]:
        """Category code -> label (市派联络员 …), for display."""
        return {c["code"]: c["label"] for c in self.rules["categories"]}

    @property
    def category_codes(self) -> list[str]:
        return [c["code"] for c in self.rules["categories"]]

    def is_in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day


class Notification(TenantOwnedModel):
    """An in-app message to one member (and e-mailed): quota shortfalls,
    terms ending, dormant officers. ``key`` makes a scheduled job's message
    idempotent: the same key is never sent twice to the same person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=120)
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=NotificationKind.choices,
        default=NotificationKind.REMINDER,
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "key"], name="notification_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class JobRun(TenantOwnedModel):
    """One run of a scheduled job for one tenant: when, how long, outcome."""

    name = models.CharField(_("job"), max_length=60)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=JobOutcome.choices, default=JobOutcome.RUNNING
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [models.Index(fields=["tenant", "name", "-started_at"], name="jobrun_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=JobOutcome.values), name="jobrun_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.outcome}"

    @property
    def label(self) -> str:
        return str(JOB_LABELS.get(self.name, self.name))

    @property
    def detail_text(self) -> str:
        """The run's detail in words (“2025-03 月 · 12 行 · 已通知 3 人”)."""
        from .choices import JOB_DETAIL_WORDS

        return " · ".join(
            str(JOB_DETAIL_WORDS[key]) % {"value": value}
            for key, value in (self.detail or {}).items()
            if key in JOB_DETAIL_WORDS
        )

    @property
    def duration_label(self) -> str:
        """“0.2 秒”, “3 分 5 秒”: how long the run took, or "" while it runs."""
        if self.finished_at is None:
            return ""
        seconds = (self.finished_at - self.started_at).total_seconds()
        if seconds < 60:
            return _("%(s).1f s") % {"s": seconds}
        return _("%(m)d min %(s)d s") % {"m": seconds // 60, "s": seconds % 60}


class IdempotencyKey(models.Model):
    """The first answer to a creating ``POST`` sent with an ``Idempotency-Key``
    header (API.md "Idempotency"): a repeat by the same user with the same key
    within :data:`IDEMPOTENCY_TTL` gets this answer again instead of creating
    a second row. The row is inserted before the request runs (the unique
    constraint turns a concurrent duplicate away); ``status_code`` stays
    null until the first request has answered, and only a 2xx answer is
    kept (a failed attempt deletes the row, so it may be retried)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique_key"),
            models.CheckConstraint(
                condition=models.Q(status_code__isnull=True)
                | models.Q(status_code__gte=200, status_code__lt=300),
                name="idempotencykey_success_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.path} {self.key}"


# --- notify: preferences and the tenant's webhook (issue 14) ---------------------------


class NotificationPreference(TenantOwnedModel):
    """How one member of a tenant is told: in the app always; by e-mail for
    each notification, once a day (a digest) or not at all; in which language.
    A member without a row has the defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    email = models.CharField(
        _("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.EACH
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    #: The end of the period the last daily digest covered.
    digest_sent_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="notification_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant_id}: {self.email}"


class TenantWebhook(TenantOwnedModel):
    """The tenant's outbound webhook: the bureau's WeCom or DingTalk group
    robot, posted each notification of the chosen kinds (all when none is chosen)."""

    url = models.URLField(_("webhook URL"), max_length=500)
    format = models.CharField(
        _("format"), max_length=10, choices=WebhookFormat.choices, default=WebhookFormat.WECOM
    )
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="tenant_webhook_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.format}"

    def sends(self, kind: str) -> bool:
        return self.enabled and (not self.kinds or kind in self.kinds)
