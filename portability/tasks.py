"""Background tenant exports. The task takes ids and re-reads the job."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import uuid

from celery import shared_task
from django.core.cache import cache
from django.core.files import File
from django.utils import timezone

from .jobs import progress_key
from .models import TenantExport
from .services import tenant_export

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_tenant_export(*, tenant_id: int, job_id: int) -> str:
    """Build the job's zip, recording progress; a finished job is left
    alone, so a redelivered task changes nothing."""
    job = (
        TenantExport.objects.filter(tenant_id=tenant_id, pk=job_id)
        .select_related("tenant", "created_by")
        .first()
    )
    if job is None or job.status == TenantExport.Status.DONE:
        return "skipped"
    TenantExport.objects.filter(pk=job.pk).update(status=TenantExport.Status.RUNNING, progress=1)

    def progress(done: int, total: int) -> None:  # in the cache: see jobs.live_progress
        cache.set(progress_key(job.pk), max(1, min(99, done * 100 // total)), timeout=6 * 3600)

    try:
        with tempfile.TemporaryFile() as handle:
            manifest = tenant_export(
                tenant=job.tenant, out=handle, progress=progress, actor=job.created_by
            )
            handle.seek(0)
            digest = hashlib.sha256()
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
            handle.seek(0)
            # stored under a random name; the download view sends the file name
            job.file.save(f"{job.tenant_id}/{uuid.uuid4().hex}.zip", File(handle), save=False)
    except Exception as exc:  # recorded on the job for the admin; re-raised for the worker log
        log.exception("tenant export %s failed", job.pk)
        TenantExport.objects.filter(pk=job.pk).update(
            status=TenantExport.Status.FAILED, error=str(exc)[:1000]
        )
        raise
    job.status, job.progress, job.finished_at = TenantExport.Status.DONE, 100, timezone.now()
    job.sha256, job.rows = digest.hexdigest(), sum(manifest["models"].values())
    job.save(update_fields=["file", "status", "progress", "finished_at", "sha256", "rows"])
    cache.delete(progress_key(job.pk))
    return "done"
