"""Reads of the accounts app: tenant access and the policy in force."""

from __future__ import annotations

import copy
import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.compiled import CompiledQuery

from .choices import Role, TenantStatus
from .models import Membership, Policy, Tenant, User


class TenantSuspended(PermissionDenied):
    """A member reached a suspended tenant (platform-admin, issue 17): pages
    show the notice, the API answers 403 with this message."""

    def __init__(self, tenant: Tenant):
        self.tenant = tenant
        super().__init__(_("This organisation's use of the portal is suspended."))


def tenant_access(*, user: User, slug: str) -> Membership:
    """The caller's membership in the tenant named by ``slug``.

    "No such tenant" and "not a member" raise the same 404, so a URL never
    tells an outsider whether a tenant exists. A platform admin (superuser)
    without a membership acts as the tenant's admin through an unsaved one.
    A member of a suspended tenant gets :class:`TenantSuspended` (403); a
    platform admin still reaches it.
    """
    if not user.is_authenticated:
        raise Http404(_("Not found."))
    day = timezone.localdate()
    found = _membership_query.list(slug=slug, user_id=user.pk, day=day)
    membership = found[0] if found else None
    if membership is not None:
        membership.user = user  # the caller, already read: not joined again
        roles = membership.mfa_roles_in_force
        membership.mfa_roles_on = (day, roles)
        read = _policy_cache.get()
        if read is not None and roles is not None:
            # kept with the request's policies: a policy saved later in the
            # request empties both (policy_cache_clear)
            read[_MFA_ROLES, membership.tenant_id, day] = roles
        if membership.tenant.status != TenantStatus.ACTIVE and not user.is_superuser:
            raise TenantSuspended(membership.tenant)
        return membership
    if user.is_superuser:
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is not None:
            return Membership(tenant=tenant, user=user, role=Role.ADMIN)
    raise Http404(_("Not found."))


def _membership(*, slug: str, user_id: int, day: dt.date) -> QuerySet[Membership]:
    """:func:`tenant_access`'s one query: the active membership with its
    tenant and the two-factor rule in force on ``day``."""
    return (
        Membership.objects.select_related("tenant")
        .filter(tenant__slug=slug, user_id=user_id, is_active=True)
        .annotate(mfa_roles_in_force=_mfa_roles_in_force(day))
        .order_by("pk")[:1]
    )


#: compiled once per process: compiling it cost more than running it (issue 16)
_membership_query = CompiledQuery(
    _membership, slug="\x00compiled-sample", user_id=-7919, day=dt.date(1, 2, 3)
)


def _mfa_roles_in_force(day: dt.date) -> Subquery:
    """For :func:`tenant_access`'s one query: the ``mfa_required_roles`` of
    the latest policy version of the membership's tenant in force on
    ``day``; None without one (a day before the first version) or without
    the rule: :func:`mfa_missing` then reads the policy itself
    (:func:`policy_in_force`)."""
    return Subquery(
        Policy.objects.filter(tenant_id=OuterRef("tenant_id"), effective_from__lte=day)
        .order_by("-effective_from")
        .values("rules__mfa_required_roles")[:1]
    )


def membership_list(*, user: User) -> QuerySet[Membership]:
    """The active memberships of a user, tenants included, by tenant slug."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("tenant")
        .order_by("tenant__slug")
    )


def tenant_list(*, user: User) -> QuerySet[Tenant]:
    """The tenants a user belongs to (every tenant for a platform admin)."""
    if user.is_superuser:
        return Tenant.objects.order_by("slug")
    return Tenant.objects.filter(
        id__in=Membership.objects.filter(user=user, is_active=True).values("tenant_id")
    ).order_by("slug")


#: Policies read during the current request, by (tenant id, day); None
#: outside a request (jobs, the shell), where nothing is kept.
_policy_cache: ContextVar[dict | None] = ContextVar("policy_cache", default=None)
#: beside them, by (_MFA_ROLES, tenant id, day): the two-factor rule read
#: with the caller's membership (:func:`tenant_access`)
_MFA_ROLES = "mfa_required_roles"


@contextmanager
def policy_cache():
    """Keep the policies read inside the block (one request): the two-factor
    check and the page read the policy in force once. Saving or deleting a
    policy empties it (:func:`policy_cache_clear`)."""
    token = _policy_cache.set({})
    try:
        yield
    finally:
        _policy_cache.reset(token)


def policy_cache_clear(**kwargs) -> None:
    """Receiver of Policy saves and deletes: a version published in the
    request is read afresh."""
    cache = _policy_cache.get()
    if cache is not None:
        cache.clear()


def policy_in_force(*, tenant: Tenant, on: dt.date | None = None) -> Policy:
    """The policy version in force on ``on`` (today in Asia/Shanghai by default):
    the latest version whose effective date is not after that day. A day
    before the first version answers the first version. Read once per
    request and day (:func:`policy_cache`)."""
    day = on or timezone.localdate()
    cache = _policy_cache.get()
    key = (tenant.pk, day)
    if cache is not None and key in cache:
        return cache[key]
    versions = Policy.objects.for_tenant(tenant)
    policy = versions.filter(effective_from__lte=day).order_by("-effective_from").first()
    if policy is None:
        policy = versions.order_by("effective_from").first()
    if policy is None:
        raise Policy.DoesNotExist(f"tenant {tenant.slug} has no policy")
    if cache is not None:
        cache[key] = policy
    return policy


def policy_versions(*, tenant: Tenant) -> QuerySet[Policy]:
    return Policy.objects.for_tenant(tenant).order_by("-effective_from")


def policy_merge(*, tenant: Tenant, effective_from: dt.date, changes: dict) -> dict:
    """The rules a new version from ``effective_from`` would hold: those in
    force that day with each top-level key of ``changes`` replacing the
    whole value. A changed ``selection`` keeps ``review_stages`` equal to its
    stages (POLICY-SHAPE.md) unless ``review_stages`` is given too."""
    rules = copy.deepcopy(policy_in_force(tenant=tenant, on=effective_from).rules)
    rules.update(copy.deepcopy(changes))
    selection = changes.get("selection")
    if isinstance(selection, dict) and "review_stages" not in changes:
        rules["review_stages"] = {
            code: copy.deepcopy(value.get("stages"))
            for code, value in selection.items()
            if isinstance(value, dict)
        }
    return rules


def policy_diff(before: dict | None, after: dict) -> list[dict]:
    """The top-level rules that differ: ``[{"key", "before", "after"}]`` in
    the order of ``after`` (keys only in ``before`` last)."""
    before = before or {}
    keys = [*after, *(k for k in before if k not in after)]
    return [
        {"key": key, "before": before.get(key), "after": after.get(key)}
        for key in keys
        if before.get(key) != after.get(key)
    ]


def policy_history(*, tenant: Tenant) -> list[tuple[Policy, list[dict]]]:
    """Every version, newest first, with its diff against the version it
    replaces (the one in force the day before it; none for the first)."""
    versions = list(
        Policy.objects.for_tenant(tenant).select_related("created_by").order_by("effective_from")
    )
    out = []
    previous = None
    for policy in versions:
        out.append((policy, policy_diff(previous.rules, policy.rules) if previous else []))
        previous = policy
    return list(reversed(out))


def member_list(*, tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.for_tenant(tenant).select_related("user").order_by("user__username")


def mfa_missing(*, membership: Membership) -> bool:
    """Does the tenant's policy in force require two-factor for this member's
    role while the user has not turned it on? The tenant pages then send the
    member to the enrolment page and the tenant API answers 403
    (``mfa_required``). Logins listed in ``MFA_EXEMPT_USERNAMES`` (the demo's,
    under ``make run``) are exempt."""
    from .mfa import mfa_enabled

    if membership.user.username in settings.MFA_EXEMPT_USERNAMES:
        return False
    day = timezone.localdate()
    read = _policy_cache.get()
    if read is None:  # no request (a job, the shell): the rule read with the membership
        on, required = getattr(membership, "mfa_roles_on", (None, None))
        required = required if on == day else None
    elif (membership.tenant.pk, day) in read:  # the policy itself, read in this request
        required = None
    else:  # read with the membership in this request, unless a policy was saved since
        required = read.get((_MFA_ROLES, membership.tenant.pk, day))
    if required is None:
        required = policy_in_force(tenant=membership.tenant, on=day).rules.get(
            "mfa_required_roles", []
        )
    return membership.role in required and not mfa_enabled(user=membership.user)
