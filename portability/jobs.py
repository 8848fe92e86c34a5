"""The tenant export as a background job for the tenant admin: started here,
built by :func:`portability.tasks.run_tenant_export`."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership

from .models import TenantExport


def tenant_export_list(*, membership: Membership):
    """The tenant's exports, newest first (the caller is an admin: the views
    admit no other role)."""
    return TenantExport.objects.for_tenant(membership.tenant).select_related("created_by")


def tenant_export_start(*, membership: Membership) -> TenantExport:
    """Queue an export of the whole tenant; its page shows the progress and,
    when done, the download."""
    tenant = membership.tenant
    job = TenantExport.objects.create(
        tenant=tenant,
        filename=f"{tenant.slug}-{timezone.localdate():%Y%m%d}.zip",
        created_by=membership.user if membership.user.pk else None,
    )
    from .tasks import run_tenant_export

    transaction.on_commit(lambda: run_tenant_export.delay(tenant_id=tenant.pk, job_id=job.pk))
    return job


def progress_key(job_id: int) -> str:
    return f"tenant-export-progress:{job_id}"


def live_progress(job: TenantExport) -> int:
    """A running job's progress: the worker keeps it in the cache (it reads
    the tenant inside one transaction, where a progress row written would
    stay unseen until the end)."""
    if job.status in (TenantExport.Status.PENDING, TenantExport.Status.RUNNING):
        return cache.get(progress_key(job.pk), job.progress)
    return job.progress
