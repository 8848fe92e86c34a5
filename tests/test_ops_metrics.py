"""/metrics (issue 17 item 4): django-prometheus's request and database
metrics plus the Celery tasks, the queue and the scheduled jobs; only for
this host or a bearer token, a 404 for anyone else; no tenant in a label."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client import REGISTRY

from accounts.models import JobRun
from liaison.celery import app
from ops import health

from .redis_server import redis_server  # noqa: F401  (fixture)


@app.task(name="tests.ops.flaky", bind=True, max_retries=1)
def flaky(self, fail: str = ""):
    """Succeeds, fails, or retries once then succeeds."""
    if fail == "retry" and self.request.retries == 0:
        raise self.retry(exc=ValueError("again"), countdown=0)
    if fail == "yes":
        raise ValueError("broken")
    return "done"


def _scrape(client=None, **extra) -> str:
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(name: str, **labels) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


@pytest.mark.django_db
def test_requests_are_measured_by_view_and_queries_by_database(client, world):
    client.force_login(world.users["admin"])
    before = _value(
        "django_http_requests_latency_seconds_by_view_method_count",
        view="officer-list",
        method="GET",
    )
    assert client.get("/t/alpha/officers/").status_code == 200
    text = _scrape()
    after = _value(
        "django_http_requests_latency_seconds_by_view_method_count",
        view="officer-list",
        method="GET",
    )
    assert after == (before or 0) + 1
    assert 'django_db_execute_total{alias="default",vendor="' in text
    assert "django_db_query_duration_seconds_bucket" in text
    # Routes name their view; the tenant's slug is a URL argument, never a label.
    assert "alpha" not in text


@pytest.mark.django_db
def test_the_probes_and_the_scrape_are_not_counted_as_requests():
    before = _value("django_http_requests_before_middlewares_total") or 0
    Client().get("/healthz")
    Client().get("/readyz")
    _scrape()
    assert (_value("django_http_requests_before_middlewares_total") or 0) == before


@pytest.mark.django_db
def test_celery_outcomes_are_counted_by_task_name():
    def count(outcome):
        return _value("liaison_celery_tasks_total", task="tests.ops.flaky", outcome=outcome)

    assert (count("succeeded"), count("failed"), count("retried")) == (0, 0, 0)
    flaky.delay()
    # throw=False: traced as a worker traces it (eager Celery re-raises a
    # failure in the caller, a request whose 500 the request metrics count).
    flaky.apply(kwargs={"fail": "yes"}, throw=False)
    flaky.apply(kwargs={"fail": "retry"}, throw=False)
    assert (count("succeeded"), count("failed"), count("retried")) == (2, 1, 1)
    assert (
        _value(
            "liaison_celery_tasks_total", task="scoring.tasks.build_quota_reports", outcome="failed"
        )
        == 0
    )


def test_a_metric_never_breaks_a_task(settings):
    from ops.metrics import count_task

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    count_task("tests.ops.flaky", "succeeded")  # logs, does not raise


@pytest.mark.django_db
def test_queue_length_is_read_from_the_broker_at_scrape_time(redis_server):  # noqa: F811
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    broker = redis.Redis.from_url(url)
    broker.lpush("celery", "a", "b")
    broker.lpush("celery\x06\x166", "c")
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url):
        assert _value("liaison_celery_queue_length", queue="celery") == 3
        broker.delete("celery")
        assert _value("liaison_celery_queue_length", queue="celery") == 1
        redis_server.stop()
        # The broker is gone: no queue length, the other metrics still answer.
        assert _value("liaison_celery_queue_length", queue="celery") is None
        assert "liaison_celery_tasks_total" in _scrape()
    assert _value("liaison_celery_queue_length", queue="celery") == 0  # eager: no queue


@pytest.mark.django_db
def test_worker_heartbeat_age(client):
    assert _value("liaison_celery_worker_heartbeat_age_seconds") is None
    health.write_heartbeat()
    assert 0 <= _value("liaison_celery_worker_heartbeat_age_seconds") < 5


@pytest.mark.django_db
def test_scheduled_job_runs_and_last_success_over_all_tenants(world, other_world):
    end = timezone.now().replace(microsecond=0)
    for tenant, outcome, ago in [
        (world.tenant, "ok", 3),
        (other_world.tenant, "ok", 1),
        (other_world.tenant, "failed", 0),
        (world.tenant, "failed", 0),
    ]:
        finished = end - dt.timedelta(hours=ago)
        JobRun.objects.create(
            tenant=tenant,
            name="close-notices",
            started_at=finished,
            finished_at=finished,
            outcome=outcome,
        )
    JobRun.objects.create(tenant=world.tenant, name="rescore", started_at=end)
    runs = "liaison_scheduled_job_runs_total"
    assert _value(runs, job="close-notices", outcome="ok") == 2
    assert _value(runs, job="close-notices", outcome="failed") == 2
    assert _value(runs, job="rescore", outcome="running") == 1
    last = "liaison_scheduled_job_last_success_timestamp_seconds"
    assert _value(last, job="close-notices") == (end - dt.timedelta(hours=1)).timestamp()
    assert _value(last, job="rescore") is None
    text = _scrape()
    assert "alpha" not in text and "beta" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote", "headers", "token", "status"),
    [
        ("127.0.0.1", {}, "", 200),
        ("::1", {}, "", 200),
        ("10.0.0.8", {}, "", 404),
        # A proxy on this host forwards an outside caller: not local.
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "", 404),
        ("127.0.0.1", {"HTTP_X_REAL_IP": "203.0.113.9"}, "", 404),
        ("10.0.0.8", {"HTTP_AUTHORIZATION": "Bearer s3cret-token"}, "s3cret-token", 200),
        ("10.0.0.8", {"HTTP_AUTHORIZATION": "bearer s3cret-token"}, "s3cret-token", 200),
        ("10.0.0.8", {"HTTP_AUTHORIZATION": "Bearer wrong"}, "s3cret-token", 404),
        ("10.0.0.8", {"HTTP_AUTHORIZATION": "Bearer "}, "", 404),
        ("10.0.0.8", {"HTTP_AUTHORIZATION": "Token s3cret-token"}, "s3cret-token", 404),
        # non-ASCII: a 404 like any wrong token, not a 500 before the login
        ("10.0.0.8", {"HTTP_AUTHORIZATION": "Bearer é"}, "s3cret-token", 404),
        ("10.0.0.8", {"HTTP_AUTHORIZATION": "Bearer é"}, "é-token", 404),
    ],
)
def test_metrics_only_for_this_host_or_the_token(remote, headers, token, status):
    with override_settings(METRICS_TOKEN=token):
        response = Client(REMOTE_ADDR=remote).get("/metrics", **headers)
    assert response.status_code == status
    if status == 404:  # the portal's ordinary 404, as for any unknown URL
        assert b"liaison_" not in response.content and b"python_gc" not in response.content
        unknown = Client().get("/no-such-page")
        assert [t.name for t in response.templates] == [t.name for t in unknown.templates]
        assert response["Content-Type"] == unknown["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.django_db
def test_metrics_from_outside_with_a_token_and_no_login(world):
    with override_settings(METRICS_TOKEN="s3cret-token"):
        text = _scrape(
            Client(REMOTE_ADDR="172.18.0.5", HTTP_HOST="web:8000"),
            HTTP_AUTHORIZATION="Bearer s3cret-token",
        )
    assert "liaison_celery_queue_length" in text


def test_gunicorn_workers_metrics_are_summed(tmp_path):
    """gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR: each worker writes its
    metrics there and /metrics reads them all, with the shared collector.
    Two worker processes serve one login page each, at the same time; a
    third, which served no page, answers /metrics with their sum."""
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liaison.settings.test",
        "DATABASE_URL": "sqlite:///:memory:",
        "ALLOWED_HOSTS": "testserver",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    worker = """
import os
import django
django.setup()
from django.test import Client
assert Client().get("/accounts/login/").status_code == 200
print(os.getpid())
"""
    scraper = """
import django
django.setup()
from django.test import Client
print(Client().get("/metrics").content.decode())
"""
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", worker],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    pids = []
    for process in workers:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        pids.append(int(out.split()[-1]))
    assert len(set(pids)) == 2
    for pid in pids:  # each worker's own files, side by side in the one folder
        assert (tmp_path / f"histogram_{pid}.db").is_file()
    result = subprocess.run(
        [sys.executable, "-c", scraper],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    count = 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="login"}'
    assert f"{count} 2.0" in lines
    assert 'liaison_celery_queue_length{queue="celery"} 0.0' in lines
    assert sorted(p.name.split("_")[0] for p in tmp_path.iterdir())[:1] == ["counter"]
