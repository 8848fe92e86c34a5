"""Background jobs of the matcher: thin, they re-fetch through the tenant
and call the services."""

from __future__ import annotations

from celery import shared_task

from accounts.models import Tenant
from ledgers.models import Entry

from . import services


@shared_task
def match_entry(*, tenant_id: int, entry_id: int) -> int:
    """Match one entry (after its verification); returns how many suggestions."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    entry = tenant and Entry.objects.for_tenant(tenant).filter(pk=entry_id).first()
    if not entry:
        return 0
    return len(services.matches_for(tenant=tenant, entry=entry))


@shared_task
def rematch_tenant(*, tenant_id: int) -> int:
    """Match a whole tenant again (batched); returns how many entries."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    return services.rematch_tenant(tenant=tenant) if tenant else 0
