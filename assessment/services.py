"""Writes of the annual assessment: the centre's grade decisions and the
finalisation of a year, with its consequences (SPEC.md §6a)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from liaison.errors import Conflict
from roster.choices import EndReason, OfficerStatus
from roster.models import Officer
from roster.services import officer_disqualify, officer_end
from scoring.engine import assessment as engine
from scoring.engine import two_decimals
from scoring.engine.ranking import places

from .choices import YearStatus
from .models import AssessmentResult, AssessmentYear, GradeDecision
from .notifications import assessment_finalised
from .selectors import assessment_year_rows, year_rules

#: the disqualification reason of a failed assessment, where the policy has it
ASSESSMENT_FAILED = "assessment_failed"


def _locked_year(tenant, year: int) -> AssessmentYear:
    """The year's row, made on first use, locked for the transaction."""
    AssessmentYear.objects.get_or_create(tenant=tenant, year=year)
    return AssessmentYear.objects.for_tenant(tenant).select_for_update().get(year=year)


def _check_draft(state: AssessmentYear | None, year: int) -> None:
    if state is not None and state.status == YearStatus.FINAL:
        raise Conflict(_("The %(year)d assessment is final.") % {"year": year})


@transaction.atomic
def grade_set(
    *, membership: Membership, year: int, officer_id: int, grade: str, reason: str
) -> GradeDecision:
    """The centre sets an officer's grade for the year, with a reason
    (recorded; the latest decision counts). 400: no reason or a grade the
    policy does not know; 404: the officer was not appointed in the year;
    409: the year is final."""
    tenant = membership.tenant
    _policy, rules = year_rules(tenant=tenant, year=year)
    _check_draft(_locked_year(tenant, year), year)
    errors = {}
    codes = [g.code for g in rules.grades]
    if grade not in codes:
        errors["grade"] = _("Choose one of the policy's grades: %(codes)s.") % {
            "codes": ", ".join(codes)
        }
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the grade.")
    rows = assessment_year_rows(tenant=tenant, year=year)
    if officer_id not in rows.officers:
        raise Http404(_("The officer was not appointed in %(year)d.") % {"year": year})
    if not errors:
        over = _over_cap(rows, rules, officer_id, grade)
        if over:
            errors["grade"] = over
    if errors:
        raise ValidationError(errors)
    return GradeDecision.objects.create(
        tenant=tenant,
        officer_id=officer_id,
        year=year,
        grade=grade,
        reason=reason.strip(),
        decided_by=membership.user,
    )


def _over_cap(rows, rules: engine.AssessmentRules, officer_id: int, grade: str) -> str:
    """The message when setting ``grade`` would put more officers in a capped
    grade than its cap allows (counted on the whole cohort, like the
    engine's caps), else ``""``."""
    found = next((g for g in rules.grades if g.code == grade), None)
    if found is None or found.cap is None or rules.method != "graded":
        return ""
    size = len(rows.rows)
    allowed = places(size, found.cap.ratio, found.cap.rounding)
    holders = sum(1 for r in rows.rows if r["grade"] == grade and r["officer"] != officer_id)
    if holders + 1 <= allowed:
        return ""
    return _(
        "At most %(places)d of the %(size)d officers may be graded %(grade)s "
        "(%(percent)s%%); %(holders)d already are. Set another officer's grade "
        "first."
    ) % {
        "places": allowed,
        "size": size,
        "grade": found.label or found.code,
        "percent": two_decimals(found.cap.ratio * 100).rstrip("0").rstrip("."),
        "holders": holders,
    }


def service_end_day(officer: Officer, year: int, today: dt.date) -> dt.date:
    """The day a failed assessment of ``year`` ends the appointment: the later
    of the day after the assessed year and today, kept within the term (its
    last day when the term is over by then). Yangquan 001 第十六条 (取消其科技
    特派员资格) and Suzhou 003 二（三）6 (终止与该专员合作，不再予以派驻服务)
    end the service from the decision on: the assessed year was served in
    full, so the end never falls inside it (unless the term itself ends
    there, on its last day)."""
    day = max(today, dt.date(year + 1, 1, 1))
    return min(max(day, officer.term_start), officer.term_end)


def _end_service(
    membership: Membership, officer: Officer, policy_reasons, year: int, today: dt.date
) -> None:
    """End the appointment of an officer graded lowest: a disqualification for
    a failed assessment where the policy has that reason, else an early end
    (withdrawn), on :func:`service_end_day`."""
    if officer.status in (OfficerStatus.ENDED, OfficerStatus.DISQUALIFIED):
        return
    day = service_end_day(officer, year, today)
    if ASSESSMENT_FAILED in policy_reasons:
        officer_disqualify(
            tenant=membership.tenant,
            officer=officer,
            reason=ASSESSMENT_FAILED,
            effective_on=day,
            by=membership.user,
        )
    else:
        officer_end(
            tenant=membership.tenant,
            officer=officer,
            last_day=day,
            reason=EndReason.WITHDRAWN,
            by=membership.user,
        )


@transaction.atomic
def assessment_finalize(
    *, membership: Membership, year: int, today: dt.date | None = None
) -> AssessmentYear:
    """Freeze the year: every row as it stands (proposal, grade in force,
    exact score, components, reasons) and the year final (409 once final).
    Where the policy says so, the appointments of officers graded lowest end
    (``unqualified_ends_service``). 400 while an officer has no grade: the
    engine proposed none (:data:`engine.PENDING`, nothing to grade) and the
    centre set none."""
    tenant = membership.tenant
    _policy, rules = year_rules(tenant=tenant, year=year)
    state = _locked_year(tenant, year)
    _check_draft(state, year)
    rows = assessment_year_rows(tenant=tenant, year=year)
    pending = [r for r in rows.rows if r["grade"] == engine.PENDING]
    if pending:
        names = _(", ").join(rows.officers[r["officer"]].full_name for r in pending)
        raise ValidationError(
            _(
                "%(count)d officers have no grade yet (nothing to assess them on): "
                "%(names)s. Record their ratings and opinions, or set their grades "
                "with a reason, then finalise."
            )
            % {"count": len(pending), "names": names}
        )
    AssessmentResult.objects.bulk_create(
        AssessmentResult(
            tenant=tenant,
            assessment_year=state,
            officer_id=row["officer"],
            score=row["score"],
            components=row["components"],
            proposed_grade=row["proposed_grade"],
            grade=row["grade"],
            reasons=row["reasons"],
        )
        for row in rows.rows
    )
    state.status, state.finalized_at, state.finalized_by = (
        YearStatus.FINAL,
        timezone.now(),
        membership.user,
    )
    state.save(update_fields=["status", "finalized_at", "finalized_by"])
    today = today or timezone.localdate()
    reasons = [r["code"] for r in rows.policy.rules.get("disqualification_reasons", [])]
    for row in rows.rows:
        if "ends_service" in engine.consequences(row["grade"], rules):
            _end_service(membership, rows.officers[row["officer"]], reasons, year, today)
    assessment_finalised(  # issue 14: the assessed officers, after commit
        state=state,
        officers=[rows.officers[r["officer"]] for r in rows.rows],
        actor=membership.user,
    )
    return state
