"""Writes of the scoring app: finalising a year's ranking."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Membership
from liaison.errors import Conflict

from .models import RankingSnapshot
from .selectors import render_pools, render_statements, year_result


def ranking_finalize(*, membership: Membership, year: int) -> RankingSnapshot:
    """Freeze the year's ranking and statements, with who and when and the
    policy version. A year is finalised once (409 after that)."""
    tenant = membership.tenant
    result = year_result(tenant=tenant, year=year)
    try:
        with transaction.atomic():
            return RankingSnapshot.objects.create(
                tenant=tenant,
                year=year,
                policy_version=result.facts.policy.version,
                finalized_by=membership.user,
                pools=render_pools(result),
                statements=render_statements(result),
            )
    except IntegrityError:
        raise Conflict(_("The %(year)d ranking is already finalised.") % {"year": year}) from None
