"""Logging: the request id on every line, JSON lines in production.

:class:`RequestIdFilter` sets ``record.request_id`` from the audit context of
the request or Celery task being served (``audit/context.py``: the id the
response sends back as ``X-Request-ID``, or ``task:<name>:<id>``), else from
the request a Django log line carries, else ``-``.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from audit import context

        ctx = context.current()
        request_id = ctx.request_id if ctx is not None else None
        if not request_id:
            request = getattr(record, "request", None)
            request_id = getattr(request, "audit_request_id", None)
        record.request_id = request_id or "-"
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, request id and
    the record's extra fields; the request object Django attaches (whose text
    holds the query string) is left out."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)
