"""The monthly report job on a real Redis broker and a real Celery worker
(PostgreSQL; CI runs it): run it, run it again (one report), and kill the
worker in the middle of the task: late acknowledgement hands the task to the
next worker, which finishes it, and there is still one report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from liaison.celery import app
from scoring.models import QuotaReport

ROOT = Path(__file__).resolve().parent.parent
TASK = "scoring.tasks.build_quota_reports"
VISIBILITY = 4  # seconds before Redis hands an unacknowledged task to another worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:task_always_eager has no effect on send_task"),
]


def _needs_services():
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        reason = "needs PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL), as in CI"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _worker(queue: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liaison.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CELERY_RESTORE_INTERVAL": "1",
        "CELERY_RESTORE_THROTTLE": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "liaison",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _send(queue: str) -> None:
    with app.connection_for_write() as conn:
        app.send_task(TASK, kwargs={"month": "2025-03"}, queue=queue, connection=conn)


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _reports() -> list[tuple[str, str]]:
    connections.close_all()  # read what the worker committed
    return list(QuotaReport.objects.values_list("tenant__slug", "month"))


@pytest.fixture
def queue(world):
    _needs_services()
    app.conf.broker_transport_options = {"visibility_timeout": VISIBILITY}
    return f"test-{uuid.uuid4().hex[:8]}"


def test_run_twice_one_report(queue):
    QuotaReport.objects.all().delete()
    worker = _worker(queue)
    try:
        _send(queue)
        assert _wait(lambda: _reports() == [("alpha", "2025-03")], 60)
        first = QuotaReport.objects.get().generated_at
        _send(queue)
        assert _wait(lambda: QuotaReport.objects.get().generated_at > first, 60)
        assert _reports() == [("alpha", "2025-03")]
    finally:
        worker.kill()
        worker.wait()


def test_a_worker_killed_mid_task_leaves_one_report_after_the_retry(queue):
    report = QuotaReport.objects.get(tenant__slug="alpha", month="2025-03")
    before = report.generated_at
    first = _worker(queue)
    try:
        # Hold the report's row: the worker blocks inside the task, mid-way.
        with transaction.atomic():
            QuotaReport.objects.select_for_update().get(pk=report.pk)
            _send(queue)
            assert _wait(lambda: _blocked_on_report(), 30), "the task never started"
            first.send_signal(signal.SIGKILL)
            first.wait()
        second = _worker(queue)
        try:
            assert _wait(
                lambda: QuotaReport.objects.get(pk=report.pk).generated_at > before, VISIBILITY + 60
            )
            assert _reports() == [("alpha", "2025-03")]
        finally:
            second.kill()
            second.wait()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def _blocked_on_report() -> bool:
    """Whether another connection waits on a lock (the worker, on our row)."""
    with connections["default"].cursor() as cursor:
        # Statistics are a snapshot per transaction: refresh it on every look.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0
