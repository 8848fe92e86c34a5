"""Random ledgers for the tests that compare two ways of counting them
(``test_aggregate_equivalence``, ``test_quota_counts``): one entry at a
time, taken to a status drawn at random."""

from __future__ import annotations

import datetime as dt
import random

from accounts.models import Membership
from ledgers import services as ledger
from ledgers.models import Entry
from roster.models import Officer


def random_entry(
    world,
    rng: random.Random,
    *,
    logger: Membership,
    admin: Membership,
    kind: str,
    day: dt.date,
    officers: list[Officer],
    title: str,
    statuses: list[str],
) -> tuple[Entry, str]:
    """An entry logged by ``logger`` crediting ``officers``, left as a draft,
    submitted or verified (by ``admin``: four eyes) as ``rng`` draws from
    ``statuses``; with the status drawn."""
    entry = ledger.entry_create(
        tenant=world.tenant,
        membership=logger,
        kind=kind,
        data={"title": title, "occurred_on": day},
        officers=officers,
    )
    status = rng.choice(statuses)
    if status != "draft":
        entry = ledger.entry_submit(tenant=world.tenant, membership=logger, entry=entry)
    if status == "verified":
        entry = ledger.entry_verify(tenant=world.tenant, membership=admin, entry=entry)
    return entry, status
