"""Backups that restore (issue 17 item 3): a PostgreSQL custom-format dump
plus a tar of the media folder, in ``<dir>/<UTC time>/`` with a manifest of
SHA-256 sums; and the restore into a database named by ``RESTORE_DATABASE``,
which refuses a database (or media folder) that is not empty unless forced,
and the live database unless told outright.

The PostgreSQL client programs (``pg_dump``, ``pg_restore``, ``psql``) do the
work; the connection (host, port, user, password) is the one in
``DATABASE_URL``."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class Server:
    """Where the PostgreSQL server is, from the default database's settings."""

    host: str
    port: str
    user: str
    password: str
    name: str

    @classmethod
    def from_settings(cls, using: str = "default") -> Server:
        db = connections[using].settings_dict
        if connections[using].vendor != "postgresql":
            raise BackupError(
                "Backups need PostgreSQL: set DATABASE_URL=postgres://… (the SQLite "
                "default is for trying the portal out)."
            )
        return cls(
            host=str(db.get("HOST") or ""),
            port=str(db.get("PORT") or ""),
            user=str(db.get("USER") or ""),
            password=str(db.get("PASSWORD") or ""),
            name=str(db["NAME"]),
        )

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
        ):
            if value:
                env[key] = value
        return env

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - fixed programs, arguments are not shell-parsed
            list(args), env=self.env(), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise BackupError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def sql(self, database: str, query: str) -> str:
        return self.run("psql", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", query)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(*, into: Path, media_root: Path | None = None, now: dt.datetime | None = None) -> Path:
    """Write ``into/<UTC time>/`` with the dump, the media tar and the manifest."""
    server = Server.from_settings()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(into) / stamp
    if folder.exists():
        raise BackupError(f"{folder} exists already.")
    folder.mkdir(parents=True)
    try:
        server.run(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={folder / DUMP}",
            server.name,
        )
        with tarfile.open(folder / MEDIA, "w:gz") as tar:
            if media_root.is_dir():
                for child in sorted(media_root.iterdir()):
                    tar.add(child, arcname=child.name)
        manifest = {
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": server.name,
            "files": {
                name: {"sha256": _sha256(folder / name), "bytes": (folder / name).stat().st_size}
                for name in (DUMP, MEDIA)
            },
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _check(folder: Path) -> None:
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{folder} is not a backup: {MANIFEST} is missing.")
    manifest = json.loads(manifest_path.read_text())
    for name, meta in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != meta["sha256"]:
            raise BackupError(f"{path} is missing or damaged (its SHA-256 differs).")


def _database_exists(server: Server, database: str) -> bool:
    literal = database.replace("'", "''")
    return server.sql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{literal}'") != ""  # noqa: S608 - quoted literal


def _database_empty(server: Server, database: str) -> bool:
    tables = server.sql(
        database,
        "SELECT count(*) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    return int(tables.strip() or 0) == 0


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: The pg_restore goes into a database of this name first; the target is
#: replaced only once the load has succeeded.
STAGING_SUFFIX = "__restoring"


def _staging_name(database: str) -> str:
    """``<database>__restoring``, cut to PostgreSQL's 63 bytes (it would cut
    the name itself, maybe down to the target's own)."""
    base = database
    while len((base + STAGING_SUFFIX).encode()) > 63:
        base = base[:-1]
    return base + STAGING_SUFFIX


def _drop(server: Server, database: str) -> None:
    server.sql("postgres", f"DROP DATABASE IF EXISTS {_ident(database)} WITH (FORCE)")


def restore(
    *,
    folder: Path,
    database: str,
    media_root: Path | None = None,
    force: bool = False,
    replace_live: bool = False,
) -> None:
    """Load the backup in ``folder`` into ``database`` (created when missing)
    and its files into ``media_root``. A database with tables, or a media
    folder with files, is refused unless ``force``: then it is replaced. The
    database ``DATABASE_URL`` names (the live one) is refused unless
    ``replace_live`` too. The dump is loaded into ``<database>__restoring``
    and renamed to ``database`` only when the load succeeded: a failed
    ``pg_restore`` leaves the old database as it was."""
    server = Server.from_settings()
    folder = Path(folder)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if not database:
        raise BackupError("Name the database to restore into (RESTORE_DATABASE).")
    if database == server.name and not replace_live:
        raise BackupError(
            f"The database {database} is the one DATABASE_URL names, the portal's live "
            "database; restore into another (RESTORE_DATABASE), or stop the portal and "
            "add REPLACE_LIVE=1 (--replace-live) with FORCE=1 to replace it."
        )
    staging = _staging_name(database)
    if staging in (database, server.name):
        raise BackupError(f"The database name {database} is too long to restore into.")
    _check(folder)
    exists = _database_exists(server, database)
    if exists and not _database_empty(server, database) and not force:
        raise BackupError(
            f"The database {database} is not empty; restore into an empty one, or FORCE=1 "
            "to replace it."
        )
    if media_root.is_dir() and any(media_root.iterdir()) and not force:
        raise BackupError(
            f"The media folder {media_root} is not empty; use another (RESTORE_MEDIA_ROOT), "
            "or FORCE=1 to replace it."
        )
    _drop(server, staging)  # what a restore that stopped half-way left
    server.sql("postgres", f"CREATE DATABASE {_ident(staging)}")
    try:
        server.run(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={staging}",
            str(folder / DUMP),
        )
    except BaseException:
        with contextlib.suppress(BackupError):
            _drop(server, staging)
        raise
    if exists:
        server.sql("postgres", f"DROP DATABASE {_ident(database)} WITH (FORCE)")
    server.sql("postgres", f"ALTER DATABASE {_ident(staging)} RENAME TO {_ident(database)}")
    if media_root.is_dir():
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True)
    with tarfile.open(folder / MEDIA, "r:gz") as tar:
        tar.extractall(media_root, filter="data")
