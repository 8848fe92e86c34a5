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


def _other(value):
    """A second sample of the same type, different from ``value``."""
    if isinstance(value, str):
        return value + "\x01"
    if isinstance(value, dt.date):  # datetimes too
        return value + dt.timedelta(days=1)
    return value + 1  # numbers


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
        # compiled again with other samples: the same SQL, and exactly the
        # slots found must change (a constant equal to a sample would not)
        others = {name: _other(value) for name, value in self._samples.items()}
        other_sql, other_params = self._build(**others).using(alias).query.sql_with_params()
        changed = [a != b for a, b in zip(params, other_params, strict=True)]
        if other_sql != sql or changed != [slot is not None for slot in slots]:
            raise ImproperlyConfigured("the samples do not map one to one onto parameters")
        compiled = (queryset, compiler, sql, tuple(params), tuple(slots))
        self._compiled[alias] = compiled
        return compiled

    def list(self, **values: Any) -> list:
        """The queryset's rows for ``values`` (as ``list(build(**values))``);
        each value of its sample's type (None or a model instance would need
        the ORM's own handling)."""
        for name, sample in self._samples.items():
            if type(values[name]) is not type(sample):
                got, wanted = type(values[name]).__name__, type(sample).__name__
                raise TypeError(f"{name}: {got}, not {wanted}")
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
