"""Background jobs of the scoring app. Tasks take ids, re-fetch through the
tenant's scope and run in the language of the user who asked."""

from __future__ import annotations

import logging
import uuid

from celery import shared_task
from django.core.cache import cache
from django.core.files import File
from django.http import Http404
from django.utils import timezone, translation

from accounts.notifications import job_run
from accounts.selectors import TenantSuspended, tenant_access
from liaison.excel import workbook_file
from roster.selectors import district_list

from .export_jobs import EXPORT_KINDS, Built, progress_key, progress_set
from .exports import ranking_workbook
from .models import ExportJob
from .selectors import ranking_for

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_export(*, tenant_id: int, job_id: int) -> str:
    """Build an export job's file with its kind's builder
    (:mod:`scoring.export_jobs`), recording progress; a finished job is left
    alone, so a redelivered task changes nothing."""
    job = (
        ExportJob.objects.filter(tenant_id=tenant_id, pk=job_id)
        .select_related("tenant", "created_by")
        .first()
    )
    if job is None or job.status == ExportJob.Status.DONE:
        return "skipped"
    try:  # the reach of whoever asked, as it is now
        if job.created_by is None:  # the user was deleted meanwhile
            raise Http404
        membership = tenant_access(user=job.created_by, slug=job.tenant.slug)
    except Http404:
        return _refused(job, "no longer a member")
    except TenantSuspended:  # suspended by the platform admin meanwhile
        return _refused(job, "organisation suspended")
    kind = EXPORT_KINDS.get(job.kind)
    if kind is None:
        return _refused(job, f"unknown kind {job.kind!r}")
    if kind.roles is not None and membership.role not in kind.roles:
        return _refused(job, "no longer allowed")
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=1)

    def progress(done: int, total: int) -> None:
        progress_set(job.pk, done, total)

    try:
        with translation.override(job.language):
            built = kind.build(job=job, membership=membership, progress=progress)
        with built.file as handle:
            # stored under a random name (the user's file name is only
            # sent by the download view, which checks tenant and caller)
            stored = f"{job.tenant_id}/{uuid.uuid4().hex}.{job.suffix}"
            job.file.save(stored, File(handle), save=False)
    except Exception as exc:  # recorded on the job for the user; re-raised for the worker log
        log.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:1000]
        )
        cache.delete(progress_key(job.pk))
        raise
    job.status, job.progress, job.finished_at = ExportJob.Status.DONE, 100, timezone.now()
    fields = ["file", "status", "progress", "finished_at"]
    if built.facts:
        job.params = {**job.params, **built.facts}
        fields.append("params")
    job.save(update_fields=fields)
    cache.delete(progress_key(job.pk))
    return "done"


def _refused(job: ExportJob, error: str) -> str:
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=error)
    return "failed"


def build_ranking(*, job: ExportJob, membership, progress) -> Built:
    """The ``ranking`` kind: the year's ranking workbook."""
    ranking = ranking_for(membership=membership, year=int(job.params["year"]))
    districts = dict(district_list(tenant=job.tenant).values_list("code", "name"))
    workbook = ranking_workbook(
        tenant=job.tenant,
        ranking=ranking,
        districts=districts,
        user=job.created_by,
        progress=progress,
    )
    return Built(workbook_file(workbook))


@shared_task(acks_late=True)
def build_quota_reports(*, month: str | None = None) -> dict:
    """The beat job of the 1st (02:00 Asia/Shanghai): every tenant's report
    for the previous month, then a notification to each district manager
    about their officers behind quota and to the centre about city officers
    (and districts). Rebuilding replaces the report and sends nothing twice,
    so a redelivered task changes nothing."""
    from accounts.notifications import per_tenant_job

    from .quotas import notify_shortfalls, previous_month, quota_report_build

    month = month or previous_month()

    def build(tenant, detail) -> int:
        report = quota_report_build(tenant=tenant, month=month)
        detail["month"], detail["rows"] = month, report.row_count
        detail["notified"] = notify_shortfalls(report=report)
        return report.row_count

    return {"month": month, "tenants": per_tenant_job("quota-reports", build)}


@shared_task(acks_late=True)
def rescore_years(*, tenant_id: int, from_year: int, reason: str) -> int:
    """After a policy version is published: re-score the tenant's verified
    entries from ``from_year`` on (a history row on each entry whose shares
    change). Running it again changes nothing more."""
    from accounts.models import Tenant
    from ledgers.models import Entry

    from .shares import shares_rescore

    tenant = Tenant.objects.get(pk=tenant_id)
    with job_run("rescore", tenant) as detail:  # a transaction per batch of entries
        changed = shares_rescore(
            tenant=tenant,
            entries=Entry.objects.for_tenant(tenant).filter(occurred_on__year__gte=from_year),
            reason=reason,
        )
        detail["from_year"], detail["changed"] = from_year, changed
    return changed
