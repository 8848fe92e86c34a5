"""Pagination of every list: ``{"count","next","previous","results"}``.

API.md fixes the page-number contract (``?page=``, ``?page_size=`` up to
500), and it stays the default. Large lists (the six ledgers, the roster)
also offer cursor pages as an opt-in (issue 16 lists): ``?cursor=`` (empty
for the first page) answers ``{"next","previous","results"}`` without
``count``, and each page is read from an index from where the last one
ended (keyset pagination: no ``OFFSET``, no count), however deep the
client goes. A view opts in with ``cursor_ordering``, the columns of its
order (local columns only, unique through a last ``id``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class Keyset:
    """The order ``ordering`` of ``model`` as a keyset: the values of a row
    locate it, and :meth:`after` selects the rows that follow it."""

    def __init__(self, model: type[Model], ordering: tuple[str, ...]) -> None:
        self.columns = []  # (attname, descending, field)
        for item in ordering:
            name = item.lstrip("-")
            field = model._meta.pk if name in ("pk", "id") else model._meta.get_field(name)
            self.columns.append((field.attname, item.startswith("-"), field))

    def order_by(self, *, reverse: bool) -> list[str]:
        return [("-" if desc != reverse else "") + name for name, desc, _f in self.columns]

    def position(self, row: Model) -> list:
        return [getattr(row, name) for name, _d, _f in self.columns]

    def encode(self, position: list, *, reverse: bool) -> str:
        values = [v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in position]
        raw = json.dumps({"p": values, "r": int(reverse)}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, token: str) -> tuple[list, bool]:
        """The position and direction of a cursor; ``ValueError`` when it is
        not one this keyset wrote."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
            values, reverse = data["p"], data["r"]
        except (binascii.Error, ValueError, TypeError, KeyError) as exc:
            raise ValueError(token) from exc
        if not isinstance(values, list) or len(values) != len(self.columns):
            raise ValueError(token)
        if reverse not in (0, 1):
            raise ValueError(token)
        try:
            position = [
                None if v is None else field.to_python(v)
                for v, (_n, _d, field) in zip(values, self.columns, strict=True)
            ]
        except (DjangoValidationError, TypeError) as exc:
            raise ValueError(token) from exc
        for value, (_n, _d, field) in zip(position, self.columns, strict=True):
            if value is None and not field.null:
                raise ValueError(token)
        return position, bool(reverse)

    def after(self, position: list, *, reverse: bool) -> Q:
        """Rows strictly after ``position`` in the order (before it when
        ``reverse``). PostgreSQL sorts NULLs last ascending and first
        descending, so reversing the order reverses their place too."""
        terms, prefix = [], Q()
        for (name, desc, field), value in zip(self.columns, position, strict=True):
            desc = desc != reverse
            if value is None:
                if desc:
                    terms.append(prefix & Q(**{f"{name}__isnull": False}))
                prefix &= Q(**{f"{name}__isnull": True})
                continue
            term = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
            if field.null and not desc:
                term |= Q(**{f"{name}__isnull": True})
            terms.append(prefix & term)
            prefix &= Q(**{name: value})
        rows = reduce(or_, terms) if terms else Q(pk__in=[])
        # The first column's bound, ANDed in, lets the index scan start at
        # the position instead of filtering every row before it.
        name, desc, field = self.columns[0]
        first = position[0]
        if first is not None:
            desc = desc != reverse
            bound = Q(**{f"{name}__{'lte' if desc else 'gte'}": first})
            if field.null and not desc:
                bound |= Q(**{f"{name}__isnull": True})
            rows = bound & rows
        return rows


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CursorOptInPagination(PageNumberPagination):
    """Page numbers by default; ``?cursor=`` switches to keyset pages in the
    view's ``cursor_ordering``."""

    cursor_query_param = "cursor"
    cursor_query_description = (
        "Opt-in cursor pages: send an empty value for the first page, then follow "
        '"next" and "previous". The answer has no "count". Without it the list is '
        "paginated by page number (?page=)."
    )

    keyset: Keyset | None = None

    @staticmethod
    def cursor_ordering(view) -> tuple[str, ...] | None:
        return getattr(view, "cursor_ordering", None)

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        ordering = self.cursor_ordering(view)
        if not ordering or self.cursor_query_param not in request.query_params:
            self.keyset = None
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self.keyset = keyset = Keyset(queryset.model, ordering)
        self.page_size = self.get_page_size(request)
        token = request.query_params[self.cursor_query_param]
        position, reverse = None, False
        if token:
            try:
                position, reverse = keyset.decode(token)
            except ValueError:
                raise ValidationError(
                    {
                        self.cursor_query_param: [
                            _(
                                "This cursor is not valid here. Start again with an "
                                "empty cursor (?cursor=)."
                            )
                        ]
                    }
                ) from None
        rows = queryset.order_by(*keyset.order_by(reverse=reverse))
        if position is not None:
            rows = rows.filter(keyset.after(position, reverse=reverse))
        page = list(rows[: self.page_size + 1])
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if reverse:
            page.reverse()
        # "more" is in the direction read; a position means rows lie behind it
        ahead, behind = (position is not None, more) if reverse else (more, position is not None)
        self.next_cursor = self.previous_cursor = None
        if page:
            if ahead:
                self.next_cursor = keyset.encode(keyset.position(page[-1]), reverse=False)
            if behind:
                self.previous_cursor = keyset.encode(keyset.position(page[0]), reverse=True)
        elif position is not None:  # read past the end (or the start): turn back
            self.previous_cursor = None if reverse else keyset.encode(position, reverse=True)
            self.next_cursor = keyset.encode(position, reverse=False) if reverse else None
        return page

    def _cursor_link(self, token: str | None) -> str | None:
        if token is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_paginated_response(self, data):
        if self.keyset is None:
            return super().get_paginated_response(data)
        return Response(
            {
                "next": self._cursor_link(self.next_cursor),
                "previous": self._cursor_link(self.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        body["required"] = ["results"]
        body["properties"]["count"]["description"] = (
            "Number of rows of the list; absent on cursor pages (?cursor=)."
        )
        return body

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        if self.cursor_ordering(view):
            parameters.append(
                {
                    "name": self.cursor_query_param,
                    "required": False,
                    "in": "query",
                    "description": self.cursor_query_description,
                    "schema": {"type": "string"},
                }
            )
        return parameters
