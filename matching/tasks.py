"""Background jobs of the matcher: thin, they re-fetch through the tenant
and call the services."""

from __future__ import annotations

from celery import shared_task

from accounts.models import Tenant
from ledgers.models import Entry

from . import services


@shared_task
def match_entry(*, tenant_id: int, entry_id: int, cascade: bool = True) -> int:
    """Match one entry (after its verification); returns how many
    suggestions. With ``cascade``, the entries it was matched with are
    matched again too (once, without cascading), so that a new achievement
    shows in the lists of the demands it suits, and the reverse."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    entry = tenant and Entry.objects.for_tenant(tenant).filter(pk=entry_id).first()
    if not entry:
        return 0
    rows = services.matches_for(tenant=tenant, entry=entry)
    if cascade:
        for other_id in services.matched_entries(entry=entry, matches=rows):
            match_entry.delay(tenant_id=tenant_id, entry_id=other_id, cascade=False)
    return len(rows)


@shared_task
def rematch_tenant(*, tenant_id: int) -> int:
    """Match a whole tenant again (batched); returns how many entries."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    return services.rematch_tenant(tenant=tenant) if tenant else 0
