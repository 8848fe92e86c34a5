"""SQLite under ``make run`` (issue 10): concurrent writes wait for each other
(WAL, a busy timeout, transactions that take the write lock when they begin)
instead of answering 500 "database is locked".

The test database is in memory, where none of that applies; so the test
copies it to a file and points the request threads' connections at that
file, with the settings ``make run`` uses (``liaison/settings/base.py``).
SQLite only: PostgreSQL has its own race tests."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection, connections

from tests.concurrency import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def file_database(tmp_path):
    """The test database copied to a file; connections opened in other
    threads meanwhile use the file. Yields a function that opens it."""
    path = tmp_path / "liaison.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.settings["default"]
    in_memory = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield lambda: sqlite3.connect(path)
    finally:
        settings_dict["NAME"] = in_memory


def _count(open_db, title: str) -> int:
    db = open_db()
    try:
        return db.execute("SELECT count(*) FROM ledgers_entry WHERE title = ?", [title]).fetchone()[
            0
        ]
    finally:
        db.close()


@pytest.mark.parametrize("keyed", [False, True], ids=["plain", "idempotency-key"])
def test_ten_concurrent_posts_never_answer_500(world, keyed, request):
    clients = [world.api("admin") for _ in range(10)]  # tokens exist before the copy
    open_db = request.getfixturevalue("file_database")
    url = world.url("achievements/")
    data = {"title": "并发成果", "occurred_on": "2025-05-06", "officers": [world.officers["d1"].pk]}
    headers = {"HTTP_IDEMPOTENCY_KEY": "ten-at-once"} if keyed else {}

    def call(i):
        return lambda: clients[i].post(url, data, **headers).status_code

    statuses = race([call(i) for i in range(10)])

    assert not [s for s in statuses if not isinstance(s, int) or s >= 500], statuses
    if keyed:
        assert set(statuses) <= {201, 409}
        assert _count(open_db, "并发成果") == 1
    else:
        assert statuses == [201] * 10
        assert _count(open_db, "并发成果") == 10
    db = open_db()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
