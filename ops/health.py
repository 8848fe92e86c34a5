"""What ``/readyz`` checks: the database, the cache, the Celery broker with
a worker's heartbeat, and the migrations. Each check answers ``"ok"`` (the
broker ``"eager"`` when tasks run in process) or ``"failed"``; why it failed
goes to the log, never into the answer."""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

log = logging.getLogger(__name__)

OK, FAILED, EAGER = "ok", "failed", "eager"
#: The cache key a worker writes its heartbeat (epoch seconds) under.
HEARTBEAT_KEY = "ops:worker-heartbeat"


def write_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def heartbeat_age() -> float | None:
    """Seconds since a worker last wrote its heartbeat, None if never."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if beat is None else max(0.0, time.time() - float(beat))


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_cache() -> str:
    key, token = "ops:readyz", uuid.uuid4().hex
    cache.set(key, token, timeout=30)
    return OK if cache.get(key) == token else FAILED


def redis_client(url: str):
    """A Redis client that gives up fast (the broker and queue metrics)."""
    import redis

    timeout = settings.READYZ_TIMEOUT_SECONDS
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return EAGER
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        redis_client(url).ping()
    else:  # another transport: kombu connects or raises
        from kombu import Connection

        with Connection(url, connect_timeout=settings.READYZ_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1)
    age = heartbeat_age()
    if age is None or age > settings.READYZ_HEARTBEAT_MAX_AGE:
        log.warning("readyz: no Celery worker heartbeat for %s s", age)
        return FAILED
    return OK


#: Set once every migration was seen applied: the migrations on disk do not
#: change under a running process, so a green answer holds for its life and
#: later probes skip building a MigrationExecutor (it reads every migration).
_migrations_applied = False


def check_migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return OK
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        log.warning("readyz: %d migrations not applied", len(plan))
        return FAILED
    _migrations_applied = True
    return OK


def forget_migrations() -> None:
    """Check the migrations again on the next probe (tests)."""
    global _migrations_applied
    _migrations_applied = False


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "migrations": check_migrations,
}


def readiness() -> tuple[bool, dict[str, str]]:
    """Every check's answer, and whether all of them passed."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure of a component is a red answer
            log.warning("readyz: %s failed: %s", name, exc.__class__.__name__, exc_info=True)
            results[name] = FAILED
    return all(value in (OK, EAGER) for value in results.values()), results
