"""/healthz and /readyz (issue 17 item 4): for the load balancer, without a
login, revealing nothing but which component failed."""

from __future__ import annotations

import json
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections
from django.test import override_settings

from ops import health
from ops.tasks import worker_heartbeat

from .redis_server import redis_server  # noqa: F401  (fixture)

ALL_OK = {"database": "ok", "cache": "ok", "broker": "eager", "migrations": "ok"}


@pytest.fixture(autouse=True)
def _fresh_process():
    """Each test starts as a fresh process: no green migrations remembered."""
    health.forget_migrations()
    yield
    health.forget_migrations()


def _get(client, path, **extra):
    response = client.get(path, **extra)
    return response.status_code, json.loads(response.content), response


def test_healthz_answers_ok_and_touches_nothing(client):
    # No django_db mark: a query would raise.
    with mock.patch.object(cache, "get") as cache_get:
        status, body, response = _get(client, "/healthz")
    assert (status, body) == (200, {"status": "ok"})
    assert cache_get.call_count == 0
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["portal.example.gov.cn"])
def test_probes_by_address_over_http_are_answered():
    """A load balancer probes http://10.0.0.5:8000/healthz: no HTTPS redirect,
    no host check (the portal's pages still get both)."""
    from django.test import Client

    client = Client(HTTP_HOST="10.0.0.5:8000")
    assert _get(client, "/healthz")[:2] == (200, {"status": "ok"})
    assert _get(client, "/readyz")[:2] == (200, ALL_OK)
    assert client.get("/accounts/login/").status_code == 400  # DisallowedHost
    portal = Client(HTTP_HOST="portal.example.gov.cn")
    assert portal.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
def test_readyz_all_green_under_eager_celery(client):
    status, body, response = _get(client, "/readyz")
    assert (status, body) == (200, ALL_OK)
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_needs_no_login_and_sets_no_cookie(client, world):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    client.force_login(world.users["officer"])
    assert client.get("/readyz").status_code == 200


def _database_down():
    return mock.patch.object(
        health.connection, "cursor", side_effect=OperationalError("could not connect to 10.0.0.9")
    )


def _cache_down():
    return mock.patch.object(cache, "set", side_effect=ConnectionError("redis at 10.0.0.7 refused"))


def _migrations_pending():
    return mock.patch.object(
        health.MigrationExecutor, "migration_plan", return_value=[("accounts", "0099_new")]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("component", "failure"),
    [("database", _database_down), ("cache", _cache_down), ("migrations", _migrations_pending)],
)
def test_readyz_names_the_failed_component_and_nothing_else(client, component, failure):
    with failure():
        status, body, response = _get(client, "/readyz")
    expected = dict(ALL_OK)
    expected[component] = "failed"
    if component == "database":
        expected["migrations"] = "failed"  # the migrations are read from the database
    assert (status, body) == (503, expected)
    text = response.content.decode()
    assert "10.0.0" not in text and "0099" not in text and "refused" not in text


BROKER = "redis://127.0.0.1:{port}/0"


@pytest.mark.django_db
def test_broker_needs_a_fresh_worker_heartbeat(client, redis_server):  # noqa: F811
    url = BROKER.format(port=redis_server.port)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url):
        assert _get(client, "/readyz")[:2] == (503, {**ALL_OK, "broker": "failed"})
        worker_heartbeat()  # what the worker runs every minute
        assert _get(client, "/readyz")[:2] == (200, {**ALL_OK, "broker": "ok"})
        cache.set(health.HEARTBEAT_KEY, time.time() - 301, timeout=None)
        assert _get(client, "/readyz")[:2] == (503, {**ALL_OK, "broker": "failed"})
        cache.set(health.HEARTBEAT_KEY, time.time() - 299, timeout=None)
        assert _get(client, "/readyz")[:2] == (200, {**ALL_OK, "broker": "ok"})


@pytest.mark.django_db
def test_a_worker_starting_writes_its_heartbeat():
    from celery.signals import worker_ready

    assert health.heartbeat_age() is None
    worker_ready.send(sender=None)
    assert 0 <= health.heartbeat_age() < 5


@pytest.mark.django_db
def test_a_worker_reconnecting_to_the_broker_writes_its_heartbeat(caplog):
    """Redis restarted without persistence takes the heartbeat with it: the
    worker's consumer writes it again each time it (re)connects, so /readyz
    turns green as soon as the worker is back (.ci/readyz-redis checks it
    against a real Redis stopped and started)."""
    from liaison.celery import app
    from ops.metrics import HeartbeatOnConnect

    assert HeartbeatOnConnect in app.steps["consumer"]
    assert HeartbeatOnConnect.requires == ("celery.worker.consumer.connection:Connection",)
    step = HeartbeatOnConnect(parent=mock.Mock())
    assert health.heartbeat_age() is None
    step.start(mock.Mock())
    assert 0 <= health.heartbeat_age() < 5
    # the cache still down: logged, the consumer goes on (beat's task writes it later)
    with mock.patch.object(cache, "set", side_effect=ConnectionError("down")):
        step.start(mock.Mock())
    assert "could not write the worker heartbeat on connect" in caplog.text


@pytest.mark.django_db
def test_broker_unreachable_is_red(client, redis_server):  # noqa: F811
    worker_heartbeat()
    with override_settings(
        CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=BROKER.format(port=redis_server.port)
    ):
        assert _get(client, "/readyz")[0] == 200
        redis_server.stop()
        assert _get(client, "/readyz")[:2] == (503, {**ALL_OK, "broker": "failed"})


@pytest.mark.django_db
def test_readyz_red_while_redis_is_stopped_and_green_when_it_returns(client, redis_server):  # noqa: F811
    """Cache and broker on a real Redis: stop it, readyz is red naming both;
    start it again, readyz is green once a worker has beaten again."""
    url = BROKER.format(port=redis_server.port)
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{redis_server.port}/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=caches, CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url):
        worker_heartbeat()
        assert _get(client, "/readyz")[:2] == (200, {**ALL_OK, "broker": "ok"})
        redis_server.stop()
        assert _get(client, "/readyz")[:2] == (
            503,
            {**ALL_OK, "cache": "failed", "broker": "failed"},
        )
        redis_server.start()
        # Redis is back, empty: the cache answers, the broker waits for a beat.
        assert _get(client, "/readyz")[:2] == (503, {**ALL_OK, "broker": "failed"})
        worker_heartbeat()
        assert _get(client, "/readyz")[:2] == (200, {**ALL_OK, "broker": "ok"})


@pytest.mark.django_db
def test_green_migrations_are_remembered_for_the_life_of_the_process(client):
    """Pending migrations are checked on every probe until they are applied;
    once green, no probe builds a MigrationExecutor again."""
    with _migrations_pending():
        assert _get(client, "/readyz")[:2] == (503, {**ALL_OK, "migrations": "failed"})
        assert _get(client, "/readyz")[:2] == (503, {**ALL_OK, "migrations": "failed"})
    with mock.patch.object(health, "MigrationExecutor", wraps=health.MigrationExecutor) as executor:
        assert _get(client, "/readyz")[:2] == (200, ALL_OK)
        assert executor.call_count == 1
        assert _get(client, "/readyz")[:2] == (200, ALL_OK)
        assert _get(client, "/readyz")[:2] == (200, ALL_OK)
        assert executor.call_count == 1
    health.forget_migrations()
    with _migrations_pending():
        assert _get(client, "/readyz")[:2] == (503, {**ALL_OK, "migrations": "failed"})


@pytest.mark.django_db
def test_a_fresh_deploy_is_red_until_a_worker_starts(client, redis_server):  # noqa: F811
    """No heartbeat yet is "failed", not a grace period (that would call a
    deploy without a worker ready): the worker writes one as it starts, so
    readyz turns green as soon as it is up (README: Operations)."""
    from celery.signals import worker_ready

    url = BROKER.format(port=redis_server.port)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url):
        assert _get(client, "/readyz")[:2] == (503, {**ALL_OK, "broker": "failed"})
        worker_ready.send(sender=None)
        assert _get(client, "/readyz")[:2] == (200, {**ALL_OK, "broker": "ok"})


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/7",
    }
}


@pytest.mark.parametrize(
    ("broker", "eager", "caches", "warned"),
    [
        ("redis://127.0.0.1:6379/0", False, LOCMEM, True),
        ("redis://127.0.0.1:6379/0", False, REDIS_CACHE, False),
        ("redis://127.0.0.1:6379/0", True, LOCMEM, False),  # tasks in process
        ("", True, LOCMEM, False),  # make run
    ],
)
def test_a_broker_with_a_per_process_cache_is_warned_of(broker, eager, caches, warned):
    from django.core.checks import run_checks

    with override_settings(CELERY_BROKER_URL=broker, CELERY_TASK_ALWAYS_EAGER=eager, CACHES=caches):
        ids = [message.id for message in run_checks()]
    assert ids == (["ops.W001"] if warned else [])


class _RecordingCursor:
    def __init__(self, statements):
        self.statements = statements

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.statements.append((sql, params))

    def fetchone(self):
        return (1,)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seconds", "statement_ms", "connect_s"), [(2.0, "2000", 2), (0.5, "500", 2), (3.5, "3500", 4)]
)
def test_the_database_check_gives_up_after_the_readyz_timeout(seconds, statement_ms, connect_s):
    """The PostgreSQL path, forced on any database: a closed connection is
    opened with connect_timeout, the statement runs under a statement_timeout
    set for the check only (rolled back with it), and the connection's own
    parameters are left as they were."""
    connection = health.connection
    statements, connects, rollbacks = [], [], []

    def connect():
        connects.append(connection.get_connection_params())

    with (
        override_settings(READYZ_TIMEOUT_SECONDS=seconds),
        mock.patch.object(connection, "vendor", "postgresql"),
        mock.patch.object(connection, "connection", None),
        mock.patch.object(connection, "ensure_connection", side_effect=connect),
        mock.patch.object(health.transaction, "atomic", return_value=_RecordingCursor([])),
        mock.patch.object(health.transaction, "set_rollback", side_effect=rollbacks.append),
        mock.patch.object(connection, "cursor", side_effect=lambda: _RecordingCursor(statements)),
    ):
        assert health.check_database() == "ok"
    assert [params["connect_timeout"] for params in connects] == [connect_s]
    assert statements == [
        ("SELECT set_config('statement_timeout', %s, true)", [statement_ms]),
        ("SELECT 1", None),
    ]
    assert rollbacks == [True]
    assert "get_connection_params" not in vars(connections["default"])
    assert "connect_timeout" not in connections["default"].get_connection_params()


@pytest.mark.django_db
def test_an_open_connection_is_not_reopened_by_the_database_check():
    connection = health.connection
    connection.ensure_connection()
    with mock.patch.object(connection, "get_new_connection") as reconnect:
        health._connect_within(2)
    assert reconnect.call_count == 0
    assert health.check_database() == "ok"


@pytest.mark.django_db
def test_the_migrations_check_reconnects_within_the_timeout_too():
    """After a failed database check the connection is closed: the migrations
    check opens it again with the same connect_timeout, not an unbounded one."""
    connection = health.connection
    connects = []
    with (
        override_settings(READYZ_TIMEOUT_SECONDS=3.0),
        mock.patch.object(connection, "vendor", "postgresql"),
        mock.patch.object(connection, "connection", None),
        mock.patch.object(
            connection,
            "ensure_connection",
            side_effect=lambda: connects.append(connection.get_connection_params()),
        ),
        mock.patch.object(health, "MigrationExecutor") as executor,
    ):
        executor.return_value.migration_plan.return_value = []
        assert health.check_migrations() == "ok"
    assert [params["connect_timeout"] for params in connects] == [3]


@pytest.mark.django_db
def test_a_dead_database_is_not_waited_for_twice(client):
    """The migrations are read from the database: once its check failed,
    /readyz answers at once instead of trying to connect a second time."""
    with (
        _database_down(),
        mock.patch.object(health, "MigrationExecutor") as executor,
        mock.patch.object(health, "_connect_within") as connect,
    ):
        status, body, _response = _get(client, "/readyz")
    assert (status, body) == (503, {**ALL_OK, "database": "failed", "migrations": "failed"})
    assert executor.call_count == 0
    # the database check's own connect only (PostgreSQL), not the migrations'
    assert connect.call_count == (1 if health.connection.vendor == "postgresql" else 0)
