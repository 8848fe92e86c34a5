"""Writes of the accounts app. Each service is one atomic action."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.errors import Conflict

from .choices import Preset, Role
from .models import Membership, Policy, Tenant, User
from .presets import preset_rules
from .selectors import policy_merge


@transaction.atomic
def tenant_create(
    *,
    slug: str,
    name: str,
    preset: str,
    admin_username: str,
    admin_password: str | None,
    effective_from: dt.date | None = None,
) -> Tenant:
    """Create a tenant with its preset's policy (version 1) and an admin login.
    ``admin_password`` None leaves the login without a usable password: the
    admin sets it through an invitation link (the platform admin's page).

    Refuses, changing nothing, when the slug is taken, the preset is unknown,
    or the admin username belongs to someone else.
    """
    if preset not in Preset.values:
        raise ValidationError(
            _("Unknown preset %(preset)s; choose one of %(choices)s.")
            % {"preset": preset, "choices": ", ".join(Preset.values)}
        )
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError(
            _("A tenant with the slug “%(slug)s” already exists.") % {"slug": slug}
        )
    if User.objects.filter(username=admin_username).exists():
        raise ValidationError(
            _("The username “%(username)s” is already taken.") % {"username": admin_username}
        )
    tenant = Tenant(slug=slug, name=name, preset=preset)
    tenant.full_clean()
    tenant.save()
    Policy.objects.create(
        tenant=tenant,
        version=1,
        preset=preset,
        rules=preset_rules(preset),
        effective_from=effective_from or dt.date(timezone.localdate().year, 1, 1),
        note=preset_rules(preset)["source"],
    )
    user_create(username=admin_username, password=admin_password, tenant=tenant, role=Role.ADMIN)
    return tenant


@transaction.atomic
def user_create(
    *,
    tenant: Tenant,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    email: str = "",
) -> Membership:
    """A new login with a membership in ``tenant``. ``password`` None leaves the
    account without a usable password (it is set through an invitation)."""
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            {
                "username": _("The username “%(username)s” is already taken.")
                % {"username": username}
            }
        )
    user = User(username=username, full_name=full_name, email=email)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return Membership.objects.create(tenant=tenant, user=user, role=role)


@transaction.atomic
def policy_publish(
    *,
    tenant: Tenant,
    rules: dict,
    effective_from: dt.date,
    by: User | None = None,
    note: str = "",
) -> Policy:
    """Add a new policy version taking effect on ``effective_from``.

    Earlier versions stay as they are, so results of past years keep the
    rules they were computed with. Two versions cannot share an effective date.
    """
    versions = Policy.objects.for_tenant(tenant).select_for_update()
    if versions.filter(effective_from=effective_from).exists():
        raise ValidationError(
            {"effective_from": _("A policy version already takes effect on that date.")}
        )
    last = versions.order_by("-version").first()
    policy = Policy.objects.create(
        tenant=tenant,
        version=(last.version + 1) if last else 1,
        preset=last.preset if last else tenant.preset,
        rules=rules,
        effective_from=effective_from,
        created_by=by,
        note=note,
    )
    from scoring.ranking_version import ranking_changed

    ranking_changed(tenant=tenant)  # pools, groups and places of the years it rules
    if last is not None:  # verified entries of the years it rules are re-scored
        from scoring.tasks import rescore_years

        reason = _("Policy version %(version)d takes effect on %(date)s.") % {
            "version": policy.version,
            "date": effective_from.isoformat(),
        }
        transaction.on_commit(
            lambda: rescore_years.delay(
                tenant_id=tenant.id, from_year=effective_from.year, reason=reason
            )
        )
    return policy


def finalised_years_from(*, tenant: Tenant, day: dt.date) -> list[int]:
    """Finalised ranking years a version from ``day`` would rule."""
    from scoring.models import RankingSnapshot

    return sorted(
        RankingSnapshot.objects.for_tenant(tenant)
        .filter(year__gte=day.year)
        .values_list("year", flat=True)
    )


@transaction.atomic
def policy_version_create(
    *, tenant: Tenant, effective_from: dt.date, changes: dict, by: User | None, note: str = ""
) -> Policy:
    """A new version from ``effective_from``: the rules in force that day
    with the top-level keys of ``changes`` replaced, validated against the
    JSON Schema (errors keyed by JSON path). A finalised year is never
    ruled by a new version (409). The years it rules are re-scored."""
    from .policy_schema import rules_errors

    rules = policy_merge(tenant=tenant, effective_from=effective_from, changes=changes)
    errors = rules_errors(rules)
    if errors:
        raise ValidationError(errors)
    finalised = finalised_years_from(tenant=tenant, day=effective_from)
    if finalised:
        raise Conflict(
            _("The %(year)d ranking is finalised; a new version takes effect after that year.")
            % {"year": finalised[-1]}
        )
    return policy_publish(
        tenant=tenant, rules=rules, effective_from=effective_from, by=by, note=note
    )


@transaction.atomic
def user_end_sessions(*, user: User) -> None:
    """End every session of ``user`` and revoke their API token: on logout,
    a password change and a revoked login. The session generation is part
    of the session auth hash (``User._get_session_auth_hash``), so Django
    refuses every session signed before the bump. ``user`` is updated in
    place, so a view may keep its own session with
    ``update_session_auth_hash`` afterwards."""
    from rest_framework.authtoken.models import Token

    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    Token.objects.filter(user=user).delete()


@transaction.atomic
def api_token_issue(*, user: User):
    """The user's API token: the current one while it is valid, else a new
    key (an expired token is replaced, never extended)."""
    from rest_framework.authtoken.models import Token

    from .api.authentication import token_expired

    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> bool:
    """Delete the user's API token; True when there was one."""
    from rest_framework.authtoken.models import Token

    deleted, _rows = Token.objects.filter(user=user).delete()
    return bool(deleted)
