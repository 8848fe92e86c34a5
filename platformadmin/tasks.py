"""The daily purge of tenants past their deletion date."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from .purge import tenant_purge, tenants_due

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def purge_due_tenants(now: str | None = None) -> list[str]:
    """Daily: purge every tenant whose deletion date has passed; returns
    their slugs. A tenant that cannot be purged (another tenant's rows still
    refer to it) is logged and stays, untouched, for the next run."""
    import datetime as dt

    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    purged = []
    for tenant in tenants_due(now=moment).order_by("slug"):
        try:
            record = tenant_purge(tenant=tenant, now=moment)
        except Exception:
            log.exception("purge of tenant %s failed", tenant.slug)
            continue
        if record is None:  # cancelled or postponed since the list was read
            log.info("purge of tenant %s skipped: no longer due", tenant.slug)
            continue
        purged.append(record.slug)
    return purged
