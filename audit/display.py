"""The audit log made readable: labels of object types, fields and actions,
and each change as (field, before, after) text."""

from __future__ import annotations

import json
from functools import cache

from .choices import OBJECT_TYPE_LABELS, AuditAction
from .models import AuditEvent


@cache
def _field_labels() -> dict[str, dict[str, str]]:
    """object_type -> column -> the field's verbose name."""
    from .triggers import classify

    audited, _unclassified = classify()
    return {
        spec.object_type: {f.column: str(f.verbose_name) for f in spec.fields} for spec in audited
    }


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def change_lines(event: AuditEvent) -> list[tuple[str, str, str]]:
    """``[(field label, before, after)]`` of a row change; for a security
    event, its details (path, username, …) as ``(key, "", value)``."""
    if isinstance(event.changes, dict) and event.changes:
        labels = _field_labels().get(event.object_type, {})
        lines = []
        for column, pair in event.changes.items():
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            lines.append((labels.get(column, column), _text(before), _text(after)))
        return lines
    return [(key, "", _text(value)) for key, value in (event.extra or {}).items() if value]


def change_text(event: AuditEvent) -> str:
    """The changes on one line each: ``field: before → after``."""
    return "\n".join(
        f"{label}: {before} → {after}" if before else f"{label}: {after}"
        for label, before, after in change_lines(event)
    )


def action_label(action: str) -> str:
    return str(dict(AuditAction.choices).get(action, action))


def object_type_label(object_type: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(object_type, object_type))
