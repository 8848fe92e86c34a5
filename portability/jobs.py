"""The tenant export as a background job for the tenant admin: an
:class:`scoring.models.ExportJob` of kind ``tenant``, built by
:func:`scoring.tasks.run_export` with :func:`build_tenant` (registered in
``PortabilityConfig.ready``)."""

from __future__ import annotations

import hashlib
import tempfile

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Membership
from liaison.api.permissions import ADMIN
from scoring.export_jobs import Built, ExportKind
from scoring.models import ExportJob
from scoring.selectors import export_job_list

from .services import tenant_export

KIND = "tenant"


def tenant_export_list(*, membership: Membership):
    """The tenant's zips, newest first (the caller is an admin: the views
    admit no other role)."""
    return export_job_list(membership=membership).filter(kind=KIND).select_related("created_by")


def tenant_export_start(*, membership: Membership) -> ExportJob:
    """Queue an export of the whole tenant; its page shows the progress and,
    when done, the download."""
    from scoring.tasks import run_export

    tenant = membership.tenant
    job = ExportJob.objects.create(
        tenant=tenant,
        kind=KIND,
        filename=f"{tenant.slug}-{timezone.localdate():%Y%m%d}.zip",
        language=translation.get_language() or "zh-hans",
        created_by=membership.user,
    )
    transaction.on_commit(lambda: run_export.delay(tenant_id=tenant.pk, job_id=job.pk))
    return job


def build_tenant(*, job: ExportJob, membership: Membership, progress) -> Built:
    """The ``tenant`` kind: the zip of :func:`portability.services.tenant_export`
    with its SHA-256 and row count (progress in the cache: the rows are read
    inside one transaction)."""
    handle = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - run_export closes it
    try:
        manifest = tenant_export(
            tenant=job.tenant, out=handle, progress=progress, actor=job.created_by
        )
        handle.seek(0)
        digest = hashlib.sha256()
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return Built(handle, {"sha256": digest.hexdigest(), "rows": sum(manifest["models"].values())})


#: Built for the tenant's admins only (a platform admin acts as one).
TENANT_EXPORT = ExportKind(build=build_tenant, roles=ADMIN)
