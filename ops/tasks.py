"""The worker's heartbeat, read by ``/readyz`` and the metrics."""

from celery import shared_task

from .health import write_heartbeat


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Beat sends this every minute; the worker that runs it proves the
    broker, beat and a worker all work."""
    write_heartbeat()
