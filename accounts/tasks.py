"""Background jobs of the accounts app."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .choices import JobOutcome
from .models import JobRun

#: A run still "running" after this long lost its worker (the longest job,
#: a tenant's re-scoring, takes minutes).
STALE_AFTER = dt.timedelta(hours=6)


@shared_task
def close_stale_job_runs() -> int:
    """Runs whose worker stopped mid-task (killed, redeployed) never record
    an end; after ``STALE_AFTER`` they are marked failed, with why, so the
    jobs page does not show them running for ever. (The redelivered task
    records a run of its own.)"""
    now = timezone.now()
    return JobRun.objects.filter(
        outcome=JobOutcome.RUNNING, started_at__lt=now - STALE_AFTER
    ).update(
        outcome=JobOutcome.FAILED,
        finished_at=now,
        detail={"error": "no end recorded: the worker stopped while running it"},
    )
