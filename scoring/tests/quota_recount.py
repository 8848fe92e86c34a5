"""The monthly quota report counted entry by entry in the engine: every
credit since 1 January loaded as an engine fact and counted in Python (what
the report did before its counts moved to the database). The oracle the
tests (``test_quota_counts``) and ``bench/quota.py --recount`` compare the
report with; nothing in the portal runs it."""

from __future__ import annotations

import datetime as dt

from accounts.models import Tenant
from scoring import engine
from scoring.quotas import quota_entries, quota_month, quota_rows_render


def quota_rows_recounted(*, tenant: Tenant, month: str) -> tuple[int, list[dict]]:
    """:func:`scoring.quotas.quota_rows`, counted entry by entry."""
    facts = quota_month(tenant=tenant, month=month)
    entries = quota_entries(
        tenant=tenant,
        officers=list(facts.officers),
        since=dt.date(facts.start.year, 1, 1),
        until=facts.end,
    )
    rows = engine.officer_rows(month, facts.quotas, facts.facts, entries) + engine.district_rows(
        month, facts.quotas, facts.facts, entries
    )
    return facts.policy.version, quota_rows_render(facts, rows)
