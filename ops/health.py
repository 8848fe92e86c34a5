"""What ``/readyz`` checks: the database, the cache, the Celery broker with
a worker's heartbeat, and the migrations. Each check answers ``"ok"`` (the
broker ``"eager"`` when tasks run in process) or ``"failed"``; why it failed
goes to the log, never into the answer."""

from __future__ import annotations

import logging
import math
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
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


def _connect_within(seconds: int) -> None:
    """Open this thread's connection, when it is closed, giving up after
    ``seconds`` (libpq's ``connect_timeout``); the timeout is added to this
    one connect only, the portal's own connections keep their settings."""
    if connection.connection is not None:
        return
    params_of = connection.get_connection_params

    def with_timeout() -> dict:
        params = params_of()
        params["connect_timeout"] = seconds
        return params

    connection.get_connection_params = with_timeout
    try:
        connection.ensure_connection()
    finally:
        del connection.get_connection_params


def _connect_seconds() -> int:
    """libpq's connect_timeout: whole seconds, 2 at least."""
    return max(2, math.ceil(settings.READYZ_TIMEOUT_SECONDS))


def check_database() -> str:
    """``SELECT 1``. On PostgreSQL both the connect and the statement give
    up after ``READYZ_TIMEOUT_SECONDS`` (a server that accepts connections
    but does not answer is red, not a hung probe); the statement timeout is
    set for this check only and rolled back with it. SQLite is a local file:
    nothing to wait for."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return OK
    timeout = settings.READYZ_TIMEOUT_SECONDS
    _connect_within(_connect_seconds())
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",  # i.e. SET LOCAL
                [str(max(1, round(timeout * 1000)))],
            )
            cursor.execute("SELECT 1")
            cursor.fetchone()
        # the check wrote nothing: rolling back undoes the SET LOCAL even
        # inside an outer transaction (a test's), where a savepoint's release
        # would keep it
        transaction.set_rollback(True)
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
    if connection.vendor == "postgresql":  # a server gone since the database check
        _connect_within(_connect_seconds())
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


#: A check that reads through another (listed before it in CHECKS) fails
#: with it without being tried: the migrations are read from the database.
NEEDS = {"migrations": "database"}


def readiness() -> tuple[bool, dict[str, str]]:
    """Every check's answer, and whether all of them passed."""
    results = {}
    for name, check in CHECKS.items():
        if results.get(NEEDS.get(name)) == FAILED:
            # a part read through one that failed: the server that did not
            # answer is not waited for a second time
            results[name] = FAILED
            continue
        try:
            results[name] = check()
        except Exception as exc:  # any failure of a component is a red answer
            log.warning("readyz: %s failed: %s", name, exc.__class__.__name__, exc_info=True)
            results[name] = FAILED
    return all(value in (OK, EAGER) for value in results.values()), results
