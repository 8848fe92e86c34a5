"""Writes of the scoring app: finalising a year's ranking."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from liaison.errors import Conflict

from .models import ExportJob, RankingSnapshot
from .ranking_version import ranking_changed
from .selectors import render_pools, year_result
from .shares import database_now, lock_shares


def ranking_finalize(*, membership: Membership, year: int) -> RankingSnapshot:
    """Freeze the year's ranking, with who and when and the policy version.
    Statements need no copy: the shares are never changed in place, so a
    finalised year's statements read them as they stood at this moment
    (share writers wait on the tenant's lock meanwhile). A year is
    finalised once (409 after that)."""
    tenant = membership.tenant
    if year >= timezone.localdate().year:
        raise Conflict(_("A year's ranking is finalised after the year has ended."))
    try:
        with transaction.atomic():
            lock_shares(tenant, exclusive=True)
            finalized_at = database_now()  # shares written from now on are after it
            result = year_result(tenant=tenant, year=year)
            snapshot = RankingSnapshot.objects.create(
                tenant=tenant,
                year=year,
                finalized_at=finalized_at,
                policy_version=result.facts.policy.version,
                finalized_by=membership.user,
                pools=render_pools(result),
            )
            ranking_changed(tenant=tenant, years=[year])  # read from the snapshot now
            return snapshot
    except IntegrityError:
        raise Conflict(_("The %(year)d ranking is already finalised.") % {"year": year}) from None


def ranking_export_start(*, membership: Membership, year: int) -> ExportJob:
    """Queue a background export of the year's ranking; the job's page shows
    its progress and, when done, a download link."""
    status = (
        "final"
        if RankingSnapshot.objects.for_tenant(membership.tenant).filter(year=year).exists()
        else "draft"
    )
    job = ExportJob.objects.create(
        tenant=membership.tenant,
        kind="ranking",
        params={"year": year},
        filename=f"ranking-{membership.tenant.slug}-{year}-{status}.xlsx",
        language=translation.get_language() or "zh-hans",
        created_by=membership.user,
    )
    from .tasks import run_export

    transaction.on_commit(
        lambda: run_export.delay(
            tenant_id=membership.tenant_id,
            job_id=job.pk,
        )
    )
    return job
