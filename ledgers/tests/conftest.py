"""Fixtures and helpers of the ledger tests.

The ``world`` / ``other_world`` fixtures live in ``tests/world.py`` (a
plugin of the root ``conftest.py``, so every test folder has them).
Entries are built through ``ledgers.services`` with the tenant admin's
membership, so fixtures obey the same rules as users.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from accounts.models import Membership
from ledgers import services
from ledgers.models import Entry, EntryEvent
from ledgers.selectors import may_review
from tests.world import ROLES, World, build_world, centre  # noqa: F401 - re-exported for the tests

#: URL prefix (API.md) -> entry kind
PREFIXES = {
    "achievements/": "achievement",
    "demands/": "demand",
    "events/": "event",
    "conversions/": "conversion",
    "cases/": "case",
    "videos/": "video",
}


def membership(w: World, who: str) -> Membership:
    """The membership of login ``who`` in ``w``'s tenant."""
    return Membership.objects.get(tenant=w.tenant, user=w.users[who])


def make_entry(
    w: World,
    officers: list[str],
    *,
    kind: str = "achievement",
    status: str = "draft",
    title: str = "测试成果",
    occurred_on: dt.date = dt.date(2025, 5, 6),
    by: str = "admin",
    **data,
) -> Entry:
    """An entry of ``w`` crediting the named officers, logged by ``by`` (the
    tenant admin unless said otherwise; ``"centre"`` is a second admin) and
    brought to ``status`` through the services: submitted by the tenant
    admin, verified or returned by a member four eyes allow
    (:func:`reviewer_for`)."""
    logger = centre(w) if by == "centre" else membership(w, by)
    entry = services.entry_create(
        tenant=w.tenant,
        membership=logger,
        kind=kind,
        data={"title": title, "occurred_on": occurred_on, **data},
        officers=[w.officers[name] for name in officers],
    )
    if status in ("submitted", "verified", "returned"):
        entry = services.entry_submit(tenant=w.tenant, membership=logger, entry=entry)
    if status == "verified":
        entry = services.entry_verify(
            tenant=w.tenant, membership=reviewer_for(w, entry), entry=entry
        )
    elif status == "returned":
        entry = services.entry_return(
            tenant=w.tenant, membership=reviewer_for(w, entry), entry=entry, reason="补充材料"
        )
    return entry


def reviewer_for(w: World, entry: Entry) -> Membership:
    """The tenant admin if four eyes allow, else the district manager, else
    the centre's second admin."""
    for who in ("admin", "manager"):
        candidate = membership(w, who)
        if may_review(membership=candidate, entry=entry):
            return candidate
    return centre(w)


def state(entry: Entry) -> dict:
    """Everything a refused request must leave as it was."""
    fresh = Entry.objects.get(pk=entry.pk)
    return {
        "status": fresh.status,
        "title": fresh.title,
        "occurred_on": fresh.occurred_on,
        "summary": fresh.summary,
        "return_reason": fresh.return_reason,
        "verified_by": fresh.verified_by_id,
        "updated_at": fresh.updated_at,
        "officers": sorted(fresh.credits.values_list("officer_id", flat=True)),
        "events": EntryEvent.objects.filter(entry=fresh).count(),
        "evidence": fresh.evidence.count(),
    }


def actions(entry: Entry) -> list[str]:
    return list(
        EntryEvent.objects.filter(entry=entry).order_by("at", "id").values_list("action", flat=True)
    )


@pytest.fixture(scope="module")
def shared_worlds(django_db_setup, django_db_blocker):
    """``alpha`` and ``beta`` built once for a whole module, inside a
    transaction rolled back when the module ends; each test still runs in
    its own savepoint (pytest-django's ``db``), so tests stay independent.
    For modules with many small tests that do not change the worlds'
    in-memory objects."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            worlds = build_world("alpha"), build_world("beta")
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield worlds
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
