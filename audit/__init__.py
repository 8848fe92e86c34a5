"""The append-only audit log: every change to every tenant-owned row, and
the security events (failed and locked logins, refused actions, exports).

One table, :class:`audit.models.AuditEvent`, rather than django-pghistory's
per-model event tables: the API and the audit page list one tenant's rows
across every model, newest first, with filters and pagination, which is one
indexed query on one table and would be a UNION over thirty tables otherwise.

Row changes are written by database triggers (``audit/triggers.py``), so
``QuerySet.update()``, ``bulk_create()`` and raw SQL leave a row too:
PL/pgSQL on PostgreSQL, generated per-table triggers on SQLite. The request's
actor, tenant and id reach the triggers through ``audit/context.py``. The
database refuses UPDATE and DELETE on the log itself.
"""
