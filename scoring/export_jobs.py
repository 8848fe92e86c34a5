"""What a background export (:class:`scoring.models.ExportJob`) builds, by
kind, and how far a running one is.

Each kind registers its builder here from its app's ``ready()`` (the
ranking by this app, the ledger by ``ledgers``, the whole tenant by
``portability``), so :func:`scoring.tasks.run_export` runs every kind the
same way without importing the apps that depend on this one.

A builder is called as ``build(job=, membership=, progress=)`` inside the
job's language and returns a :class:`Built`: the file at its start (the
task stores it and closes it) and facts to keep in the job's ``params``
(a tenant zip's SHA-256 and row count). ``progress(done, total)`` keeps the
percentage in the cache, never in the database: the tenant export reads
inside one transaction, where a progress row written would stay unseen
until the end; one path serves every kind (:func:`live_progress`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.core.cache import cache


@dataclass(frozen=True)
class Built:
    file: IO[bytes]
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExportKind:
    """``roles``: who may still have it built when the task runs (the reach
    of whoever asked, as it is then); ``None``: every member."""

    build: Callable[..., Built]
    roles: frozenset[str] | None = None


#: kind -> how it is built (filled by the apps' ``ready()``).
EXPORT_KINDS: dict[str, ExportKind] = {}


def register_export_kind(kind: str, export_kind: ExportKind) -> None:
    EXPORT_KINDS[kind] = export_kind


#: How long a running job's progress stays in the cache.
PROGRESS_TIMEOUT = 6 * 3600


def progress_key(job_id: int) -> str:
    return f"export-progress:{job_id}"


def progress_set(job_id: int, done: int, total: int) -> None:
    cache.set(progress_key(job_id), max(1, min(99, done * 100 // (total or 1))), PROGRESS_TIMEOUT)


def live_progress(job) -> int:
    """A job's progress: while it waits or runs, the worker's figure in the
    cache (else the row's); afterwards the row's."""
    if job.status in (job.Status.PENDING, job.Status.RUNNING):
        return cache.get(progress_key(job.pk), job.progress)
    return job.progress
