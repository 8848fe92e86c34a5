"""A stored quota report's rows, filtered and sliced by the database.

A report at L holds 162,520 rows (57 MB of JSON); the month's page shows a
hundred of them. :class:`ReportRows` reads the stored array with the
database's JSON functions (PostgreSQL ``json_array_elements``, SQLite
``json_each``), filters it there (the caller's districts, a district, met or
behind, officers or districts) and hands Python only the rows asked for:
``count()`` and ``[a:b]`` make it a ``Paginator``'s object list, and
iterating reads every row matched, a chunk at a time (the Excel export).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator

from django.db import connection

from ..models import QuotaReport

#: rows read per query when iterating
CHUNK = 5000

#: per database: the elements of the report's array with their position,
#: an element's field as text, and its ``met`` as a boolean
_SQL = {
    "postgresql": {
        "rows": "scoring_quotareport q CROSS JOIN json_array_elements(q.rows)"
        " WITH ORDINALITY AS e(value, n)",
        "field": "e.value ->> '{}'",
        "met": "(e.value ->> 'met')::boolean",
        "value": "e.value::text",
        "position": "e.n",
        "text": "q.rows::text",
    },
    "sqlite": {
        "rows": "scoring_quotareport q, json_each(q.rows) e",
        "field": "json_extract(e.value, '$.{}')",
        "met": "json_extract(e.value, '$.met') = 1",
        "value": "e.value",
        "position": "e.key",
        "text": "q.rows",
    },
}


class ReportRows:
    """The rows of ``report`` that pass the filters, in the stored order.

    ``districts``: the district codes in the caller's reach (None: all rows);
    ``district``: one district's rows; ``met``: True (met) or False (behind);
    ``scope``: ``"officer"`` or ``"district"`` rows only."""

    def __init__(
        self,
        report: QuotaReport,
        *,
        districts: Collection[str] | None = None,
        district: str | None = None,
        met: bool | None = None,
        scope: str | None = None,
    ):
        sql = _SQL[connection.vendor]
        field = sql["field"].format
        where, params = ["q.id = %s"], [report.pk]
        if districts is not None:
            codes = sorted(districts)
            if codes:
                where.append(f"{field('district')} IN ({', '.join(['%s'] * len(codes))})")
                params += codes
            else:
                where.append("1 = 0")
        if district:
            where.append(f"{field('district')} = %s")
            params.append(district)
        if met is not None:
            where.append(sql["met"] if met else f"NOT {sql['met']}")
        if scope:
            where.append(f"{field('subject')} LIKE %s")
            params.append(f"{scope}:%")
        self._sql, self._params = sql, params
        self._filtered = len(where) > 1
        self._from = f"FROM {sql['rows']} WHERE {' AND '.join(where)}"
        self._counts: tuple[int, int] | None = None

    def _read_counts(self) -> tuple[int, int]:
        if self._counts is None:
            met = self._sql["met"]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {met} THEN 0 ELSE 1 END), 0) "
                    + self._from,
                    self._params,
                )
                total, behind = cursor.fetchone()
            self._counts = (int(total), int(behind))
        return self._counts

    def count(self) -> int:
        """How many rows pass the filters."""
        return self._read_counts()[0]

    def behind(self) -> int:
        """How many of them are behind their quota."""
        return self._read_counts()[1]

    def __len__(self) -> int:
        return self.count()

    def _read(self, offset: int, limit: int) -> list[dict]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {self._sql['value']} {self._from}"
                f" ORDER BY {self._sql['position']} LIMIT %s OFFSET %s",
                [*self._params, limit, offset],
            )
            return [json.loads(value) for (value,) in cursor.fetchall()]

    def __getitem__(self, index: slice) -> list[dict]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("ReportRows takes a slice with no step")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        return self._read(start, max(0, stop - start)) if stop > start else []

    def __iter__(self) -> Iterator[dict]:
        # one query, fetched a chunk at a time (a server-side cursor on
        # PostgreSQL): the array is parsed once, not once per chunk
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                f"SELECT {self._sql['value']} {self._from} ORDER BY {self._sql['position']}",
                self._params,
            )
            while chunk := cursor.fetchmany(CHUNK):
                yield from (json.loads(value) for (value,) in chunk)

    def as_json(self) -> str:
        """The rows as one JSON array, as text: unfiltered, the stored value
        itself (never parsed); filtered on PostgreSQL, aggregated there
        (``json_agg`` keeps each element's text); on SQLite, encoded here."""
        if self._filtered and connection.vendor != "postgresql":
            return json.JSONEncoder().encode(list(self))
        if self._filtered:
            select = f"SELECT COALESCE(json_agg(e.value ORDER BY e.n), '[]')::text {self._from}"
            params = self._params
        else:  # as text: psycopg2 would decode a json value
            select = f"SELECT {self._sql['text']} FROM scoring_quotareport q WHERE q.id = %s"  # noqa: S608
            params = self._params
        with connection.cursor() as cursor:
            cursor.execute(select, params)
            return cursor.fetchone()[0]
