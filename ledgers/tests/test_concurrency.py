"""Races on the ledger transitions: many simultaneous requests change an
entry once. Needs PostgreSQL (real row locks and concurrent connections);
run with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres``."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from ledgers.models import Entry, EntryEvent
from tests.concurrency import race

from .conftest import make_entry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency tests need PostgreSQL (SELECT … FOR UPDATE across connections); "
        "set DATABASE_URL=postgres://… to run them",
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(clients, url: str | list[str]) -> list:
    """POST ``url`` (or client i the i-th of a list of urls) from every
    client at once; the status codes, in client order."""
    urls = [url] * len(clients) if isinstance(url, str) else url
    return race(
        [
            lambda c=client, u=u: c.post(u, {}, format="json").status_code
            for client, u in zip(clients, urls, strict=True)
        ]
    )


def test_fifty_concurrent_verifies_verify_once(world):
    entry = make_entry(world, ["mine", "d1"], status="submitted", by="centre")
    # separate API clients, half of them the admin, half d1's manager
    clients = [world.api("admin" if i % 2 else "manager") for i in range(50)]

    results = _race(clients, world.url(f"achievements/{entry.pk}/verify/"))

    assert Counter(results) == {200: 1, 409: 49}, results
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.status == "verified"
    assert entry.verified_at is not None
    verified = EntryEvent.objects.filter(entry=entry, action="verified")
    assert verified.count() == 1
    assert verified.get().actor_id == entry.verified_by_id
    assert entry.verified_by in (world.users["admin"], world.users["manager"])
    assert list(
        EntryEvent.objects.filter(entry=entry).order_by("id").values_list("action", flat=True)
    ) == ["created", "submitted", "verified"]


def test_twenty_concurrent_submits_submit_once(world):
    entry = make_entry(world, ["mine"])
    clients = [world.api("officer") for _ in range(20)]

    results = _race(clients, world.url(f"achievements/{entry.pk}/submit/"))

    assert Counter(results) == {200: 1, 409: 19}, results
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.status == "submitted"
    assert entry.submitted_at is not None
    submitted = EntryEvent.objects.filter(entry=entry, action="submitted")
    assert submitted.count() == 1
    assert submitted.get().actor == world.users["officer"]
    assert (submitted.get().from_status, submitted.get().to_status) == ("draft", "submitted")


def test_concurrent_verifies_of_one_officers_entries_count_every_share(world):
    from scoring.models import ShareTally
    from scoring.selectors import tallies_match_shares

    entries = [
        make_entry(world, ["mine", "d1"], status="submitted", by="centre") for _ in range(12)
    ]
    clients = [world.api("admin" if i % 2 else "manager") for i in range(12)]
    results = _race(clients, [world.url(f"achievements/{e.pk}/verify/") for e in entries])

    assert results == [200] * 12, results
    tallies = ShareTally.objects.filter(tenant=world.tenant, year=2025, count__gt=0)
    assert sorted(tallies.values_list("officer__full_name", "points", "group_size", "count")) == [
        ("张三", 5, 2, 12),
        ("李四", 5, 2, 12),
    ]
    assert tallies_match_shares(tenant=world.tenant, year=2025)
