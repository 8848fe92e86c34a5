"""A verified demand is matched by a real Celery worker on Redis within a
minute (PostgreSQL and Redis, as in CI; skipped elsewhere)."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import connections

from ledgers.tests.conftest import make_entry
from liaison.celery import app
from matching.models import Match, MatchRun
from tests.test_celery_worker import _needs_services, _wait, _worker

from .test_services import DEMAND, LITHIUM

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:task_always_eager has no effect on send_task"),
]


def _matched(demand_id: int) -> list[int]:
    connections.close_all()  # read what the worker committed
    return list(
        Match.objects.filter(source="demand", demand_id=demand_id).values_list(
            "achievement_id", flat=True
        )
    )


def test_a_worker_matches_a_new_demand_within_a_minute(world):
    _needs_services()
    lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
    demand = make_entry(world, ["d1"], status="verified", **DEMAND)
    Match.objects.all().delete()  # matched eagerly in process: the worker does it again
    MatchRun.objects.all().delete()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = _worker(queue)
    try:
        started = time.monotonic()
        with app.connection_for_write() as conn:
            app.send_task(
                "matching.tasks.match_entry",
                kwargs={"tenant_id": world.tenant.id, "entry_id": demand.id},
                queue=queue,
                connection=conn,
            )
        assert _wait(lambda: _matched(demand.id) == [lithium.id], 60)
        assert time.monotonic() - started < 60
    finally:
        worker.kill()
        worker.wait()
