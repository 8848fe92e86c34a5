"""A queryset compiled to SQL once per process and database, then run with
new values: for the few queries every request makes, where Django's
compiling costs more than PostgreSQL's answering (issue 16: the caller's
membership, with the policy's two-factor rule, took 0.75 ms to compile and
0.3 ms to run, most of what an API list spent beyond a bare DRF list).

The queryset is built once from sample values; each sample must reach the
SQL as a parameter (a lookup's value, not a constant folded into the text),
and is found there by value: pick samples no constant of the query can equal
(:class:`CompiledQuery` refuses a sample it cannot find). Rows come back
through Django's own iterable (``select_related``, annotations and field
converters as usual).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


def _adapt(ops, value):
    """A value as the ORM passes it to the driver (dates: str on SQLite)."""
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value(value)
    return value


class CompiledQuery:
    """``build(**values)`` returns the queryset; :meth:`list` runs it with
    new values, compiled on first use with ``samples``."""

    def __init__(self, build: Callable[..., QuerySet], **samples: Any):
        self._build = build
        self._samples = samples
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        queryset = self._build(**self._samples).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        ops = connections[alias].ops
        samples = {name: _adapt(ops, value) for name, value in self._samples.items()}
        slots = [
            next((n for n, s in samples.items() if type(p) is type(s) and p == s), None)
            for p in params
        ]
        if missing := set(samples) - set(slots):
            raise ImproperlyConfigured(f"samples not among the query's parameters: {missing}")
        compiled = (queryset, compiler, sql, tuple(params), tuple(slots))
        self._compiled[alias] = compiled
        return compiled

    def list(self, **values: Any) -> list:
        """The queryset's rows for ``values`` (as ``list(build(**values))``)."""
        alias = DEFAULT_DB_ALIAS
        compiled = self._compiled.get(alias) or self._compile(alias)
        queryset, compiler, sql, params, slots = compiled
        connection = connections[alias]  # this thread's
        params = tuple(
            p if slot is None else _adapt(connection.ops, values[slot])
            for p, slot in zip(params, slots, strict=True)
        )
        run = copy.copy(compiler)
        run.connection = connection
        run.as_sql = lambda *args, **kwargs: (sql, params)
        chained = queryset._chain()
        chained.query.get_compiler = lambda *args, **kwargs: run
        return list(chained)
