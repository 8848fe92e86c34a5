"""The audit log made readable: labels of object types, fields and actions,
and each change as (field, before, after) text.

The triggers store raw column values: foreign keys as ids, choices as their
codes, times in UTC. :class:`Names` turns ids into names (one query per
related table for a page or an export chunk), choices become their labels
and times are shown in the site's time zone, like the event's own time."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from .choices import OBJECT_TYPE_LABELS, AuditAction
from .models import AuditEvent

#: Labels of foreign-key columns whose model field has no verbose name of its
#: own (Django would show the English field name).
_RELATION_LABELS = {
    "created_by": _("Created by"),
    "verified_by": _("Verified by"),
    "disqualified_by": _("Disqualified by"),
    "published_by": _("Published by"),
    "nominated_by": _("Nominated by"),
    "decided_by": _("Decided by"),
    "uploaded_by": _("Uploaded by"),
    "actor": _("Actor"),
    "round": _("Selection round"),
    "from_entry": _("Ledger entry"),
    "to_entry": _("Matched demand"),
    "permission": _("Permission"),
}

#: Keys of changes that are no column (written by services) and of the
#: details of security events.
_KEY_LABELS = {
    "two_factor": _("Two-factor sign-in"),
    "username": _("Username"),
    "path": _("Path"),
    "method": _("Method"),
    "ip": _("IP address"),
    "view": _("View"),
    "filename": _("File name"),
    # words: the keys of an entry's history changes that are no column
    "officers": _("Credited officers"),
    "evidence": _("Evidence"),
    # tenant-port (issue 17): a tenant exported or imported whole
    "rows": _("Rows"),
    "users": _("Users"),
    "imported_from": _("Imported from"),
    "exported_at": _("Exported at"),
    "users_created": _("Users created"),
}


def _borrowed_choices() -> dict[tuple[str, str], dict]:
    """Columns that store another model's choice codes without declaring
    them (the status before and after in a history row)."""
    from accounts.choices import Role
    from ledgers.choices import EntryStatus
    from roster.choices import Stage

    return {
        ("entryevent", "from_status"): dict(EntryStatus.choices),
        ("entryevent", "to_status"): dict(EntryStatus.choices),
        ("nominationtransition", "from_stage"): dict(Stage.choices),
        ("nominationtransition", "to_stage"): dict(Stage.choices),
        ("exportjob", "language"): _LANGUAGE_NAMES,
        ("attendance", "source"): _ATTENDANCE_SOURCES,
        ("changerequest", "filed_as"): dict(Role.choices),
        ("exportjob", "kind"): _EXPORT_KINDS,
    }


# --- words: audit details in words (issue 14) ---
#: Languages by code, in the reader's language (exports remember theirs).
_LANGUAGE_NAMES = {"zh-hans": _("Simplified Chinese"), "en": _("English")}
#: Labels of columns whose model field has no translated verbose name.
_COLUMN_LABELS = {
    ("exportjob", "language"): _("Language"),
    ("ratingrequest", "token_digest"): _("Link token"),
    ("evidence", "sha256"): _("SHA-256 checksum"),
    ("agreement", "file_sha256"): _("SHA-256 checksum"),
}
#: Where an attendance was recorded from.
_ATTENDANCE_SOURCES = {"page": _("Entered on the page"), "signin": _("Sign-in sheet")}
#: What a background export makes.
_EXPORT_KINDS = {
    "ranking": _("Annual ranking"),
    "ledger": _("Ledger"),
    "tenant": _("Data export"),  # issue 17: the whole tenant as a zip
}
#: Columns holding a category code of the tenant's policy.
_CATEGORY_COLUMNS = frozenset(
    {("officer", "category"), ("selectionround", "category"), ("nomination", "category")}
)
#: Details of security events not shown: ``view`` is the route's internal
#: name (the path beside it says the same).
_HIDDEN_KEYS = frozenset({"view"})


@cache
def _column_labels() -> dict[str, str]:
    """Column -> verbose name over all audited models, for the keys of the
    JSON a history row keeps (an entry's changed fields)."""
    labels: dict[str, models.Field] = {}
    for columns in _fields().values():
        for column, field in columns.items():
            if not field.is_relation:
                labels.setdefault(column, field)
    return labels


def _json_text(value) -> str:
    """A JSON value in words: a list of labelled items (a policy's stages)
    by their labels, a history row's changes as ``field: before → after``."""
    from liaison.words import stored_text

    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and "label" in v for v in value)
    ):
        return " · ".join(str(v["label"]) for v in value)
    if isinstance(value, dict):
        fields = _column_labels()
        parts = []
        for key, item in value.items():
            field = fields.get(key)
            label = str(field.verbose_name) if field is not None else str(_KEY_LABELS.get(key, key))

            def shown(v, field=field):  # a choice by its label, a code never bare
                return _value(field, v, None) if field is not None and v is not None else _text(v)

            if isinstance(item, list) and len(item) == 2:
                before, after = (shown(v) for v in item)
                parts.append(
                    f"{label}: {before} → {after}" if item[0] is not None else f"{label}: {after}"
                )
            else:
                parts.append(f"{label}: {shown(item)}")
        return "; ".join(parts)
    if isinstance(value, str):
        return stored_text(value)
    return json.dumps(value, ensure_ascii=False)


def _label(field: models.Field) -> str:
    name = field.name
    if field.is_relation and field.verbose_name == name.replace("_", " "):
        if name in _RELATION_LABELS:
            return str(_RELATION_LABELS[name])
        related = field.related_model._meta
        return str(OBJECT_TYPE_LABELS.get(related.model_name, related.verbose_name))
    return str(field.verbose_name)


@cache
def _fields() -> dict[str, dict[str, models.Field]]:
    """object_type -> column -> model field."""
    from .triggers import classify

    audited, _unclassified = classify()
    return {spec.object_type: {f.column: f for f in spec.fields} for spec in audited}


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dict | list):
        return _json_text(value)
    if isinstance(value, str):
        from liaison.words import stored_text

        return stored_text(value)
    return str(value)


def _local_time(value) -> str | None:
    """A stored timestamp (SQLite ``2026-11-30 13:31:05.2``, PostgreSQL
    ISO 8601 with offset) in the site's time zone, to the second."""
    if not isinstance(value, str):
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M:%S")


#: Models whose rows have a name worth a lookup (one query per model and
#: page); the others (history rows, grants, credits…) are shown by id.
NAMED_MODELS = frozenset(
    {
        "accounts.user",
        "accounts.tenant",
        "roster.district",
        "roster.unit",
        "roster.officer",
        "roster.officergroup",
        "roster.selectionround",
        "roster.notice",
        "roster.nomination",
        "ledgers.entry",
        "ledgers.reference",
    }
)


def _named(model: type[models.Model]) -> bool:
    return model._meta.label_lower in NAMED_MODELS


class Names:
    """Names of the rows that audit events point to by id, looked up in bulk
    (:meth:`load`) before the events are shown."""

    def __init__(self, tenant=None):
        self.tenant = tenant
        self._names: dict[type[models.Model], dict[str, str]] = {}

    def load(self, events: Iterable[AuditEvent]) -> None:
        """Look up the names of the rows the events' changes point to, and
        of the events' own objects: one query per named model."""
        wanted: dict[type[models.Model], set] = defaultdict(set)
        fields = _fields()
        for event in events:
            model = _object_model(event.object_type)
            if model is not None and _named(model) and event.object_id.isdigit():
                wanted[model].add(int(event.object_id))
            columns = fields.get(event.object_type, {})
            for column, pair in (event.changes or {}).items():
                field = columns.get(column)
                if field is None or not field.is_relation or not _named(field.related_model):
                    continue
                if isinstance(pair, list):
                    wanted[field.related_model] |= {v for v in pair if isinstance(v, int) and v}
        for model, ids in wanted.items():
            known = self._names.setdefault(model, {})
            ids = {i for i in ids if str(i) not in known}
            if not ids:
                continue
            rows = model._default_manager.filter(pk__in=ids)
            if self.tenant is not None and any(f.name == "tenant" for f in model._meta.fields):
                rows = rows.filter(tenant=self.tenant)
            for row in rows:
                known[str(row.pk)] = _row_name(row)

    def category(self, code: str) -> str:
        """A category code's label in the tenant's policy in force."""
        if self.tenant is None:
            return code
        if not hasattr(self, "_categories"):
            from accounts.models import Policy
            from accounts.selectors import policy_in_force

            try:
                self._categories = policy_in_force(tenant=self.tenant).category_labels
            except Policy.DoesNotExist:  # no policy: the code it is
                self._categories = {}
        return self._categories.get(code, code)

    def name(self, model: type[models.Model], pk) -> str:
        found = self._names.get(model, {}).get(str(pk))
        return str(_("%(name)s (#%(id)s)") % {"name": found, "id": pk}) if found else f"#{pk}"


def _object_model(object_type: str) -> type[models.Model] | None:
    """The model of an audited object type (not the many-to-many tables)."""
    fields = _fields().get(object_type)
    if not fields:
        return None
    model = next(iter(fields.values())).model
    return None if model._meta.auto_created else model


def object_label(event: AuditEvent, names: Names | None = None) -> str:
    """``用户 demo-admin（#1）``: the object's type and, where known, its name."""
    label = object_type_label(event.object_type)
    if not event.object_id:
        return label
    model = _object_model(event.object_type)
    if names is not None and model is not None:
        return f"{label} {names.name(model, event.object_id)}"
    return f"{label} #{event.object_id}"


def _empty(value) -> bool:
    return value is None or value == "" or value == {} or value == []


def _row_name(row: models.Model) -> str:
    """A user's username, an officer's name, an entry's title…; "" for rows
    without a name of their own (history rows, grants): their id says it."""
    if hasattr(row, "get_username"):
        return row.get_username()
    from liaison.words import stored_text

    for attr in ("full_name", "title", "name"):
        value = getattr(row, attr, "")
        if value:
            return stored_text(str(value))
    return ""


def _value(field: models.Field | None, value, names: Names | None) -> str:
    if value is None or value == "":
        return _text(None) if value is None else ""
    if field is not None:
        if names is not None and (field.model._meta.model_name, field.name) in _CATEGORY_COLUMNS:
            return names.category(value)
        if field.is_relation:
            return names.name(field.related_model, value) if names else f"#{value}"
        choices = (
            dict(field.flatchoices)
            if field.choices
            else _borrowed_choices().get((field.model._meta.model_name, field.name))
        )
        if choices:
            return str(choices.get(value, value))
        if isinstance(field, models.DateTimeField):
            local = _local_time(value)
            if local is not None:
                return local
    return _text(value)


def change_lines(event: AuditEvent, names: Names | None = None) -> list[tuple[str, str, str]]:
    """``[(field label, before, after)]`` of a row change; a created or
    deleted row's values as ``(field label, "", value)`` (without its id,
    which is the object id shown beside it, and without empty values); for a
    security event, its details (path, username, …) as ``(key, "", value)``."""
    if isinstance(event.changes, dict) and event.changes:
        columns = _fields().get(event.object_type, {})
        lines = []
        for column, pair in event.changes.items():
            field = columns.get(column)
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            label = str(_COLUMN_LABELS.get((event.object_type, column), "")) or (
                _label(field) if field is not None else str(_KEY_LABELS.get(column, column))
            )
            if event.action in (AuditAction.CREATE, AuditAction.DELETE):
                # a new row: the values it was given; a deleted one: those it had
                value = after if event.action == AuditAction.CREATE else before
                if (field is not None and field.primary_key) or _empty(value):
                    continue
                lines.append((label, "", _value(field, value, names)))
                continue
            lines.append((label, _value(field, before, names), _value(field, after, names)))
        return lines
    return [
        (str(_KEY_LABELS.get(key, key)), "", _text(value))
        for key, value in (event.extra or {}).items()
        if value and key not in _HIDDEN_KEYS
    ]


def change_text(event: AuditEvent, names: Names | None = None) -> str:
    """The changes on one line each: ``field: before → after``."""
    return "\n".join(
        f"{label}: {before} → {after}" if before else f"{label}: {after}"
        for label, before, after in change_lines(event, names)
    )


def action_label(action: str) -> str:
    return str(dict(AuditAction.choices).get(action, action))


def object_type_label(object_type: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(object_type, object_type))
