"""A step cannot be done twice by a race (SPEC.md §4.1): twenty requests for
the same transition of the same nomination, released at once, move it once.

PostgreSQL only: the services lock the nomination row (SELECT ... FOR
UPDATE); SQLite serialises writers and proves nothing here. Run with

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python -m pytest roster/tests/test_selection_race.py -q
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from roster.models import Nomination, NominationTransition
from roster.tests.test_selection_api import matrix_world, nomination_at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE); SQLite serialises writers",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


def race(clients, url: str, body: dict) -> list[int]:
    """POST ``body`` to ``url`` from every client at once, each in its own
    thread (and so its own DB connection, closed at the end); the statuses."""
    barrier = threading.Barrier(len(clients))

    def attempt(client) -> int:
        try:
            barrier.wait(timeout=30)
            return client.post(url, body, format="json").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(attempt, clients))


@pytest.mark.parametrize(
    ("stage", "who", "action", "body", "to_stage", "loser"),
    [
        # the centre verifies (with the deputy director's approval, its reference
        # the comment): after the winner nothing is pending → 409
        (
            "district_recommended",
            "admin",
            "advance",
            {"comment": "分管领导审定：武科转〔2026〕5号"},
            "centre_verified",
            409,
        ),
        # the nominator withdraws a draft: after the winner it is closed → 409
        ("draft", "nominator", "withdraw", {}, "withdrawn", 409),
        # the unit rejects: after the winner it is closed → 409
        ("submitted", "reviewer", "reject", {"reason": "材料不全"}, "rejected", 409),
        # the unit endorses: after the winner the pending step is the district's,
        # so the late requests are "not yours" → 403
        ("submitted", "reviewer", "advance", {}, "unit_endorsed", 403),
    ],
)
def test_twenty_concurrent_requests_move_the_nomination_once(
    stage, who, action, body, to_stage, loser
):
    w = matrix_world("race")
    nomination = nomination_at(w, stage)
    before = NominationTransition.objects.filter(nomination=nomination).count()
    clients = [w.api(who) for _ in range(THREADS)]

    codes = race(clients, w.url(f"nominations/{nomination.id}/{action}/"), body)

    assert sorted(codes) == [200] + [loser] * (THREADS - 1), codes
    nomination = Nomination.objects.get(pk=nomination.pk)
    assert nomination.stage == to_stage
    moves = NominationTransition.objects.filter(nomination=nomination).order_by("id")
    assert moves.count() == before + 1
    last = moves.last()
    assert (last.from_stage, last.to_stage, last.actor) == (stage, to_stage, w.users[who])
