"""Backups (issue 17 item 3): the commands refuse what they cannot do with a
clear message, a damaged backup is refused before anything is touched, and
the digests that ``.ci/run`` compares are canonical. (The dump and restore
themselves run against PostgreSQL in ``.ci/run`` step 5.)"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from platformadmin.backups import MANIFEST, BackupError, Server, _check, _staging_name, restore

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


# --- restore: the live database, and the load into a staging database -------


def _as_postgresql(monkeypatch):
    """Force the PostgreSQL path on any database; record what would run."""
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    ran = []

    def run(self, *args):
        ran.append(args)
        raise AssertionError(f"{args[0]} must not run")

    monkeypatch.setattr(Server, "run", run)
    return ran


def test_restore_into_the_live_database_is_refused(tmp_path, monkeypatch):
    ran = _as_postgresql(monkeypatch)
    live = Server.from_settings().name
    for force in (False, True):
        with pytest.raises(BackupError, match="is the one DATABASE_URL names"):
            restore(folder=tmp_path, database=live, media_root=tmp_path / "m", force=force)
    with pytest.raises(CommandError, match="REPLACE_LIVE=1"):
        call_command("restore", str(tmp_path), "--database", live, "--force")
    assert ran == []
    assert list(tmp_path.iterdir()) == []


def test_replace_live_lifts_only_that_refusal(tmp_path, monkeypatch):
    """With the flag the restore goes on to its other checks (here: the
    folder is not a backup), still before anything runs."""
    ran = _as_postgresql(monkeypatch)
    live = Server.from_settings().name
    with pytest.raises(CommandError, match=r"manifest\.json is missing"):
        call_command("restore", str(tmp_path), "--database", live, "--force", "--replace-live")
    assert ran == []


def test_staging_names_fit_postgresql():
    assert _staging_name("liaison") == "liaison__restoring"
    assert _staging_name("l" * 63) == "l" * 52 + "__restoring"
    assert _staging_name("联" * 30) == "联" * 17 + "__restoring"  # 3 bytes each: 62


def _backup_folder(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "database.dump").write_bytes(b"dump")
    with tarfile.open(folder / "media.tar.gz", "w:gz"):
        pass
    files = {
        name: {"sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest(), "bytes": 0}
        for name in ("database.dump", "media.tar.gz")
    }
    (folder / MANIFEST).write_text(json.dumps({"files": files}))
    return folder


def _fake_server(monkeypatch, *, restore_fails: bool):
    """psql and pg_restore as a list of what ran: the target exists with
    tables; pg_restore fails when asked to."""
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    ran = []

    def run(self, *args):
        ran.append(" ".join(args[1:]) if args[0] == "pg_restore" else args[-1])
        if args[0] == "pg_restore":
            if restore_fails:
                raise BackupError("pg_restore failed: error: could not read input file")
            return ""
        query = args[-1]
        if query.startswith("SELECT 1 FROM pg_database"):
            return "1\n"
        if query.startswith("SELECT count(*)"):
            return "12\n"
        return ""

    monkeypatch.setattr(Server, "run", run)
    return ran


def test_a_failed_load_leaves_the_old_database(tmp_path, monkeypatch):
    ran = _fake_server(monkeypatch, restore_fails=True)
    media = tmp_path / "media"
    media.mkdir()
    (media / "kept.txt").write_text("old")
    with pytest.raises(BackupError, match="pg_restore failed"):
        restore(folder=_backup_folder(tmp_path), database="target", media_root=media, force=True)
    dump = tmp_path / "backup" / "database.dump"
    assert ran[2:] == [
        'DROP DATABASE IF EXISTS "target__restoring" WITH (FORCE)',
        'CREATE DATABASE "target__restoring"',
        "--no-owner --no-privileges --exit-on-error --single-transaction "
        f"--dbname=target__restoring {dump}",
        'DROP DATABASE IF EXISTS "target__restoring" WITH (FORCE)',
    ]
    assert not any('"target"' in command for command in ran)
    assert (media / "kept.txt").read_text() == "old"


def test_the_target_is_replaced_by_a_rename_once_loaded(tmp_path, monkeypatch):
    ran = _fake_server(monkeypatch, restore_fails=False)
    restore(
        folder=_backup_folder(tmp_path), database="target", media_root=tmp_path / "m", force=True
    )
    dump = tmp_path / "backup" / "database.dump"
    assert ran[2:] == [
        'DROP DATABASE IF EXISTS "target__restoring" WITH (FORCE)',
        'CREATE DATABASE "target__restoring"',
        "--no-owner --no-privileges --exit-on-error --single-transaction "
        f"--dbname=target__restoring {dump}",
        'DROP DATABASE "target" WITH (FORCE)',
        'ALTER DATABASE "target__restoring" RENAME TO "target"',
    ]
    assert list((tmp_path / "m").iterdir()) == []
