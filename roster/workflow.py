"""The selection workflow (SPEC.md §4.1): services and selectors.

Each transition is one atomic action: it locks the nomination, checks the
stage it starts from and the caller's role and reach for that step, moves it,
and records who, when, from, to and the comment. Errors: ``ValidationError``
(bad input), ``PermissionDenied`` (visible, not yours to do), ``Conflict``
(not from this stage / not now).
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.models import Membership, Tenant, User
from accounts.selectors import policy_in_force
from accounts.services import user_create
from liaison.errors import Conflict
from scoring.ranking_version import ranking_changed

from . import eligibility
from .choices import FINAL_STAGES, ObjectionStatus, Stage
from .eligibility import add_years
from .models import (
    Nomination,
    NominationTransition,
    Notice,
    Objection,
    Officer,
    OfficerRenewal,
    SelectionRound,
)
from .notifications import nomination_at_stage, objection_filed
from .selectors import districts_in_reach, officer_list, units_in_reach
from .services import officer_renew

NOMINATORS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.UNIT_REVIEWER})


# --- selectors ------------------------------------------------------------------------


def round_list(*, tenant: Tenant) -> QuerySet[SelectionRound]:
    return SelectionRound.objects.for_tenant(tenant).order_by("-year", "category", "-id")


def nomination_list(*, membership: Membership) -> QuerySet[Nomination]:
    """Nominations in reach: all for admins and auditors, a district
    manager's districts', a unit reviewer's units'; none for officers."""
    rows = Nomination.objects.for_tenant(membership.tenant).select_related(
        "round", "unit", "district"
    )
    if membership.reads_all:
        return rows
    if membership.role == Role.DISTRICT_MANAGER:
        return rows.filter(district__in=districts_in_reach(membership=membership))
    if membership.role == Role.UNIT_REVIEWER:
        return rows.filter(unit__in=units_in_reach(membership=membership))
    return rows.none()


def chain(nomination: Nomination) -> list[str]:
    """The stages a nomination of its round goes through, in order."""
    return [
        Stage.DRAFT,
        Stage.SUBMITTED,
        *[s["code"] for s in nomination.round.stages],
        Stage.ON_NOTICE,
        Stage.APPOINTED,
    ]


#: Words of a stage label that make it a leader approval (分管领导审定,
#: 局党组审定): recorded by the centre with the decision's reference.
LEADER_APPROVAL = ("领导审定", "党组审定")


def is_leader_approval(step: dict | None) -> bool:
    """Whether a review step records a leader's decision (API.md "Leader
    approvals"): the comment must then give the decision's reference."""
    return step is not None and any(w in step.get("label", "") for w in LEADER_APPROVAL)


def selection_chain(policy, category: str) -> dict:
    """A category's selection chain in a policy: ``stages``, ``notice``,
    ``self_nomination`` (a policy stored before issue 11 has only
    ``review_stages``: notice on, no self-nomination)."""
    chain = (policy.rules.get("selection") or {}).get(category)
    if chain is None:
        stages = policy.rules.get("review_stages", {}).get(category, [])
        chain = {"stages": stages, "notice": True, "self_nomination": False}
    return chain


def next_step(nomination: Nomination) -> dict | None:
    """The review step waiting on the nomination (code, label, role), if any."""
    stages = nomination.round.stages
    codes = [s["code"] for s in stages]
    if nomination.stage == Stage.SUBMITTED and stages:
        return stages[0]
    if nomination.stage in codes[:-1]:
        return stages[codes.index(nomination.stage) + 1]
    return None


def notice_is_open(notice: Notice, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return notice.start <= today <= notice.end


def public_notices(*, tenant: Tenant, today: dt.date | None = None) -> QuerySet[Notice]:
    """Open and past notices (API.md): one published for a later start is
    not shown before it starts."""
    return (
        Notice.objects.for_tenant(tenant)
        .filter(start__lte=today or timezone.localdate())
        .select_related("round")
        .prefetch_related("nominees__unit")
        .order_by("-start", "-id")
    )


def renewable_officers(*, membership: Membership) -> QuerySet[Officer]:
    """Officers a member may name on a nomination for a renewal or
    re-application (续任 / 再次申报): those in their reach, past or current."""
    return officer_list(membership=membership).order_by("full_name", "-term_start", "id")


def renewed_officer(nomination: Nomination) -> Officer | None:
    """The officer a nomination renews: the one named on it until it is
    appointed; once appointed, ``officer`` is the appointment made, a renewal
    only when a renewal row records it."""
    if nomination.officer_id is None:
        return None
    if nomination.stage == Stage.APPOINTED and not (
        OfficerRenewal.objects.filter(nomination=nomination).exists()
    ):
        return None
    return nomination.officer


# --- helpers ----------------------------------------------------------------------------


def _record(nomination: Nomination, actor, from_stage: str, comment: str = "") -> None:
    NominationTransition.objects.create(
        nomination=nomination,
        actor=actor,
        from_stage=from_stage,
        to_stage=nomination.stage,
        comment=comment,
    )


def _lock(tenant: Tenant, nomination: Nomination) -> Nomination:
    """The nomination, row-locked (only its own row: PostgreSQL refuses to
    lock the nullable side of the district join)."""
    return (
        Nomination.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .select_related("round", "unit", "district")
        .get(pk=nomination.pk)
    )


def _reach_ids(membership: Membership) -> tuple[frozenset[int], frozenset[int]]:
    """The ids of the member's districts and units, read once per membership
    object (one request), so a queue of nominations costs no query per row."""
    cached = getattr(membership, "_selection_reach", None)
    if cached is None:
        cached = (
            frozenset(districts_in_reach(membership=membership).values_list("id", flat=True)),
            frozenset(units_in_reach(membership=membership).values_list("id", flat=True)),
        )
        membership._selection_reach = cached
    return cached


def _in_reach(membership: Membership, nomination: Nomination, role: str) -> bool:
    if membership.role != role:
        return False
    if role == Role.ADMIN:
        return True
    districts, units = _reach_ids(membership)
    if role == Role.DISTRICT_MANAGER:
        return nomination.district_id in districts
    if role == Role.UNIT_REVIEWER:
        return nomination.unit_id in units
    return False


def _facts(nomination: Nomination) -> eligibility.Facts:
    return eligibility.Facts(
        birth_date=nomination.birth_date,
        gender=nomination.gender,
        degree=nomination.degree,
        title_level=nomination.title_level,
        employer_since=nomination.employer_since,
        park_years=nomination.park_years,
        integrity_record=nomination.integrity_record,
        certificates=nomination.certificates,
        last_grade=_last_grade(nomination),
    )


def _last_grade(nomination: Nomination) -> str | None:
    """The final assessment grade of the officer the nomination names, in the
    year before the round's (issue 12); ``None`` without one."""
    if nomination.officer_id is None or nomination.round_id is None:
        return None
    from assessment.selectors import final_grade

    return final_grade(
        tenant=nomination.tenant,
        officer_id=nomination.officer_id,
        year=nomination.round.year - 1,
    )


def _grade_blocks(
    policy, facts: eligibility.Facts, checks: list[dict]
) -> list[eligibility.Finding]:
    """The policy's consequence ``unqualified_blocks_next_nomination``: a block
    when the officer's final grade the year before was the lowest grade (unless
    a ``last_grade_not`` rule of the category already checks it)."""
    from scoring.engine.assessment import assessment_rules

    rules = assessment_rules(policy.rules)
    if (
        rules is None
        or not rules.unqualified_blocks_next_nomination
        or facts.last_grade != rules.lowest
        or any(c.get("rule") == "last_grade_not" for c in checks)
    ):
        return []
    label = next((g.label for g in rules.grades if g.code == rules.lowest), "") or rules.lowest
    return [
        eligibility.Finding(
            "last_grade",
            "block",
            _("Graded %(grade)s in last year's assessment: may not be nominated this year.")
            % {"grade": label},
        )
    ]


def nomination_findings(nomination: Nomination, today: dt.date | None = None) -> list[dict]:
    policy = policy_in_force(tenant=nomination.tenant, on=today)
    checks = policy.rules.get("eligibility", {}).get(nomination.category, [])
    facts = _facts(nomination)
    found = eligibility.check(facts, checks, today or timezone.localdate())
    return [f.as_dict() for f in [*found, *_grade_blocks(policy, facts, checks)]]


# --- rounds and nominations ---------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    membership: Membership,
    year: int,
    category: str,
    seats: int,
    notice_days: int | None = None,
    title: str = "",
    deadline: dt.date | None = None,
) -> SelectionRound:
    """Open a selection round; its chain (review stages, notice on/off,
    self-nomination on/off) is the policy's for the category, copied so that
    a later policy change does not move running nominations."""
    tenant = membership.tenant
    policy = policy_in_force(tenant=tenant)
    if policy.category(category) is None:
        raise ValidationError(
            {
                "category": _("Unknown category %(code)s; this programme has %(codes)s.")
                % {"code": category, "codes": ", ".join(policy.category_codes)}
            }
        )
    if seats < 1:
        raise ValidationError({"seats": _("At least one seat.")})
    chain = selection_chain(policy, category)
    title = title.strip() or _("%(year)d selection of %(category)s") % {
        "year": year,
        "category": policy.category(category)["label"],
    }
    return SelectionRound.objects.create(
        tenant=tenant,
        year=year,
        category=category,
        seats=seats,
        notice_days=notice_days or policy.rules["notice_days"],
        title=title,
        deadline=deadline,
        stages=chain["stages"],
        notice=bool(chain.get("notice", True)),
        self_nomination=bool(chain.get("self_nomination", False)),
        created_by=membership.user,
    )


#: A mainland China mobile number: 11 digits, 1 then 3-9.
MOBILE = re.compile(r"^1[3-9]\d{9}$")
NOMINEE_AGE = (18, 75)


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_personal_fields(nomination: Nomination, today: dt.date) -> None:
    """The nominee's dates and contact details are plausible: dates not in
    the future, an age of 18 to 75, joined the unit after birth, a mainland
    mobile number. Every problem is reported on its field at once."""
    errors: dict[str, str] = {}
    born, joined = nomination.birth_date, nomination.employer_since
    if born is not None:
        if born > today:
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        elif not NOMINEE_AGE[0] <= _age_on(born, today) <= NOMINEE_AGE[1]:
            errors["birth_date"] = _(
                "Check the date of birth: a nominee is %(low)d to %(high)d years old."
            ) % {"low": NOMINEE_AGE[0], "high": NOMINEE_AGE[1]}
    if joined is not None:
        if joined > today:
            errors["employer_since"] = _("The date cannot be later than today.")
        elif born is not None and joined <= born:
            errors["employer_since"] = _("The nominee cannot have joined the unit before birth.")
    nomination.mobile = (nomination.mobile or "").strip()
    if not MOBILE.match(nomination.mobile):
        errors["mobile"] = _("Enter a mainland mobile number: 11 digits starting with 13 to 19.")
    if nomination.email:
        try:
            validate_email(nomination.email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    if (
        nomination.park_years is not None
        and born is not None
        and "birth_date" not in errors
        and nomination.park_years > _age_on(born, today) - 16
    ):
        errors["park_years"] = _("More years of park work than a working life allows.")
    if nomination.officer_id is not None and nomination.officer.tenant_id != nomination.tenant_id:
        errors["officer"] = _("Not found.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def nomination_create(*, membership: Membership, round: SelectionRound, data: dict) -> Nomination:
    """A nomination in draft, by a unit reviewer (their units), a district
    manager (their districts) or an admin. The district defaults to the unit's."""
    tenant = membership.tenant
    if membership.role not in NOMINATORS:
        raise PermissionDenied(_("Your role does not nominate."))
    unit = data["unit"]
    district = data.get("district") or unit.district
    if (
        round.tenant_id != tenant.id
        or unit.tenant_id != tenant.id
        or (district is not None and district.tenant_id != tenant.id)
    ):
        raise ValidationError(_("Not found."))
    category = data.get("category") or round.category
    if category != round.category:
        raise ValidationError(
            {"category": _("The round is for category %(code)s.") % {"code": round.category}}
        )
    nomination = Nomination(
        tenant=tenant,
        round=round,
        nominated_by=membership.user,
        **{**data, "category": category, "district": district},
    )
    if membership.role == Role.UNIT_REVIEWER and not _in_reach(
        membership, nomination, Role.UNIT_REVIEWER
    ):
        raise ValidationError({"unit": _("You nominate from your own units only.")})
    if membership.role == Role.DISTRICT_MANAGER and not _in_reach(
        membership, nomination, Role.DISTRICT_MANAGER
    ):
        raise ValidationError({"district": _("You nominate in your own districts only.")})
    _check_personal_fields(nomination, timezone.localdate())
    nomination.full_clean(exclude=["notice", "officer"])
    nomination.warnings = nomination_findings(nomination)
    nomination.save()
    _record(nomination, membership.user, "", _("Nomination created."))
    return nomination


def _check_advance(membership: Membership, nomination: Nomination) -> str:
    """The stage the caller may move the nomination to, or the error."""
    if nomination.stage in FINAL_STAGES:
        raise Conflict(
            _("The nomination is closed (%(stage)s).") % {"stage": Stage(nomination.stage).label}
        )
    if nomination.stage == Stage.DRAFT:
        if nomination.nominated_by_id is None:
            # a self-application: the unit's reviewer or the centre takes it up
            if not (
                _in_reach(membership, nomination, Role.ADMIN)
                or _in_reach(membership, nomination, Role.UNIT_REVIEWER)
            ):
                raise PermissionDenied(
                    _("A self-application is taken up by its unit's reviewer or the centre.")
                )
        elif nomination.nominated_by_id != membership.user.id:
            raise PermissionDenied(_("Only the nominator submits a draft."))
        return Stage.SUBMITTED
    step = next_step(nomination)
    if step is None:
        if nomination.stage == Stage.CENTRE_VERIFIED and not nomination.round.notice:
            raise Conflict(_("Verified nominations are appointed with the round's “appoint”."))
        if nomination.stage == Stage.CENTRE_VERIFIED:
            raise Conflict(
                _("Verified nominations go on public notice with the round's “publish notice”.")
            )
        raise Conflict(_("Nominations on notice are appointed with the round's “appoint”."))
    if not _in_reach(membership, nomination, step["role"]):
        raise PermissionDenied(
            _("This step (%(step)s) is not yours to take.")
            % {"step": step.get("label", step["code"])}
        )
    return step["code"]


def deadline_check(round: SelectionRound, today: dt.date | None = None) -> None:
    """409 once the round's submission deadline has passed (the date named)."""
    today = today or timezone.localdate()
    if round.deadline is not None and today > round.deadline:
        raise Conflict(
            _("The deadline for nominations in this round was %(date)s.")
            % {"date": round.deadline.isoformat()}
        )


def nomination_advance(
    *, membership: Membership, nomination: Nomination, comment: str = ""
) -> Nomination:
    """Move to the next stage: the nominator submits a draft (eligibility
    blocks stop it), then each review step's role, in order, once."""
    with transaction.atomic():
        nomination = _lock(membership.tenant, nomination)
        target = _check_advance(membership, nomination)
        if is_leader_approval(next_step(nomination)) and not (comment or "").strip():
            raise ValidationError(
                {"comment": _("Give the reference of the leaders' decision (文号 or minutes).")}
            )
        if target == Stage.SUBMITTED:
            deadline_check(nomination.round)
            nomination.warnings = nomination_findings(nomination)
            blocks = [f["message"] for f in nomination.warnings if f["level"] == "block"]
            if blocks:
                raise ValidationError({"eligibility": blocks})
        before = nomination.stage
        nomination.stage = target
        nomination.save(update_fields=["stage", "warnings"])
        _record(nomination, membership.user, before, comment)
    tell_next(nomination=nomination, actor=membership.user)  # issue 14: after commit
    return nomination


def nomination_reject(*, membership: Membership, nomination: Nomination, reason: str) -> Nomination:
    """Reject at a review (reason required): by the role of the pending step."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the nomination is rejected.")})
    with transaction.atomic():
        nomination = _lock(membership.tenant, nomination)
        if nomination.stage in FINAL_STAGES or nomination.stage in (Stage.DRAFT, Stage.ON_NOTICE):
            raise Conflict(_("Only a nomination under review can be rejected."))
        step = next_step(nomination)
        if step is None:  # every review is done: publish the notice or reject nothing
            raise Conflict(_("Every review is done; the nomination waits for the notice."))
        if not _in_reach(membership, nomination, step["role"]):
            raise PermissionDenied(_("Only the reviewer of the pending step rejects."))
        before = nomination.stage
        nomination.stage = Stage.REJECTED
        nomination.save(update_fields=["stage"])
        _record(nomination, membership.user, before, reason.strip())
    return nomination


def nomination_withdraw(
    *, membership: Membership, nomination: Nomination, comment: str = ""
) -> Nomination:
    """The nominator withdraws a nomination before any review decided on it."""
    with transaction.atomic():
        nomination = _lock(membership.tenant, nomination)
        if nomination.nominated_by_id != membership.user.id:
            raise PermissionDenied(_("Only the nominator withdraws a nomination."))
        if nomination.stage not in (Stage.DRAFT, Stage.SUBMITTED):
            raise Conflict(_("A reviewer has decided on it already; it cannot be withdrawn."))
        before = nomination.stage
        nomination.stage = Stage.WITHDRAWN
        nomination.save(update_fields=["stage"])
        _record(nomination, membership.user, before, comment)
    return nomination


# --- notice, objections, appointment ----------------------------------------------------------


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The last day of a notice of ``days`` working days from ``start``
    (Monday to Friday; public holidays are the admin's to allow for)."""
    day, counted = start, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted >= days:
                return day
        day += dt.timedelta(days=1)


@transaction.atomic
def notice_publish(
    *,
    membership: Membership,
    round: SelectionRound,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Notice:
    """Put the round's centre-verified nominations on public notice; 409 for
    a round whose category has no notice."""
    if membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the centre publishes notices."))
    round = (
        SelectionRound.objects.for_tenant(membership.tenant).select_for_update().get(pk=round.pk)
    )
    if not round.notice:
        raise Conflict(
            _("This programme appoints %(category)s without a public notice.")
            % {
                "category": policy_in_force(tenant=round.tenant).category_labels.get(
                    round.category, round.category
                )
            }
        )
    verified = list(round.nominations.select_for_update().filter(stage=Stage.CENTRE_VERIFIED))
    if not verified:
        raise Conflict(_("No nomination of this round is verified by the centre yet."))
    start = start or timezone.localdate()
    end = end or add_working_days(start, round.notice_days)
    if end < start:
        raise ValidationError({"end": _("The notice cannot end before it starts.")})
    notice = Notice.objects.create(
        tenant=membership.tenant,
        round=round,
        start=start,
        end=end,
        title=_("Public notice: %(round)s") % {"round": round.title or round.category},
        published_by=membership.user,
    )
    for nomination in verified:
        nomination.stage, nomination.notice = Stage.ON_NOTICE, notice
        nomination.save(update_fields=["stage", "notice"])
        _record(nomination, membership.user, Stage.CENTRE_VERIFIED, notice.title)
    return notice


_PHONE_CHARS = re.compile(r"[\s\-()（）+]")


def contact_is_valid(contact: str) -> bool:
    """A phone number (7 to 15 digits, with spaces, dashes, brackets or a
    leading + allowed) or an e-mail address."""
    contact = contact.strip()
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            return False
        return True
    digits = _PHONE_CHARS.sub("", contact)
    return digits.isdigit() and 7 <= len(digits) <= 15


def contact_email(contact: str) -> str:
    """The objector's e-mail address, or "" when they left a phone number."""
    contact = contact.strip()
    return contact if "@" in contact and contact_is_valid(contact) else ""


def public_answers(*, notice: Notice) -> list[Objection]:
    """The centre's decisions on a notice's objections, for the public board:
    whom it concerned, the decision, the reply and when — never who objected
    or how to reach them."""
    return list(
        notice.objections.exclude(status=ObjectionStatus.OPEN)
        .select_related("nomination")
        .order_by("decided_at", "id")
    )


@transaction.atomic
def objection_file(
    *,
    tenant: Tenant,
    notice: Notice,
    nomination: Nomination,
    contact: str,
    reason: str,
    name: str = "",
    today: dt.date | None = None,
) -> Objection:
    """Anyone files an objection while the notice runs (contact and reason
    required, name optional); after its end: 409."""
    errors = {}
    if not (contact or "").strip():
        errors["contact"] = _("Leave a phone number or e-mail so that the centre can reply.")
    elif not contact_is_valid(contact):
        errors["contact"] = _(
            "Leave a phone number (such as 13800000000 or 0354-1234567) or an e-mail "
            "address, so that the centre can reply."
        )
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the objection.")
    if nomination.notice_id != notice.id or nomination.tenant_id != tenant.id:
        errors["nominee"] = _("This person is not on this notice.")
    if errors:
        raise ValidationError(errors)
    if not notice_is_open(notice, today):
        raise Conflict(
            _("The notice is not open: objections are taken from %(start)s to %(end)s.")
            % {"start": notice.start, "end": notice.end}
        )
    objection = Objection.objects.create(
        tenant=tenant,
        notice=notice,
        nomination=nomination,
        name=name.strip()[:100],
        contact=contact.strip()[:100],
        reason=reason.strip(),
    )
    objection_filed(objection=objection)  # issue 14: the admins, after commit
    return objection


@transaction.atomic
def objection_resolve(
    *, membership: Membership, objection: Objection, decision: str, comment: str = ""
) -> Objection:
    """Upheld: the nomination ends as ``objection_upheld``; dismissed: it goes on."""
    if membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the centre resolves objections."))
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise ValidationError({"decision": _("Decide “upheld” or “dismissed”.")})
    objection = (
        Objection.objects.for_tenant(membership.tenant).select_for_update().get(pk=objection.pk)
    )
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(_("The objection is resolved already."))
    objection.status, objection.comment = decision, comment.strip()
    objection.decided_by, objection.decided_at = membership.user, timezone.now()
    objection.save()
    email = contact_email(objection.contact)
    if email:  # a phone number: the reply is on the public board, and the centre calls
        transaction.on_commit(lambda: _send_answer(objection, email))
    if decision == ObjectionStatus.UPHELD:
        nomination = _lock(membership.tenant, objection.nomination)
        if nomination.stage == Stage.ON_NOTICE:
            nomination.stage = Stage.OBJECTION_UPHELD
            nomination.save(update_fields=["stage"])
            _record(
                nomination, membership.user, Stage.ON_NOTICE, comment.strip() or objection.reason
            )
    return objection


def _send_answer(objection: Objection, email: str) -> None:
    """E-mail the centre's answer to the objector (sent after commit; a
    failed delivery does not undo the decision)."""
    subject = _("Your objection: the centre's answer")
    body = _(
        "Your objection against %(name)s (%(notice)s) was %(decision)s on %(day)s.\n\n"
        "The centre's reply: %(reply)s"
    ) % {
        "name": objection.nomination.full_name,
        "notice": objection.notice.title,
        "decision": ObjectionStatus(objection.status).label,
        "day": timezone.localdate(objection.decided_at).isoformat(),
        "reply": objection.comment or "—",
    }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True)


def invitation_path(user: User) -> str:
    """The set-password link a new officer gets (no password is ever sent)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(
        "invitation", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)}
    )


def _login_for(tenant: Tenant, nomination: Nomination) -> User:
    candidates = [nomination.mobile, f"{tenant.slug}-{nomination.pk}"]
    username = next(c for c in candidates if c and not User.objects.filter(username=c).exists())
    return user_create(
        tenant=tenant,
        username=username,
        password=None,
        role=Role.OFFICER,
        full_name=nomination.full_name,
        email=nomination.email,
    ).user


def appointable(round: SelectionRound, today: dt.date | None = None) -> QuerySet[Nomination]:
    """Nominations the centre may appoint now: on a notice that has ended
    (``on_notice``), or verified (``centre_verified``) in a round without
    notice."""
    today = today or timezone.localdate()
    rows = round.nominations.select_related("unit")
    if not round.notice:
        return rows.filter(stage=Stage.CENTRE_VERIFIED)
    return rows.filter(stage=Stage.ON_NOTICE, notice__end__lt=today)


def reserves(round: SelectionRound) -> list[Nomination]:
    """Who stays in reserve once the round has appointed: nominations still
    verified or on notice (API.md "Seats")."""
    if not round.nominations.filter(stage=Stage.APPOINTED).exists():
        return []
    return list(
        round.nominations.filter(stage__in=(Stage.CENTRE_VERIFIED, Stage.ON_NOTICE))
        .select_related("unit")
        .order_by("id")
    )


def seats_left(round: SelectionRound) -> int:
    return max(round.seats - round.nominations.filter(stage=Stage.APPOINTED).count(), 0)


@transaction.atomic
def round_appoint(
    *,
    membership: Membership,
    round: SelectionRound,
    nominations: list[int] | None = None,
    today: dt.date | None = None,
) -> list[tuple[Nomination, str]]:
    """Appoint up to the round's seats: an officer appointment and term, and
    a login with an invitation link. ``nominations`` (ids) says whom; without
    it every appointable nomination is appointed, 409 when they outnumber the
    seats left. In a round with notice: 409 while a notice runs or an
    objection is open; a round without notice appoints verified nominations
    directly. Those not chosen stay where they are, as reserves."""
    if membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the centre appoints."))
    today = today or timezone.localdate()
    round = (
        SelectionRound.objects.for_tenant(membership.tenant).select_for_update().get(pk=round.pk)
    )
    if round.notice:
        notices = list(round.notices.all())
        if any(n.end >= today for n in notices):
            raise Conflict(_("A public notice of this round is still running."))
        if Objection.objects.filter(notice__in=notices, status=ObjectionStatus.OPEN).exists():
            raise Conflict(_("An objection is still open; resolve it first."))
    waiting = {n.id: n for n in appointable(round, today).select_for_update(of=("self",))}
    left = seats_left(round)
    if nominations is not None:
        chosen = list(dict.fromkeys(nominations))
        if len(chosen) > left:
            raise ValidationError(
                {
                    "nominations": _("The round has %(left)d seat(s) left; choose at most that.")
                    % {"left": left}
                }
            )
        wrong = [str(i) for i in chosen if i not in waiting]
        if wrong:
            raise ValidationError(
                {"nominations": _("Not appointable now: %(ids)s.") % {"ids": ", ".join(wrong)}}
            )
        if not chosen:
            raise ValidationError({"nominations": _("Choose whom to appoint.")})
        waiting = {i: waiting[i] for i in chosen}
    elif not waiting:
        raise Conflict(_("No nomination of this round waits for appointment."))
    elif len(waiting) > left:
        raise Conflict(
            _(
                "%(count)d nominations wait for %(left)d seat(s): choose whom to appoint "
                "(the others stay as reserves)."
            )
            % {"count": len(waiting), "left": left}
        )
    renewing = [n.officer_id for n in waiting.values() if n.officer_id is not None]
    if len(renewing) != len(set(renewing)):
        raise ValidationError(
            {"nominations": _("Two of these nominations renew the same officer; choose one.")}
        )
    policy = policy_in_force(tenant=membership.tenant, on=today)
    years = int(policy.rules["term_years"])
    end = add_years(today, years) - dt.timedelta(days=1)
    appointed = []
    for nomination in waiting.values():
        officer, link = _appoint_one(membership, nomination, today, end)
        before = nomination.stage
        nomination.stage, nomination.officer = Stage.APPOINTED, officer
        nomination.save(update_fields=["stage", "officer"])
        _record(
            nomination,
            membership.user,
            before,
            _("Appointed.") if nomination.renewal_of is None else _("Renewed."),
        )
        appointed.append((nomination, link))
    return appointed


def _appoint_one(
    membership: Membership, nomination: Nomination, start: dt.date, end: dt.date
) -> tuple[Officer, str | None]:
    """The appointment of one nomination and the invitation link of its new
    login (None when the officer keeps the login they have). A nomination
    naming an officer renews that appointment; the others make a new one."""
    tenant = membership.tenant
    nomination.renewal_of = nomination.officer if nomination.officer_id else None
    if nomination.renewal_of is not None:
        officer = officer_renew(
            tenant=tenant,
            officer=nomination.renewal_of,
            nomination=nomination,
            term_start=start,
            term_end=end,
            by=membership.user,
        )
        if officer.user_id is not None:
            return officer, None
        officer.user = _login_for(tenant, nomination)
        officer.save(update_fields=["user"])
        return officer, invitation_path(officer.user)
    user = _login_for(tenant, nomination)
    officer = Officer.objects.create(
        tenant=tenant,
        user=user,
        full_name=nomination.full_name,
        category=nomination.category,
        district=nomination.district,
        unit=nomination.unit,
        mobile=nomination.mobile,
        email=nomination.email,
        term_start=start,
        term_end=end,
    )
    ranking_changed(tenant=tenant)  # an officer of the term's years
    return officer, invitation_path(user)


# --- self-nomination --------------------------------------------------------------------------


def self_nomination_rounds(*, tenant: Tenant) -> QuerySet[SelectionRound]:
    """Rounds a person may apply to through the public form."""
    return SelectionRound.objects.for_tenant(tenant).filter(self_nomination=True)


@transaction.atomic
def application_create(
    *, tenant: Tenant, round: SelectionRound, data: dict, today: dt.date | None = None
) -> Nomination:
    """A person applies (自荐 / 自行填写) through the public form: a draft with
    no nominator, which the unit's reviewer or the centre takes up. 409 after
    the round's deadline."""
    today = today or timezone.localdate()
    if round.tenant_id != tenant.id or not round.self_nomination:
        raise ValidationError(_("Not found."))
    deadline_check(round, today)
    unit = data["unit"]
    if unit.tenant_id != tenant.id:
        raise ValidationError({"unit": _("Not found.")})
    nomination = Nomination(
        tenant=tenant,
        round=round,
        nominated_by=None,
        **{**data, "category": round.category, "district": unit.district},
    )
    _check_personal_fields(nomination, today)
    nomination.full_clean(exclude=["notice", "officer", "nominated_by"])
    nomination.warnings = nomination_findings(nomination, today)
    nomination.save()
    _record(nomination, None, "", _("Self-application through the public form."))
    return nomination


def may_submit(membership: Membership, nomination: Nomination) -> bool:
    """Whether the member submits this draft: its nominator, or for a
    self-application its unit's reviewer or the centre."""
    if nomination.nominated_by_id is None:
        return _in_reach(membership, nomination, Role.ADMIN) or _in_reach(
            membership, nomination, Role.UNIT_REVIEWER
        )
    return nomination.nominated_by_id == membership.user.id


def may_take(membership: Membership, nomination: Nomination) -> bool:
    """Whether the pending review step is the member's to take."""
    step = next_step(nomination)
    return step is not None and _in_reach(membership, nomination, step["role"])


# --- issue 14 notifications: who acts at the stage a nomination reached ------------------


def stage_members(nomination: Nomination) -> tuple[list[User], object]:
    """The members who act next on the nomination, and the step's label: the
    pending step's role within its reach (unit reviewers of the unit, district
    managers of the district, admins); the centre once every review is done."""
    step = next_step(nomination)
    if step is not None:
        role, label = step["role"], step.get("label") or step["code"]
    elif nomination.stage == Stage.CENTRE_VERIFIED:
        role = Role.ADMIN
        label = (
            gettext_lazy("publish the public notice")
            if nomination.round.notice
            else gettext_lazy("appoint")
        )
    else:
        return [], ""
    members = (
        Membership.objects.for_tenant(nomination.tenant)
        .filter(role=role, is_active=True, user__is_active=True)
        .select_related("user")
    )
    return [m.user for m in members if _in_reach(m, nomination, role)], label


def tell_next(*, nomination: Nomination, actor: User) -> None:
    """Notify whoever acts at the stage the nomination just reached."""
    recipients, label = stage_members(nomination)
    if recipients:
        nomination_at_stage(
            nomination=nomination, recipients=recipients, step_label=label, actor=actor
        )
