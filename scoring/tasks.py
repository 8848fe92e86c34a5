"""Background jobs of the scoring app. Tasks take ids, re-fetch through the
tenant's scope and run in the language of the user who asked."""

from __future__ import annotations

import logging
import uuid

from celery import shared_task
from django.core.files import File
from django.http import Http404
from django.utils import timezone, translation

from accounts.notifications import job_run
from accounts.selectors import tenant_access
from liaison.excel import workbook_file
from roster.selectors import district_list

from .exports import ranking_workbook
from .models import ExportJob
from .selectors import ranking_for

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_export(*, tenant_id: int, job_id: int) -> str:
    """Build an export job's file, recording progress; a finished job is
    left alone, so a redelivered task changes nothing."""
    job = (
        ExportJob.objects.filter(tenant_id=tenant_id, pk=job_id)
        .select_related("tenant", "created_by")
        .first()
    )
    if job is None or job.status == ExportJob.Status.DONE:
        return "skipped"
    try:  # the reach of whoever asked, as it is now
        membership = tenant_access(user=job.created_by, slug=job.tenant.slug)
    except Http404:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error="no longer a member"
        )
        return "failed"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=1)

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=max(1, min(99, done * 100 // total)))

    try:
        with translation.override(job.language):
            if job.kind == "ledger":  # issue 14: the ledger export (ledgers.exports)
                from django.http import QueryDict

                from ledgers.exports import ledger_entries, ledger_workbook

                query = QueryDict(job.params.get("query", ""))
                entries, filters = ledger_entries(membership=membership, query=query)
                workbook = ledger_workbook(
                    membership=membership,
                    entries=entries,
                    user=job.created_by,
                    filters=filters,
                    progress=progress,
                )
            else:
                ranking = ranking_for(membership=membership, year=int(job.params["year"]))
                districts = dict(district_list(tenant=job.tenant).values_list("code", "name"))
                workbook = ranking_workbook(
                    tenant=job.tenant,
                    ranking=ranking,
                    districts=districts,
                    user=job.created_by,
                    progress=progress,
                )
            with workbook_file(workbook) as handle:
                # stored under a random name (the user's file name is only
                # sent by the download view, which checks tenant and caller)
                stored = f"{job.tenant_id}/{uuid.uuid4().hex}.xlsx"
                job.file.save(stored, File(handle), save=False)
    except Exception as exc:  # recorded on the job for the user; re-raised for the worker log
        log.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:1000]
        )
        raise
    job.status, job.progress, job.finished_at = ExportJob.Status.DONE, 100, timezone.now()
    job.save(update_fields=["file", "status", "progress", "finished_at"])
    return "done"


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
        detail["month"], detail["rows"] = month, len(report.rows)
        detail["notified"] = notify_shortfalls(report=report)
        return len(report.rows)

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
