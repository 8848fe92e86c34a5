"""Prometheus metrics beyond django-prometheus's requests and queries.

Collected when ``/metrics`` is scraped, so every process reports the same:

- ``liaison_celery_tasks_total{task,outcome}``: tasks succeeded, failed and
  retried, counted by Celery's signals in whichever process ran the task
  (a worker, or the web process under eager Celery) into the shared cache.
- ``liaison_celery_queue_length{queue}``: messages waiting in the broker's
  Redis list (0 under eager Celery, which has no queue).
- ``liaison_celery_worker_heartbeat_age_seconds``: since a worker last wrote
  its heartbeat (absent before the first one).
- ``liaison_scheduled_job_runs_total{job,outcome}`` and
  ``liaison_scheduled_job_last_success_timestamp_seconds{job}``: the
  scheduled jobs' runs (:class:`accounts.models.JobRun`) over all tenants.

Labels name tasks, queues and jobs, never a tenant, a user or an object:
their number stays bounded by the code, and a metric reveals no one's data.
"""

from __future__ import annotations

import logging

from celery import bootsteps
from django.conf import settings
from django.core.cache import cache
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from . import health

log = logging.getLogger(__name__)

OUTCOMES = ("succeeded", "failed", "retried")
_KEY = "ops:celery:{outcome}:{task}"
#: kombu's Redis transport keeps a queue's prioritised messages in lists
#: named ``<queue>\x06\x16<step>`` beside the queue's own list.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)


def count_task(task_name: str, outcome: str) -> None:
    """Add one to a task's outcome; never lets a metric break a task."""
    key = _KEY.format(outcome=outcome, task=task_name)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # the cache is down: the task's own outcome matters more
        log.warning("could not count %s %s", task_name, outcome, exc_info=True)


def _task_name(sender=None, request=None) -> str:
    return getattr(sender, "name", None) or getattr(request, "task", None) or str(sender)


def _on_success(sender=None, **kwargs) -> None:
    count_task(_task_name(sender), "succeeded")


def _on_failure(sender=None, **kwargs) -> None:
    count_task(_task_name(sender), "failed")


def _on_retry(sender=None, request=None, **kwargs) -> None:
    count_task(_task_name(sender, request), "retried")


def _on_worker_ready(**kwargs) -> None:
    health.write_heartbeat()


class HeartbeatOnConnect(bootsteps.StartStopStep):
    """Writes the heartbeat whenever the worker's consumer (re)connects to
    the broker. Redis keeps nothing across a restart (compose runs it
    without persistence), so the heartbeat goes with it: without this,
    ``/readyz`` would stay red after Redis returns until beat's next
    minute; with it, it turns green as soon as the worker is back."""

    requires = ("celery.worker.consumer.connection:Connection",)

    def start(self, parent) -> None:
        try:
            health.write_heartbeat()
        except Exception:  # the cache may still be down: beat's task writes it later
            log.warning("could not write the worker heartbeat on connect", exc_info=True)


def task_names() -> list[str]:
    """The project's tasks (a web process imports the tasks modules here,
    as a worker does when it starts)."""
    from liaison.celery import app

    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


class OpsCollector:
    """Reads the shared counters, the broker and the job runs at scrape time."""

    def describe(self):
        """The families' names, without reading anything (registration calls it)."""
        yield CounterMetricFamily("liaison_celery_tasks", "", labels=["task", "outcome"])
        yield GaugeMetricFamily("liaison_celery_queue_length", "", labels=["queue"])
        yield GaugeMetricFamily("liaison_celery_worker_heartbeat_age_seconds", "")
        yield CounterMetricFamily("liaison_scheduled_job_runs", "", labels=["job", "outcome"])
        yield GaugeMetricFamily(
            "liaison_scheduled_job_last_success_timestamp_seconds", "", labels=["job"]
        )

    def collect(self):
        for part in (self._tasks, self._queue, self._heartbeat, self._jobs):
            try:
                yield from part()
            except Exception:  # one unreachable source leaves the others
                log.warning("metrics: %s not collected", part.__name__, exc_info=True)

    def _tasks(self):
        family = CounterMetricFamily(
            "liaison_celery_tasks",
            "Celery tasks by outcome (succeeded, failed, retried).",
            labels=["task", "outcome"],
        )
        names = task_names()
        keys = {
            (name, outcome): _KEY.format(outcome=outcome, task=name)
            for name in names
            for outcome in OUTCOMES
        }
        values = cache.get_many(list(keys.values()))
        for (name, outcome), key in keys.items():
            family.add_metric([name, outcome], float(values.get(key, 0)))
        yield family

    def _queue(self):
        family = GaugeMetricFamily(
            "liaison_celery_queue_length",
            "Messages waiting in the Celery queue.",
            labels=["queue"],
        )
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        url = settings.CELERY_BROKER_URL
        if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
            length = 0
        else:
            client = health.redis_client(url)
            lists = [queue] + [f"{queue}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS]
            pipe = client.pipeline()
            for name in lists:
                pipe.llen(name)
            length = sum(pipe.execute())
        family.add_metric([queue], float(length))
        yield family

    def _heartbeat(self):
        age = health.heartbeat_age()
        if age is not None:
            yield GaugeMetricFamily(
                "liaison_celery_worker_heartbeat_age_seconds",
                "Seconds since a Celery worker last wrote its heartbeat.",
                value=age,
            )

    def _jobs(self):
        from django.db.models import Count, Max

        from accounts.choices import JobOutcome
        from accounts.models import JobRun

        runs = CounterMetricFamily(
            "liaison_scheduled_job_runs",
            "Runs of the scheduled jobs over all tenants, by outcome.",
            labels=["job", "outcome"],
        )
        last_ok = GaugeMetricFamily(
            "liaison_scheduled_job_last_success_timestamp_seconds",
            "When a scheduled job last finished without error (any tenant).",
            labels=["job"],
        )
        rows = (
            JobRun.objects.values("name", "outcome")
            .annotate(n=Count("id"), last=Max("finished_at"))
            .order_by("name", "outcome")
        )
        for row in rows:
            runs.add_metric([row["name"], row["outcome"]], float(row["n"]))
            if row["outcome"] == JobOutcome.OK and row["last"] is not None:
                last_ok.add_metric([row["name"]], row["last"].timestamp())
        yield runs
        yield last_ok


_collector: OpsCollector | None = None


def collector() -> OpsCollector:
    return _collector or OpsCollector()


def connect() -> None:
    """Celery's signals and the collector, once per process."""
    global _collector
    from celery.signals import task_failure, task_retry, task_success, worker_ready
    from prometheus_client import REGISTRY

    task_success.connect(_on_success, dispatch_uid="ops_task_success", weak=False)
    task_failure.connect(_on_failure, dispatch_uid="ops_task_failure", weak=False)
    task_retry.connect(_on_retry, dispatch_uid="ops_task_retry", weak=False)
    worker_ready.connect(_on_worker_ready, dispatch_uid="ops_worker_ready", weak=False)
    from liaison.celery import app

    app.steps["consumer"].add(HeartbeatOnConnect)
    if _collector is None:
        _collector = OpsCollector()
        REGISTRY.register(_collector)
