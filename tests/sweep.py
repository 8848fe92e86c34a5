"""Shared tools of the write sweeps (``test_isolation_writes.py``,
``test_api_matrix.py``): which write methods a route serves, and a
fingerprint of every row the application owns, to prove that a refused
request wrote nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import get_resolver

from .test_isolation import _kwargs, _walk

WRITE_METHODS = ("post", "put", "patch", "delete")

#: Apps outside the project whose rows are the application's data.
THIRD_PARTY_DATA_APPS = ("auth", "guardian")
#: Rows a refused request may leave behind on purpose: logs of what was tried
#: (audit rows, ``denied`` security events, login attempts) and bookkeeping.
LOG_MODEL_WORDS = ("audit", "event", "idempotency", "attempt", "session", "token")
#: Columns that move with every request and say nothing about a write.
VOLATILE_FIELDS = frozenset(
    {"last_login", "last_seen", "last_seen_at", "last_activity", "last_used", "last_used_at"}
)


def _project_app(config) -> bool:
    path = Path(config.path).resolve()
    base = Path(settings.BASE_DIR).resolve()
    return base in path.parents and ".venv" not in path.parts


def data_models() -> list:
    """Every model holding application data: the project's apps (new apps
    are picked up by themselves) and guardian's grants, minus logs."""
    found = []
    for config in apps.get_app_configs():
        if not (_project_app(config) or config.label in THIRD_PARTY_DATA_APPS):
            continue
        for model in config.get_models():
            label = model._meta.label_lower
            if model._meta.proxy or not model._meta.managed:
                continue
            if any(word in label for word in LOG_MODEL_WORDS):
                continue
            found.append(model)
    return found


def db_state() -> dict[str, str]:
    """Model label -> digest of all its rows (volatile columns left out)."""
    state = {}
    for model in data_models():
        columns = [
            f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS
        ]
        rows = list(model._base_manager.order_by("pk").values_list(*columns))
        state[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return state


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The models whose rows differ between two states."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _methods_of(pattern) -> list[str]:
    callback = pattern.callback
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:
        return []
    allowed = set(getattr(cls, "http_method_names", ()))
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset route: the methods the router mapped
        return [m for m in WRITE_METHODS if m in actions and m in allowed]
    return [m for m in WRITE_METHODS if m in allowed and hasattr(cls, m)]


def tenant_write_routes() -> list[tuple[str, str, list[str], list[str]]]:
    """(url name, route, object kwargs, write methods) of every tenant-scoped
    route that serves at least one write method."""
    found = []
    for name, route, pattern in _walk(get_resolver().url_patterns):
        args = _kwargs(route)
        if "tenant_slug" not in args or "format" in args:
            continue
        methods = _methods_of(pattern)
        if methods:
            found.append((name, route, [a for a in args if a != "tenant_slug"], methods))
    return found
