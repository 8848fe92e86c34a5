"""Writing the duties. Every function checks who may act, validates the
input (``ValidationError`` with a message per field, nothing written),
checks the state it starts from (``Conflict``) and locks the row it moves.

Who may do what:
- plans and reports: the officer drafts and submits their own; a district
  manager or the centre may draft one for an officer in reach. The centre,
  or the district manager of the officer's district, accepts or returns —
  never the officer the report is from, never the member who drafted it
  (four eyes, as ledger entries);
- agreements and service days: the officer records their own; a district
  manager those of their districts' officers; the centre anyone's;
- trainings and attendance: the centre; a district manager for meetings of
  their districts' officers.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant
from accounts.selectors import policy_in_force
from liaison.errors import Conflict
from roster.models import Officer, Unit
from roster.selectors import officer_list

from .choices import ReportKind, ReportStatus, TrainingKind
from .models import Agreement, Attendance, Report, ServiceDay, Training
from .schedule import PERIOD_FORMATS, period_bounds
from .selectors import report_due_on

#: The signed agreement: by content, never by name.
AGREEMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
}
#: What a training's attendance was recorded from.
SOURCE_PAGE, SOURCE_SIGNIN = "page", "signin"

# --- who -----------------------------------------------------------------------------


def _own(membership: Membership, officer: Officer) -> bool:
    return officer.user_id is not None and officer.user_id == membership.user_id


def _check_records_for(membership: Membership, officer: Officer) -> None:
    """The member may record a duty of ``officer``: their own, or one in
    reach of a district manager or the centre. An officer outside reach is
    refused as if unknown (400 on ``officer``)."""
    if membership.role == Role.OFFICER:
        if not _own(membership, officer):
            raise ValidationError({"officer": _("Officers record only their own duties.")})
        return
    if membership.role not in (Role.ADMIN, Role.DISTRICT_MANAGER):
        raise PermissionDenied(_("Your role does not record duties."))
    if not officer_list(membership=membership).filter(id=officer.id).exists():
        raise ValidationError({"officer": _("Select a valid choice.")})


def _check_may_review(membership: Membership, report: Report) -> None:
    if _own(membership, report.officer):
        raise PermissionDenied(_("Your own plans and reports are accepted by someone else."))
    if report.created_by_id == membership.user_id:
        raise PermissionDenied(_("You drafted this report: another member accepts or returns it."))
    if membership.role == Role.ADMIN:
        return
    if (
        membership.role == Role.DISTRICT_MANAGER
        and report.officer.district_id is not None
        and officer_list(membership=membership).filter(id=report.officer_id).exists()
    ):
        return
    raise PermissionDenied(
        _("Only the centre, or the manager of the officer's district, accepts or returns it.")
    )


def review_refusal(*, membership: Membership, report: Report) -> str:
    """Why the member may not accept or return ``report`` ("" when they may)."""
    try:
        _check_may_review(membership, report)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def _check_may_edit(membership: Membership, report: Report) -> None:
    if not (_own(membership, report.officer) or report.created_by_id == membership.user_id):
        raise PermissionDenied(_("Only the officer, or whoever drafted it, edits this report."))


def _today() -> dt.date:
    return timezone.localdate()


def _in_term(officer: Officer, start: dt.date, end: dt.date, field: str) -> None:
    if end < officer.term_start or start > officer.term_end:
        raise ValidationError(
            {
                field: _("The dates lie outside the officer's term (%(start)s to %(end)s).")
                % {"start": officer.term_start, "end": officer.term_end}
            }
        )


def _host(tenant: Tenant, host_unit: Unit) -> Unit:
    if host_unit.tenant_id != tenant.id:
        raise ValidationError({"host_unit": _("Select a valid choice.")})
    return host_unit


def _ordered(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"end": _("The end date must not be before the start date.")})


# --- plans and reports -----------------------------------------------------------------


def _lock_report(tenant: Tenant, report: Report) -> Report:
    return (
        Report.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .select_related("officer")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_create(
    *,
    tenant: Tenant,
    membership: Membership,
    officer: Officer,
    kind: str,
    period: str,
    body: str,
) -> Report:
    """A draft plan or report; its due day is fixed from the policy now."""
    _check_records_for(membership, officer)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Select a valid choice.")})
    try:
        start, end = period_bounds(kind, period)
    except ValueError:
        raise ValidationError(
            {"period": _("Write the period as %(example)s.") % {"example": PERIOD_FORMATS[kind]}}
        ) from None
    if not body.strip():
        raise ValidationError({"body": _("This field is required.")})
    _in_term(officer, start, end, "period")
    if Report.objects.for_tenant(tenant).filter(officer=officer, kind=kind, period=period).exists():
        raise ValidationError(
            {
                "period": _("There is already a %(kind)s for this period.")
                % {"kind": ReportKind(kind).label}
            }
        )
    rules = policy_in_force(tenant=tenant, on=min(end, _today()) if start <= _today() else start)
    return Report.objects.create(
        tenant=tenant,
        officer=officer,
        kind=kind,
        period=period,
        body=body.strip(),
        due_on=report_due_on(rules.rules, kind, period, officer),
        created_by=membership.user,
    )


@transaction.atomic
def report_update(*, tenant: Tenant, membership: Membership, report: Report, body: str) -> Report:
    report = _lock_report(tenant, report)
    _check_may_edit(membership, report)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise Conflict(_("Only a draft or a returned report can be edited."))
    if not body.strip():
        raise ValidationError({"body": _("This field is required.")})
    report.body = body.strip()
    report.save(update_fields=["body", "updated_at"])
    return report


@transaction.atomic
def report_submit(*, tenant: Tenant, membership: Membership, report: Report) -> Report:
    """Hand the report in; late when handed in after its due day (and it stays
    late once it was)."""
    report = _lock_report(tenant, report)
    _check_may_edit(membership, report)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise Conflict(
            _("Not allowed while the report is %(status)s.")
            % {"status": ReportStatus(report.status).label}
        )
    now = timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.late = report.late or timezone.localdate(now) > report.due_on
    report.return_reason = ""
    report.save()
    return report


def _review(tenant, membership, report, to, reason="") -> Report:
    report = _lock_report(tenant, report)
    _check_may_review(membership, report)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(
            _("Not allowed while the report is %(status)s.")
            % {"status": ReportStatus(report.status).label}
        )
    report.status = to
    report.reviewed_at = timezone.now()
    report.reviewed_by = membership.user
    report.return_reason = reason
    report.save()
    return report


@transaction.atomic
def report_accept(*, tenant: Tenant, membership: Membership, report: Report) -> Report:
    return _review(tenant, membership, report, ReportStatus.ACCEPTED)


@transaction.atomic
def report_return(*, tenant: Tenant, membership: Membership, report: Report, reason: str) -> Report:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the report goes back.")})
    return _review(tenant, membership, report, ReportStatus.RETURNED, reason.strip())


# --- agreements -----------------------------------------------------------------------


def _check_file(upload: UploadedFile) -> tuple[str, str]:
    """The signed file's type by content and its SHA-256."""
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(limit)s MB.")
                % {"limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in AGREEMENT_TYPES:
        raise ValidationError(
            {
                "file": _("Upload the signed agreement as %(types)s.")
                % {"types": _(", ").join(AGREEMENT_TYPES.values())}
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind.mime, digest.hexdigest()


def _attach(agreement: Agreement, membership: Membership, upload: UploadedFile) -> None:
    mime, sha256 = _check_file(upload)
    agreement.file_name = (upload.name or "agreement")[-200:]
    agreement.file_sha256, agreement.file_type = sha256, mime
    agreement.file.save(agreement.file_name, upload, save=False)
    agreement.filed_at = timezone.now()
    agreement.filed_by = membership.user


@transaction.atomic
def agreement_create(
    *,
    tenant: Tenant,
    membership: Membership,
    officer: Officer,
    host_unit: Unit,
    start: dt.date,
    end: dt.date,
    signed_on: dt.date | None = None,
    upload: UploadedFile | None = None,
    renews: Agreement | None = None,
) -> Agreement:
    """An agreement; filed when its signed file comes with it."""
    _check_records_for(membership, officer)
    _host(tenant, host_unit)
    _ordered(start, end)
    if signed_on is not None and signed_on > _today():
        raise ValidationError({"signed_on": _("The date must not be in the future.")})
    _in_term(officer, start, end, "start")
    agreement = Agreement(
        tenant=tenant,
        officer=officer,
        host_unit=host_unit,
        start=start,
        end=end,
        signed_on=signed_on,
        renews=renews,
        created_by=membership.user,
    )
    if upload is not None:
        _attach(agreement, membership, upload)
    agreement.save()
    return agreement


def _lock_agreement(tenant: Tenant, agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .select_related("officer")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def agreement_file(
    *, tenant: Tenant, membership: Membership, agreement: Agreement, upload: UploadedFile
) -> Agreement:
    """File the signed agreement (once: a filed agreement keeps its file)."""
    agreement = _lock_agreement(tenant, agreement)
    _check_records_for(membership, agreement.officer)
    if agreement.filed:
        raise Conflict(_("This agreement is already filed with its signed file."))
    _attach(agreement, membership, upload)
    agreement.save()
    return agreement


@transaction.atomic
def agreement_renew(
    *,
    tenant: Tenant,
    membership: Membership,
    agreement: Agreement,
    end: dt.date,
    signed_on: dt.date | None = None,
    upload: UploadedFile | None = None,
) -> Agreement:
    """Renew (续签, 续派): a new agreement from the day after the old one ends
    until ``end``, with the same officer and host."""
    agreement = _lock_agreement(tenant, agreement)
    if Agreement.objects.filter(renews=agreement).exists():
        raise Conflict(_("This agreement has already been renewed."))
    start = agreement.end + dt.timedelta(days=1)
    if start > agreement.officer.term_end:
        raise ValidationError(
            {
                "end": _(
                    "The officer's term ends on %(day)s: renew the appointment first, "
                    "then the agreement."
                )
                % {"day": agreement.officer.term_end}
            }
        )
    if end < start:
        raise ValidationError(
            {"end": _("The renewal must end after %(day)s.") % {"day": agreement.end}}
        )
    return agreement_create(
        tenant=tenant,
        membership=membership,
        officer=agreement.officer,
        host_unit=agreement.host_unit,
        start=start,
        end=end,
        signed_on=signed_on,
        upload=upload,
        renews=agreement,
    )


# --- service days ---------------------------------------------------------------------


@transaction.atomic
def service_days_create(
    *,
    tenant: Tenant,
    membership: Membership,
    officer: Officer,
    host_unit: Unit,
    start: dt.date,
    end: dt.date,
    note: str = "",
) -> ServiceDay:
    """Days served on site; not in the future, inside the term, not
    overlapping days already recorded for the officer."""
    _check_records_for(membership, officer)
    _host(tenant, host_unit)
    _ordered(start, end)
    if end > _today():
        raise ValidationError({"end": _("The date must not be in the future.")})
    _in_term(officer, start, end, "start")
    # one writer per officer at a time: the overlap check below holds
    Officer.objects.select_for_update(of=("self",)).filter(pk=officer.pk).first()
    clash = (
        ServiceDay.objects.for_tenant(tenant)
        .filter(officer=officer, start__lte=end, end__gte=start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start": _("These days overlap days already recorded (%(start)s to %(end)s).")
                % {"start": clash.start, "end": clash.end}
            }
        )
    return ServiceDay.objects.create(
        tenant=tenant,
        officer=officer,
        host_unit=host_unit,
        start=start,
        end=end,
        note=note.strip(),
        created_by=membership.user,
    )


# --- trainings ------------------------------------------------------------------------


def _check_may_record_training(membership: Membership) -> None:
    if membership.role not in (Role.ADMIN, Role.DISTRICT_MANAGER):
        raise PermissionDenied(_("The centre or a district manager records trainings."))


def _attendees(membership: Membership, officers: list[Officer]) -> list[Officer]:
    reach = set(officer_list(membership=membership).values_list("id", flat=True))
    if any(o.id not in reach for o in officers):
        raise ValidationError({"attendees": _("Select a valid choice.")})
    return officers


@transaction.atomic
def training_create(
    *,
    tenant: Tenant,
    membership: Membership,
    title: str,
    kind: str,
    held_on: dt.date,
    attendees: list[Officer] = (),
    note: str = "",
) -> Training:
    _check_may_record_training(membership)
    if kind not in TrainingKind.values:
        raise ValidationError({"kind": _("Select a valid choice.")})
    if not title.strip():
        raise ValidationError({"title": _("This field is required.")})
    if held_on > _today():
        raise ValidationError({"held_on": _("The date must not be in the future.")})
    attendees = _attendees(membership, list(attendees))
    training = Training.objects.create(
        tenant=tenant,
        title=title.strip(),
        kind=kind,
        held_on=held_on,
        note=note.strip(),
        created_by=membership.user,
    )
    Attendance.objects.bulk_create(
        Attendance(training=training, officer=o, source=SOURCE_PAGE)
        for o in {o.id: o for o in attendees}.values()
    )
    return training


@transaction.atomic
def attendance_set(
    *,
    tenant: Tenant,
    membership: Membership,
    training: Training,
    officers: list[Officer],
    source: str = SOURCE_PAGE,
) -> Training:
    """Make ``officers`` the attendance of ``training`` (ticked on the page)
    — or, from a sign-in sheet, add them to it."""
    _check_may_record_training(membership)
    training = (
        Training.objects.for_tenant(tenant).select_for_update(of=("self",)).get(pk=training.pk)
    )
    officers = _attendees(membership, officers)
    wanted = {o.id for o in officers}
    reach = set(officer_list(membership=membership).values_list("id", flat=True))
    present = set(training.attendance.values_list("officer_id", flat=True))
    if source == SOURCE_PAGE:
        training.attendance.filter(officer_id__in=(present - wanted) & reach).delete()
    Attendance.objects.bulk_create(
        Attendance(training=training, officer_id=officer_id, source=source)
        for officer_id in sorted(wanted - present)
    )
    return training
