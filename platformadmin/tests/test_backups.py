"""Backups (issue 17 item 3): the commands refuse what they cannot do with a
clear message, a damaged backup is refused before anything is touched, and
the digests that ``.ci/run`` compares are canonical. (The dump and restore
themselves run against PostgreSQL in ``.ci/run`` step 5.)"""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from platformadmin.backups import MANIFEST, BackupError, _check

pytestmark = pytest.mark.django_db


def test_backup_on_sqlite_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")  # CI runs on PostgreSQL
    with pytest.raises(CommandError, match="Backups need PostgreSQL"):
        call_command("backup", "--dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_restore_on_sqlite_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")  # CI runs on PostgreSQL
    with pytest.raises(CommandError, match="Backups need PostgreSQL"):
        call_command("restore", str(tmp_path), "--database", "x")


def test_a_damaged_backup_is_refused(tmp_path):
    (tmp_path / "database.dump").write_bytes(b"dump")
    files = {"database.dump": {"sha256": hashlib.sha256(b"dump").hexdigest(), "bytes": 4}}
    (tmp_path / MANIFEST).write_text(json.dumps({"files": files}))
    _check(tmp_path)  # intact: no error
    (tmp_path / "database.dump").write_bytes(b"dumq")
    with pytest.raises(BackupError, match="missing or damaged"):
        _check(tmp_path)
    (tmp_path / MANIFEST).unlink()
    with pytest.raises(BackupError, match=r"manifest\.json is missing"):
        _check(tmp_path)


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def test_ranking_digest_is_one_line_per_tenant_and_the_same_each_time(world, other_world):
    first = _run("rankingdigest", "--year", "2025")
    assert [line.split()[0] for line in first] == ["alpha", "beta", "total"]
    assert all(len(line.split()[1]) == 64 for line in first)
    assert _run("rankingdigest", "--year", "2025") == first
    # alpha and beta hold the same entries under their own names: digests differ
    assert first[0].split()[1] != first[1].split()[1]


def test_table_counts_list_every_table(world):
    lines = dict(line.split() for line in _run("tablecounts"))
    assert lines["accounts_tenant"] == "1"
    assert lines["roster_officer"] == "4"
    assert lines["platformadmin_tenantpurge"] == "0"
