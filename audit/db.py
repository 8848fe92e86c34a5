"""Per-connection wiring of the audit context (see ``audit/context.py``)."""

from __future__ import annotations

from . import context

_WRITES = ("insert", "update", "delete")


def _pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def pg_inject_context(execute, sql, params, many, ctx):
    """Prefix every write with ``SELECT set_config('audit.context', …, true);``
    — sent in the same round trip, so query counts do not change. Without a
    context the setting is cleared, so a transaction never carries an older
    request's actor into a later write."""
    text = sql.decode() if isinstance(sql, bytes) else sql
    cursor = ctx.get("cursor")
    if (
        isinstance(text, str)
        and text.lstrip()[:6].lower().startswith(_WRITES)
        and not getattr(cursor, "name", None)
        and not _in_failed_transaction(ctx)
    ):
        literal = _pg_literal(context.pg_context_json())
        if params is not None:
            literal = literal.replace("%", "%%")
        text = f"SELECT set_config('audit.context', {literal}, true); {text}"
        sql = text.encode() if isinstance(sql, bytes) else text
    return execute(sql, params, many, ctx)


def _in_failed_transaction(ctx) -> bool:
    connection = ctx.get("connection")
    raw = getattr(connection, "connection", None)
    if raw is None:
        return False
    import psycopg2.extensions

    return raw.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INERROR


def on_connection_created(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql":
        if pg_inject_context not in connection.execute_wrappers:
            connection.execute_wrappers.append(pg_inject_context)
    elif connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("audit_ctx", 1, context.sqlite_value)
        raw.create_function("audit_flushing", 0, lambda: int(context.is_flushing()))
        raw.create_function("audit_purging", 0, lambda: int(context.is_purging()))
