"""The platform admin's changes to tenants: open one from a preset with its
first admin, suspend, reactivate, mark for deletion and cancel that.

Each is one transaction on the locked tenant row; the tenant table's audit
trigger records the change with the acting platform admin (the request's
audit context), so every action leaves a trace of who did it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import TenantStatus
from accounts.models import Tenant, User
from accounts.services import tenant_create
from roster.workflow import invitation_path


@dataclass(frozen=True)
class OpenedTenant:
    """A new tenant and, when its admin has no password yet, the path of the
    admin's invitation link (to hand over; it is shown once)."""

    tenant: Tenant
    invitation: str | None


def _operator(actor: User) -> None:
    if not actor.is_superuser:
        raise ValidationError(_("Only a platform admin may do this."))


@transaction.atomic
def tenant_open(
    *,
    actor: User,
    slug: str,
    name: str,
    preset: str,
    admin_username: str,
    admin_password: str | None,
) -> OpenedTenant:
    """A tenant on ``preset`` with its first admin, through the same service
    as ``manage.py createtenant``. Without a password the admin gets an
    invitation link to choose one."""
    _operator(actor)
    tenant = tenant_create(
        slug=slug,
        name=name,
        preset=preset,
        admin_username=admin_username,
        admin_password=admin_password or None,
    )
    link = None
    if not admin_password:
        link = invitation_path(User.objects.get(username=admin_username))
    return OpenedTenant(tenant=tenant, invitation=link)


def _locked(tenant: Tenant) -> Tenant:
    return Tenant.objects.select_for_update().get(pk=tenant.pk)


@transaction.atomic
def tenant_suspend(*, actor: User, tenant: Tenant, now: dt.datetime | None = None) -> Tenant:
    """Members see a notice and nothing else; jobs and public pages skip it."""
    _operator(actor)
    tenant = _locked(tenant)
    if tenant.status != TenantStatus.ACTIVE:
        raise ValidationError(_("This tenant is already suspended."))
    tenant.status = TenantStatus.SUSPENDED
    tenant.suspended_at = now or timezone.now()
    tenant.save(update_fields=["status", "suspended_at"])
    return tenant


@transaction.atomic
def tenant_reactivate(*, actor: User, tenant: Tenant) -> Tenant:
    """Back in use; a tenant marked for deletion must have that cancelled first."""
    _operator(actor)
    tenant = _locked(tenant)
    if tenant.status == TenantStatus.ACTIVE:
        raise ValidationError(_("This tenant is in use already."))
    if tenant.deletion_due_at is not None:
        raise ValidationError(
            _("This tenant is marked for deletion: cancel the deletion before reactivating it.")
        )
    tenant.status = TenantStatus.ACTIVE
    tenant.suspended_at = None
    tenant.save(update_fields=["status", "suspended_at"])
    return tenant


@transaction.atomic
def tenant_mark_for_deletion(
    *, actor: User, tenant: Tenant, now: dt.datetime | None = None
) -> Tenant:
    """Suspend the tenant and set its deletion ``TENANT_DELETION_RETENTION_DAYS``
    from now; the daily job purges it once that date has passed."""
    _operator(actor)
    tenant = _locked(tenant)
    if tenant.deletion_due_at is not None:
        raise ValidationError(_("This tenant is already marked for deletion."))
    now = now or timezone.now()
    tenant.status = TenantStatus.SUSPENDED
    tenant.suspended_at = tenant.suspended_at or now
    tenant.deletion_due_at = now + dt.timedelta(days=settings.TENANT_DELETION_RETENTION_DAYS)
    tenant.deletion_requested_by = actor.get_username()
    tenant.save(
        update_fields=["status", "suspended_at", "deletion_due_at", "deletion_requested_by"]
    )
    return tenant


@transaction.atomic
def tenant_cancel_deletion(*, actor: User, tenant: Tenant) -> Tenant:
    """The deletion is called off; the tenant stays suspended until reactivated."""
    _operator(actor)
    tenant = _locked(tenant)
    if tenant.deletion_due_at is None:
        raise ValidationError(_("This tenant is not marked for deletion."))
    tenant.deletion_due_at = None
    tenant.deletion_requested_by = ""
    tenant.save(update_fields=["deletion_due_at", "deletion_requested_by"])
    return tenant
