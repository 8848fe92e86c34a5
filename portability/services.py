"""A tenant's data, whole and portable (issue 17 item 2).

:func:`tenant_export` writes one zip: ``tenant.json``, ``users.jsonl``, one
``data/<app.model>.jsonl`` per carried table (one row per line, every
column by its attribute name, foreign keys as the exporting installation's
ids), ``files/<storage name>`` for every evidence, agreement and export
file, and ``manifest.json`` last::

    {"format": 1, "tenant": slug, "exported_at": iso, "models": {label: count},
     "sha256": {member: hex}, "migrations": {app: [names]}, "missing_files": [...]}

Rows are read with ``iterator()`` inside one transaction (REPEATABLE READ on
PostgreSQL: one consistent moment) and streamed into the zip: memory does not
grow with the tenant (the set of user ids it names aside).

:func:`tenant_import` checks the whole file before it writes anything (the
manifest, every member's SHA-256 and line count, the model names, that every
migration the file was written under is applied here, safe member names),
then in one transaction creates the new tenant and inserts every row under
new ids, parents before children. What is remapped and what is kept:

- every foreign key (and the many-to-many rows) to the new ids; a
  table's references to itself are fixed up once the table is written;
- users: matched by username; a username unknown here is created with the
  exported names and e-mail, no password (an unusable one: the person sets
  one through an invitation or a platform admin's reset), never staff or
  platform admin. Passwords, API tokens, two-factor devices and login
  lockouts are never exported;
- ids stored in JSON that pages read: a finalised ranking's ``pools``
  (officer of each row) and older ``statements`` (officer, entries and
  credited officers), a quota report's ``rows`` (officer); an audit event's
  ``object_id`` where its object type is a carried table, its actor where
  that user was carried (else empty: ``actor_username`` keeps the name);
- kept verbatim, as history: audit ``changes``/``extra``, an entry event's
  ``changes``, an export record's ``provenance`` (its file was produced by
  the old tenant), a job run's ``detail``, an export job's ``params``;
- rating links: each request gets a fresh secret, so links sent for the old
  tenant do not open the new one's forms (send the open requests again);
- an export record keeps its ``export_id`` unless this installation already
  has it (an import beside the original): then it gets a new one.

Files are copied into storage while the transaction runs, under names the
storage chooses; if anything fails the copied files are deleted and the
transaction rolled back, so nothing is left. Each inserted row leaves its
``create`` audit row (the database triggers), under one request id, and one
audit event on the new tenant says where it came from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
import secrets
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Tenant, User
from audit import context as audit_ctx
from audit.choices import AuditAction
from audit.services import audit_record

from .registry import Carried, by_label, carried, target_label, user_label

FORMAT = 1
MANIFEST = "manifest.json"
TENANT_FILE = "tenant.json"
USERS_FILE = "users.jsonl"
USER_COLUMNS = ("username", "first_name", "last_name", "full_name", "email", "is_active")
CHUNK = 2000
BATCH = 500
#: A member name the import accepts: no absolute paths, no ``..``.
SAFE_NAME = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.(?:/|$))[^\\\x00]+$")


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written."""


class ExportRefused(Exception):
    """The tenant cannot be exported; nothing was written."""


def data_name(label: str) -> str:
    return f"data/{label}.jsonl"


def file_name(stored: str) -> str:
    return f"files/{stored}"


def _default(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()  # full precision (DjangoJSONEncoder cuts microseconds)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _line(row: dict) -> bytes:
    return json.dumps(row, ensure_ascii=False, default=_default).encode() + b"\n"


def _applied_migrations(using: str) -> dict[str, list[str]]:
    apps_wanted = {spec.model._meta.app_label for spec in carried()} | {"accounts"}
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if app in apps_wanted:
            applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


# --- export ---------------------------------------------------------------------------


def tenant_rows(spec: Carried, tenant: Tenant) -> models.QuerySet:
    """The tenant's rows of one carried table (rows linking to another
    tenant's rows left out)."""
    rows = spec.model._base_manager.filter(**{spec.scope: tenant})
    for name in spec.links:
        rows = rows.filter(
            models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__tenant": tenant})
        )
    if spec.label == "scoring.exportjob":  # the tenant's earlier zips: no zip inside the zip
        rows = rows.exclude(kind="tenant")
    return rows.order_by("pk")


class _Member:
    """A zip member being written, hashed as it goes."""

    def __init__(self, archive: zipfile.ZipFile, name: str, digests: dict[str, str]):
        self.handle = archive.open(name, "w", force_zip64=True)
        self.hash = hashlib.sha256()
        self.name, self.digests = name, digests

    def write(self, data: bytes) -> None:
        self.hash.update(data)
        self.handle.write(data)

    def close(self) -> None:
        self.handle.close()
        self.digests[self.name] = self.hash.hexdigest()


def _encode_row(spec: Carried, values: tuple, users: set[int]) -> dict:
    row = {}
    for field_, value in zip(spec.fields, values, strict=True):
        if field_.is_relation and value is not None:
            target = target_label(field_)
            if target == "auth.permission":
                value = list(_permission_key(value))
            elif target == "contenttypes.contenttype":
                ct = ContentType.objects.get_for_id(value)
                value = [ct.app_label, ct.model]
            elif target == user_label() and field_.db_constraint:
                users.add(value)
        row[field_.attname] = value
    return row


_PERMISSIONS: dict[int, tuple[str, str]] = {}


def _permission_key(pk: int) -> tuple[str, str]:
    if pk not in _PERMISSIONS:
        perm = Permission.objects.select_related("content_type").get(pk=pk)
        _PERMISSIONS[pk] = (perm.content_type.app_label, perm.codename)
    return _PERMISSIONS[pk]


@contextlib.contextmanager
def _snapshot(using: str):
    """One consistent view of the tenant while the zip is written: a
    transaction (on PostgreSQL REPEATABLE READ: every table read as of the
    same moment, so no row points at one written after its table was read).
    Inside a caller's transaction, that transaction's view is used."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def tenant_export(
    *, tenant: Tenant, out, progress: Callable[[int, int], None] | None = None, actor=None
) -> dict:
    """Write the tenant's zip to ``out`` (a path or a binary file opened for
    writing) and return its manifest. Records an ``export`` audit event.
    ``progress(done, total)`` is called from inside the read transaction:
    it must not write to the database (the task keeps it in the cache)."""
    with _snapshot(tenant._state.db or DEFAULT_DB_ALIAS):
        manifest = _write_zip(tenant=tenant, out=out, progress=progress)
    audit_record(
        tenant_ids=[tenant.pk],
        action=AuditAction.EXPORT,
        object_type="tenant",
        object_id=str(tenant.pk),
        extra={
            "rows": sum(manifest["models"].values()) - manifest["models"][user_label()],
            "users": manifest["models"][user_label()],
        },
        actor=actor,
    )
    return manifest


def _write_zip(*, tenant: Tenant, out, progress: Callable[[int, int], None] | None) -> dict:
    specs = carried()
    counts = {spec.label: tenant_rows(spec, tenant).count() for spec in specs}
    total, done = sum(counts.values()) or 1, 0
    digests: dict[str, str] = {}
    users: set[int] = set()
    missing: list[str] = []
    written_files: set[str] = set()
    pending: list[tuple[object, str]] = []
    exported_at = timezone.now()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        member = _Member(archive, TENANT_FILE, digests)
        member.write(
            _line(
                {
                    "slug": tenant.slug,
                    "name": tenant.name,
                    "preset": tenant.preset,
                    "created_at": tenant.created_at,
                }
            )
        )
        member.close()
        for spec in specs:
            attnames = [f.attname for f in spec.fields]
            file_fields = [i for i, f in enumerate(spec.fields) if isinstance(f, models.FileField)]
            member = _Member(archive, data_name(spec.label), digests)
            written = 0
            rows = tenant_rows(spec, tenant).values_list(*attnames)
            for values in rows.iterator(chunk_size=CHUNK):
                member.write(_line(_encode_row(spec, values, users)))
                written += 1
                for i in file_fields:
                    stored = values[i]
                    if stored and stored not in written_files:
                        written_files.add(stored)
                        pending.append((spec.fields[i].storage, stored))
                done += 1
                if progress is not None and done % CHUNK == 0:
                    progress(done, total)
            member.close()
            # a zip takes one member at a time: the table's files follow its rows
            for storage, stored in pending:
                if not _copy_file(archive, storage, stored, digests):
                    missing.append(stored)
            pending.clear()
            counts[spec.label] = written  # rows written meanwhile are not counted twice
        member = _Member(archive, USERS_FILE, digests)
        user_count = 0
        for values in (
            User.objects.filter(pk__in=users).order_by("pk").values_list("pk", *USER_COLUMNS)
        ).iterator(chunk_size=CHUNK):
            member.write(_line(dict(zip(("id", *USER_COLUMNS), values, strict=True))))
            user_count += 1
        member.close()
        manifest = {
            "format": FORMAT,
            "tenant": tenant.slug,
            "exported_at": exported_at.isoformat(),
            "models": {user_label(): user_count, **counts},
            "sha256": dict(sorted(digests.items())),
            "migrations": _applied_migrations(tenant._state.db or DEFAULT_DB_ALIAS),
            "missing_files": sorted(missing),
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    if progress is not None:
        progress(total, total)
    return manifest


def _copy_file(archive, storage, stored: str, digests: dict[str, str]) -> bool:
    try:
        source = storage.open(stored, "rb")
    except (FileNotFoundError, OSError):
        return False
    member = _Member(archive, file_name(stored), digests)
    with source:
        while chunk := source.read(1 << 20):
            member.write(chunk)
    member.close()
    return True


def export_to_path(*, slug: str, out: str | Path) -> dict:
    """The command's export: an unknown slug writes nothing; the zip appears
    under ``out`` only when complete (written beside it, then renamed)."""
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise ExportRefused(_("No tenant %(slug)s.") % {"slug": slug})
    target = Path(out)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        manifest = tenant_export(tenant=tenant, out=partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


# --- import: checks -------------------------------------------------------------------


def _refuse(message: str) -> ImportRefused:
    return ImportRefused(message)


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise _refuse(_("The file has no manifest.json: it is not a tenant export.")) from None
    except (ValueError, zipfile.BadZipFile, OSError):
        raise _refuse(_("The manifest.json of the file cannot be read.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(_("The file is not a tenant export of a format this portal reads."))
    for key, kind in (("models", dict), ("sha256", dict), ("migrations", dict), ("tenant", str)):
        if not isinstance(manifest.get(key), kind):
            raise _refuse(_("The manifest.json lacks %(key)s.") % {"key": key})
    return manifest


def check_archive(archive: zipfile.ZipFile, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Every check an import makes before writing; the manifest if all pass."""
    manifest = _read_manifest(archive)
    known = set(by_label()) | {user_label()}
    unknown = sorted(set(manifest["models"]) - known)
    if unknown:
        raise _refuse(
            _("The file holds tables this portal does not know: %(names)s.")
            % {"names": ", ".join(unknown)}
        )
    listed = manifest["sha256"]
    names = [info.filename for info in archive.infolist()]
    if len(names) != len(set(names)):
        raise _refuse(_("The file holds a member twice."))
    present = set(names) - {MANIFEST}
    wanted = {TENANT_FILE, USERS_FILE} | {
        data_name(label) for label in manifest["models"] if label != user_label()
    }
    for name in sorted(present | set(listed)):
        if not SAFE_NAME.match(name):
            raise _refuse(
                _("The file names a member outside the export: %(name)s.") % {"name": name}
            )
    if missing := sorted((set(listed) | wanted) - present):
        raise _refuse(_("The file lacks %(names)s.") % {"names": ", ".join(missing[:5])})
    if extra := sorted(present - set(listed)):
        raise _refuse(
            _("The file holds members its manifest does not list: %(names)s.")
            % {"names": ", ".join(extra[:5])}
        )
    for name in sorted(present):
        digest, lines = hashlib.sha256(), 0
        try:
            with archive.open(name) as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
                    lines += chunk.count(b"\n")
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
            raise _refuse(
                _("The member %(name)s of the file is damaged.") % {"name": name}
            ) from None
        if digest.hexdigest() != listed[name]:
            raise _refuse(
                _("The checksum of %(name)s does not match the manifest.") % {"name": name}
            )
        label = name[len("data/") : -len(".jsonl")] if name.startswith("data/") else None
        if name == USERS_FILE:
            label = user_label()
        if label is not None and lines != manifest["models"].get(label):
            raise _refuse(
                _("%(name)s holds %(lines)d rows; the manifest says %(count)s.")
                % {"name": name, "lines": lines, "count": manifest["models"].get(label)}
            )
    here = _applied_migrations(using)
    behind = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if name not in here.get(app, [])
    )
    if behind:
        raise _refuse(
            _(
                "The file was written by a newer version of the portal (migrations %(names)s are "
                "not applied here): upgrade this installation first."
            )
            % {"names": ", ".join(behind[:5])}
        )
    return manifest


# --- import: writing -----------------------------------------------------------------


@dataclass
class ImportResult:
    tenant: Tenant
    manifest: dict
    request_id: str
    ids: dict[str, dict[int, int]] = field(default_factory=dict)
    users_created: list[str] = field(default_factory=list)
    users_matched: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _rows(archive: zipfile.ZipFile, name: str) -> Iterator[dict]:
    with archive.open(name) as handle:
        for raw in io.TextIOWrapper(handle, encoding="utf-8"):
            try:
                row = json.loads(raw)
            except ValueError:
                raise _refuse(_("A row of %(name)s cannot be read.") % {"name": name}) from None
            if not isinstance(row, dict):
                raise _refuse(_("A row of %(name)s cannot be read.") % {"name": name})
            yield row


class _Importer:
    def __init__(self, archive: zipfile.ZipFile, manifest: dict, slug: str, using: str):
        self.archive, self.manifest, self.slug, self.using = archive, manifest, slug, using
        self.ids: dict[str, dict[int, int]] = {}
        self.saved: list[tuple[object, str]] = []  # (storage, name) copied so far
        self.permissions: dict[tuple[str, str], int] = {}
        self.object_types = self._object_types()

    @staticmethod
    def _object_types() -> dict[str, str]:
        """Audit object type (model name) -> carried label, where unambiguous."""
        seen: dict[str, list[str]] = {}
        for label in [*by_label(), user_label(), "accounts.tenant"]:
            seen.setdefault(label.split(".", 1)[1], []).append(label)
        return {name: labels[0] for name, labels in seen.items() if len(labels) == 1}

    # -- the tenant and its users
    def tenant(self) -> Tenant:
        rows = list(_rows(self.archive, TENANT_FILE))
        if len(rows) != 1:
            raise _refuse(_("The tenant.json of the file cannot be read."))
        source = rows[0]
        tenant = Tenant(
            slug=self.slug,
            name=str(source.get("name") or self.slug)[:200],
            preset=source.get("preset", ""),
        )
        try:
            tenant.full_clean()
        except ValidationError as exc:
            raise _refuse("; ".join(exc.messages)) from None
        tenant.save(using=self.using)
        self.ids["accounts.tenant"] = {}
        self.new_tenant = tenant
        return tenant

    def users(self, result: ImportResult) -> None:
        mapping = self.ids.setdefault(user_label(), {})
        for row in _rows(self.archive, USERS_FILE):
            username = row.get("username")
            if not isinstance(username, str) or not username or not isinstance(row.get("id"), int):
                raise _refuse(_("A user of the file has no username."))
            user = User.objects.using(self.using).filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    **{k: row[k] for k in USER_COLUMNS[1:] if k in row and row[k] is not None},
                )
                user.set_unusable_password()
                try:
                    user.full_clean(exclude=["password"])
                except ValidationError as exc:
                    raise _refuse(f"{username}: " + "; ".join(exc.messages)) from None
                user.save(using=self.using)
                result.users_created.append(username)
            else:
                result.users_matched.append(username)
            mapping[row["id"]] = user.pk

    # -- values
    def fk(self, field_: models.Field, value, label: str, deferred: list, row_pk) -> object:
        if value is None:
            return None
        target = target_label(field_)
        if target == "accounts.tenant":
            return self.new_tenant.pk
        if target == "auth.permission":
            return self._permission(value)
        if target == "contenttypes.contenttype":
            try:
                return ContentType.objects.db_manager(self.using).get_by_natural_key(*value).pk
            except (ContentType.DoesNotExist, TypeError):
                raise _refuse(
                    _("The file names an unknown content type %(v)s.") % {"v": value}
                ) from None
        mapping = self.ids.get(target)
        if mapping is None:
            raise _refuse(
                _("%(label)s points at %(target)s, which the file does not hold.")
                % {"label": label, "target": target}
            )
        if value in mapping:
            return mapping[value]
        if target == label and field_.null:
            deferred.append((row_pk, field_.attname, value))
            return None
        if field_.null and (not field_.db_constraint or target == user_label()):
            return None  # a deleted user or a row the log outlived: the name stays in the row
        raise _refuse(
            _("A row of %(label)s points at a missing %(target)s %(id)s.")
            % {"label": label, "target": target, "id": value}
        )

    def _permission(self, value) -> int:
        key = tuple(value) if isinstance(value, list) else None
        if key is None or len(key) != 2:
            raise _refuse(_("The file names an unknown permission %(v)s.") % {"v": value})
        if key not in self.permissions:
            perm = (
                Permission.objects.using(self.using)
                .filter(content_type__app_label=key[0], codename=key[1])
                .first()
            )
            if perm is None:
                raise _refuse(_("The file names an unknown permission %(v)s.") % {"v": value})
            self.permissions[key] = perm.pk
        return self.permissions[key]

    def _officer(self, value):
        if value is None:
            return None
        return self.ids["roster.officer"].get(int(value))

    def json(self, label: str, attname: str, value):
        """Ids stored in JSON that pages read, remapped (see the module)."""
        if label == "scoring.rankingsnapshot" and attname == "pools" and isinstance(value, list):
            return [
                {
                    **pool,
                    "rows": [
                        {**r, "officer": self._officer(r.get("officer"))}
                        for r in pool.get("rows", [])
                    ],
                }
                for pool in value
            ]
        if label == "scoring.rankingsnapshot" and attname == "statements" and value:
            entries = self.ids["ledgers.entry"]
            out = {}
            for key, statement in value.items():
                officer = self._officer(key)
                lines = [
                    {
                        **line,
                        "entry": entries.get(line.get("entry")),
                        "credited": [self._officer(o) for o in line.get("credited", [])],
                    }
                    for line in statement.get("lines", [])
                ]
                out[str(officer)] = {**statement, "officer": officer, "lines": lines}
            return out
        if label == "scoring.quotareport" and attname == "rows" and isinstance(value, list):
            return [
                {**r, "officer": self._officer(r.get("officer"))} if isinstance(r, dict) else r
                for r in value
            ]
        return value

    def file(self, field_: models.FileField, stored):
        if not stored:
            return stored
        member = file_name(stored)
        if member not in self.manifest["sha256"]:
            return stored  # missing when exported (manifest "missing_files"): kept as it was
        with self.archive.open(member) as handle:
            from django.core.files import File

            name = field_.storage.save(stored, File(handle, name=Path(stored).name))
        self.saved.append((field_.storage, name))
        return name

    # -- one table
    def table(self, spec: Carried) -> None:
        label, model = spec.label, spec.model
        mapping = self.ids.setdefault(label, {})
        if data_name(label) not in self.manifest["sha256"]:
            return  # a table newer than the file (its migrations were checked): no rows
        fields = {f.attname: f for f in spec.fields}
        pk = model._meta.pk
        insert_fields = [f for f in spec.fields if f is not pk]
        deferred: list[tuple[int, str, int]] = []
        batch: list[tuple[int, models.Model]] = []
        connection = connections[self.using]

        def flush():
            if not batch:
                return
            objs = [obj for _old, obj in batch]
            returned = model._base_manager.db_manager(self.using)._insert(
                objs, fields=insert_fields, returning_fields=[pk], raw=True, using=self.using
            )
            for (old, _obj), values in zip(batch, returned, strict=True):
                mapping[old] = values[0]
            batch.clear()

        size = max(1, min(BATCH, connection.ops.bulk_batch_size(insert_fields, [None] * BATCH)))
        for row in _rows(self.archive, data_name(label)):
            unknown = set(row) - set(fields)
            if unknown:
                raise _refuse(
                    _("%(label)s has columns this portal does not know: %(names)s.")
                    % {"label": label, "names": ", ".join(sorted(unknown))}
                )
            old = row.get(pk.attname)
            if not isinstance(old, int) or old in mapping:
                raise _refuse(
                    _("A row of %(label)s has no id or a repeated one.") % {"label": label}
                )
            values = {}
            for attname, value in row.items():
                f = fields[attname]
                if f is pk:
                    continue
                if f.is_relation:
                    value = self.fk(f, value, label, deferred, old)
                elif isinstance(f, models.FileField):
                    value = self.file(f, value)
                elif isinstance(f, models.JSONField):
                    value = self.json(label, attname, value)
                elif value is not None:
                    try:
                        value = f.to_python(value)
                    except ValidationError:
                        raise _refuse(
                            _("A value of %(label)s.%(field)s cannot be read.")
                            % {"label": label, "field": attname}
                        ) from None
                values[attname] = value
            for f in insert_fields:  # a file from before the table had its tenant column
                if (
                    f.is_relation
                    and f.attname not in values
                    and target_label(f) == "accounts.tenant"
                ):
                    values[f.attname] = self.new_tenant.pk
            values.update(self.fresh(label, values))
            obj = model(**values)
            batch.append((old, obj))
            if len(batch) >= size:
                flush()
        flush()
        for old, attname, target in deferred:
            if target not in mapping:
                raise _refuse(
                    _("A row of %(label)s points at a missing %(target)s %(id)s.")
                    % {"label": label, "target": label, "id": target}
                )
            model._base_manager.db_manager(self.using).filter(pk=mapping[old]).update(
                **{attname: mapping[target]}
            )

    def fresh(self, label: str, values: dict) -> dict:
        """Values unique across the installation that a copy may not reuse."""
        if label == "assessment.ratingrequest":
            return {"token_digest": hashlib.sha256(secrets.token_bytes(32)).hexdigest()}
        if label == "audit.exportrecord":
            from audit.models import ExportRecord

            taken = (
                ExportRecord.objects.using(self.using)
                .filter(export_id=values.get("export_id"))
                .exists()
            )
            return {"export_id": uuid.uuid4().hex} if taken else {}
        if label == "audit.auditevent":
            object_id = str(values.get("object_id") or "")
            return {"object_id": self.audit_object_id(values.get("object_type", ""), object_id)}
        return {}

    def audit_object_id(self, object_type: str, object_id: str) -> str:
        mapped = self.object_types.get(object_type)
        if mapped is None or not object_id.isdigit():
            return object_id
        if mapped == "accounts.tenant":
            return str(self.new_tenant.pk)
        new = self.ids.get(mapped, {}).get(int(object_id))
        return object_id if new is None else str(new)

    def run(self) -> ImportResult:
        request_id = f"importtenant-{uuid.uuid4().hex}"
        with audit_ctx.audit_context(request_id=request_id, actor_username="importtenant"):
            tenant = self.tenant()
            audit_ctx.bind(tenant=tenant)
            result = ImportResult(tenant=tenant, manifest=self.manifest, request_id=request_id)
            self.users(result)
            for spec in carried():
                self.table(spec)
            audit_record(
                tenant_ids=[tenant.pk],
                action=AuditAction.CREATE,
                object_type="tenant",
                object_id=str(tenant.pk),
                extra={
                    "imported_from": self.manifest["tenant"],
                    "exported_at": self.manifest.get("exported_at", ""),
                    "users_created": len(result.users_created),
                },
            )
        result.ids = self.ids
        result.files = [name for _storage, name in self.saved]
        return result


def tenant_import(*, source, slug: str, using: str = DEFAULT_DB_ALIAS) -> ImportResult:
    """Import a tenant export (a path or a binary file) as the new tenant
    ``slug``; all or nothing (:class:`ImportRefused` says why)."""
    try:
        validate_slug(slug)
    except ValidationError:
        raise _refuse(_("%(slug)s is not a valid tenant slug.") % {"slug": slug}) from None
    if Tenant.objects.using(using).filter(slug=slug).exists():
        raise _refuse(_("A tenant %(slug)s exists already; nothing was imported.") % {"slug": slug})
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise _refuse(_("The file is not a readable zip.")) from None
    with archive:
        manifest = check_archive(archive, using=using)
        importer = _Importer(archive, manifest, slug, using)
        try:
            with transaction.atomic(using=using):
                return importer.run()
        except BaseException:
            for storage, name in importer.saved:
                storage.delete(name)
            raise
