"""The duties' services and selectors: who may act, what is written, what
falls due, the yearly totals."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import Membership, Policy
from duties import selectors, services
from duties.models import Agreement, Attendance, Report, ServiceDay, Training
from liaison.errors import Conflict
from tests.world import PNG, centre

pytestmark = pytest.mark.django_db
D = dt.date
NOON = "2026-03-20 12:00:00+08:00"


def member(w, who) -> Membership:
    if who == "centre":
        return centre(w)
    return Membership.objects.get(tenant=w.tenant, user=w.users[who])


def draft(w, who="officer", officer="mine", kind="monthly_plan", period="2026-03", body="走访企业"):
    return services.report_create(
        tenant=w.tenant,
        membership=member(w, who),
        officer=w.officers[officer],
        kind=kind,
        period=period,
        body=body,
    )


def messages(exc: ValidationError) -> dict:
    return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}


# --- plans and reports ---------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_a_district_officers_monthly_plan_is_due_on_the_10th(world):
    report = draft(world)
    assert (report.status, report.due_on, report.late) == ("draft", D(2026, 3, 10), False)
    assert report.created_by == world.users["officer"]


@time_machine.travel(NOON, tick=False)
def test_a_city_officers_weekly_plan_is_due_on_its_monday(world):
    report = draft(world, who="admin", officer="city", kind="weekly_plan", period="2026-W12")
    assert report.due_on == D(2026, 3, 16)


@pytest.mark.parametrize(
    ("who", "officer", "field", "message"),
    [
        ("officer", "d1", "officer", "Officers record only their own duties."),
        ("manager", "d2", "officer", "Select a valid choice."),
    ],
)
@time_machine.travel(NOON, tick=False)
def test_only_officers_in_reach(world, who, officer, field, message):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        draft(world, who=who, officer=officer)
    assert messages(exc.value) == {field: [message]}
    assert Report.objects.count() == 0


@pytest.mark.parametrize("who", ["auditor", "reviewer"])
def test_read_only_roles_record_no_report(world, who):
    with pytest.raises(PermissionDenied):
        draft(world, who=who)


@pytest.mark.parametrize(
    ("kind", "period", "errors"),
    [
        ("monthly_plan", "2026-3", {"period": ["Write the period as 2026-03."]}),
        ("weekly_plan", "2026-03", {"period": ["Write the period as 2026-W05."]}),
        ("quarterly_report", "2026-Q5", {"period": ["Write the period as 2026-Q1."]}),
        ("daily_plan", "2026-03-01", {"kind": ["Select a valid choice."]}),
        (
            "monthly_plan",
            "2024-12",
            {"period": ["The dates lie outside the officer's term (2025-01-01 to 2026-12-31)."]},
        ),
    ],
)
@time_machine.travel(NOON, tick=False)
def test_bad_reports_are_refused_and_nothing_is_written(world, kind, period, errors):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        draft(world, kind=kind, period=period)
    assert messages(exc.value) == errors
    assert Report.objects.count() == 0


@time_machine.travel(NOON, tick=False)
def test_one_report_per_officer_kind_and_period(world):
    draft(world)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        draft(world)
    assert messages(exc.value) == {"period": ["There is already a Monthly plan for this period."]}
    assert Report.objects.count() == 1


def test_handed_in_after_the_due_day_is_late_and_stays_late(world):
    with time_machine.travel("2026-03-10 23:59:00+08:00", tick=False):
        on_time = draft(world)
        on_time = services.report_submit(
            tenant=world.tenant, membership=member(world, "officer"), report=on_time
        )
    assert (on_time.status, on_time.late) == ("submitted", False)
    with time_machine.travel("2026-03-11 00:01:00+08:00", tick=False):
        late = draft(world, kind="quarterly_report", period="2026-Q1")  # no duty: due 1 April
        late = services.report_submit(
            tenant=world.tenant, membership=member(world, "officer"), report=late
        )
        assert late.late is False
        returned = services.report_return(
            tenant=world.tenant, membership=member(world, "manager"), report=on_time, reason="补充"
        )
    assert (returned.status, returned.return_reason) == ("returned", "补充")
    with time_machine.travel("2026-03-12 09:00:00+08:00", tick=False):
        again = services.report_submit(
            tenant=world.tenant, membership=member(world, "officer"), report=returned
        )
    assert (again.status, again.late, again.return_reason) == ("submitted", True, "")


@pytest.mark.parametrize(
    ("who", "officer", "allowed"),
    [
        ("manager", "mine", True),
        ("admin", "mine", True),
        ("manager", "city", False),  # a city officer's report goes to the centre
        ("admin", "city", True),
        ("officer", "mine", False),  # never their own
        ("auditor", "mine", False),
        ("reviewer", "mine", False),
    ],
)
@time_machine.travel(NOON, tick=False)
def test_four_eyes_on_accepting(world, who, officer, allowed):
    author = "officer" if officer == "mine" else "centre"
    report = draft(world, who=author, officer=officer)
    services.report_submit(tenant=world.tenant, membership=member(world, author), report=report)
    if allowed:
        accepted = services.report_accept(
            tenant=world.tenant, membership=member(world, who), report=report
        )
        assert (accepted.status, accepted.reviewed_by) == ("accepted", world.users[who])
    else:
        with pytest.raises(PermissionDenied):
            services.report_accept(
                tenant=world.tenant, membership=member(world, who), report=report
            )
        assert Report.objects.get().status == "submitted"


@time_machine.travel(NOON, tick=False)
def test_who_drafted_it_does_not_accept_it(world):
    report = draft(world, who="manager")
    services.report_submit(tenant=world.tenant, membership=member(world, "manager"), report=report)
    with translation.override("en"), pytest.raises(PermissionDenied) as exc:
        services.report_accept(
            tenant=world.tenant, membership=member(world, "manager"), report=report
        )
    assert str(exc.value) == "You drafted this report: another member accepts or returns it."
    accepted = services.report_accept(
        tenant=world.tenant, membership=member(world, "admin"), report=report
    )
    assert accepted.status == "accepted"


@time_machine.travel(NOON, tick=False)
def test_states(world):
    report = draft(world)
    with pytest.raises(Conflict):
        services.report_accept(
            tenant=world.tenant, membership=member(world, "manager"), report=report
        )
    with pytest.raises(ValidationError):
        services.report_return(
            tenant=world.tenant, membership=member(world, "manager"), report=report, reason=" "
        )
    services.report_submit(tenant=world.tenant, membership=member(world, "officer"), report=report)
    with pytest.raises(Conflict):
        services.report_submit(
            tenant=world.tenant, membership=member(world, "officer"), report=report
        )
    with pytest.raises(Conflict):
        services.report_update(
            tenant=world.tenant, membership=member(world, "officer"), report=report, body="改"
        )


# --- what is due ----------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_reports_due_lists_missing_and_unaccepted_reports(world):
    march = draft(world)
    services.report_submit(tenant=world.tenant, membership=member(world, "officer"), report=march)
    rows = selectors.reports_due(
        officers=[world.officers["mine"], world.officers["city"]],
        tenant=world.tenant,
        on=D(2026, 3, 20),
    )
    mine = [r for r in rows if r["officer"] == world.officers["mine"].id]
    assert mine == [
        {
            "officer": world.officers["mine"].id,
            "kind": "monthly_plan",
            "period": "2026-01",
            "due_on": D(2026, 1, 10),
            "status": "missing",
        },
        {
            "officer": world.officers["mine"].id,
            "kind": "monthly_plan",
            "period": "2026-02",
            "due_on": D(2026, 2, 10),
            "status": "missing",
        },
        {
            "officer": world.officers["mine"].id,
            "kind": "monthly_plan",
            "period": "2026-03",
            "due_on": D(2026, 3, 10),
            "status": "submitted",
        },
    ]
    city = [(r["period"], r["due_on"]) for r in rows if r["officer"] == world.officers["city"].id]
    assert city == [
        ("2026-W02", D(2026, 1, 5)),
        ("2026-W03", D(2026, 1, 12)),
        ("2026-W04", D(2026, 1, 19)),
        ("2026-W05", D(2026, 1, 26)),
        ("2026-W06", D(2026, 2, 2)),
        ("2026-W07", D(2026, 2, 9)),
        ("2026-W08", D(2026, 2, 16)),
        ("2026-W09", D(2026, 2, 23)),
        ("2026-W10", D(2026, 3, 2)),
        ("2026-W11", D(2026, 3, 9)),
        ("2026-W12", D(2026, 3, 16)),
    ]
    services.report_accept(tenant=world.tenant, membership=member(world, "manager"), report=march)
    rows = selectors.reports_due(
        officers=[world.officers["mine"]], tenant=world.tenant, on=D(2026, 3, 20)
    )
    assert [r["period"] for r in rows] == ["2026-01", "2026-02"]
    assert [r["period"] for r in selectors.overdue(rows, D(2026, 3, 20))] == ["2026-01", "2026-02"]


@time_machine.travel(NOON, tick=False)
def test_reports_on_time_share(world):
    rules = Policy.objects.get(tenant=world.tenant).rules
    with time_machine.travel("2026-01-09 10:00:00+08:00", tick=False):
        jan = draft(world, period="2026-01")
        services.report_submit(tenant=world.tenant, membership=member(world, "officer"), report=jan)
    with time_machine.travel("2026-02-11 10:00:00+08:00", tick=False):
        feb = draft(world, period="2026-02")
        services.report_submit(tenant=world.tenant, membership=member(world, "officer"), report=feb)
    shares = selectors.reports_on_time(
        tenant=world.tenant,
        rules=rules,
        officers=[world.officers["mine"]],
        year=2026,
        today=D(2026, 3, 20),
    )
    # due: January (on time), February (late), March (missing)
    assert shares == {world.officers["mine"].id: Fraction(1, 3)}
    rules["duties"] = []
    assert selectors.reports_on_time(
        tenant=world.tenant,
        rules=rules,
        officers=[world.officers["mine"]],
        year=2026,
        today=D(2026, 3, 20),
    ) == {world.officers["mine"].id: None}


# --- agreements -----------------------------------------------------------------------


def agreement(w, who="admin", upload=None, **extra):
    data = {
        "officer": w.officers["d1"],
        "host_unit": w.units["u1"],
        "start": D(2025, 3, 1),
        "end": D(2026, 2, 28),
        "signed_on": D(2025, 2, 20),
    }
    data.update(extra)
    return services.agreement_create(
        tenant=w.tenant, membership=member(w, who), upload=upload, **data
    )


@time_machine.travel(NOON, tick=False)
def test_an_agreement_with_its_signed_file_is_filed(world):
    signed = agreement(world, upload=SimpleUploadedFile("协议.png", PNG, content_type="image/png"))
    assert (signed.filed, signed.file_name, signed.filed_by) == (
        True,
        "协议.png",
        world.users["admin"],
    )
    unsigned = agreement(world, start=D(2026, 3, 1), end=D(2026, 12, 31))
    assert (unsigned.filed, unsigned.filed_at) == (False, None)
    filed = services.agreement_file(
        tenant=world.tenant,
        membership=member(world, "manager"),
        agreement=unsigned,
        upload=SimpleUploadedFile("scan.png", PNG),
    )
    assert filed.filed is True
    with pytest.raises(Conflict):
        services.agreement_file(
            tenant=world.tenant,
            membership=member(world, "manager"),
            agreement=unsigned,
            upload=SimpleUploadedFile("scan.png", PNG),
        )


@pytest.mark.parametrize(
    ("upload", "extra", "errors"),
    [
        (
            ("a.pdf", b"not a pdf at all"),
            {},
            {"file": ["Upload the signed agreement as PDF, JPEG, PNG, Word (.docx)."]},
        ),
        (("a.png", b""), {}, {"file": ["The file is empty."]}),
        (
            None,
            {"end": D(2025, 2, 1)},
            {"end": ["The end date must not be before the start date."]},
        ),
        (
            None,
            {"signed_on": D(2026, 3, 21)},
            {"signed_on": ["The date must not be in the future."]},
        ),
    ],
)
@time_machine.travel(NOON, tick=False)
def test_bad_agreements_write_nothing(world, upload, extra, errors):
    file = SimpleUploadedFile(*upload) if upload else None
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        agreement(world, upload=file, **extra)
    assert messages(exc.value) == errors
    assert Agreement.objects.count() == 0


@time_machine.travel(NOON, tick=False)
def test_renewal_starts_the_day_after_and_happens_once(world):
    first = agreement(world)
    renewed = services.agreement_renew(
        tenant=world.tenant,
        membership=member(world, "manager"),
        agreement=first,
        end=D(2027, 2, 28),
    )
    # the renewal may run past the term: the term is renewed on its own
    assert (renewed.start, renewed.end, renewed.renews_id) == (
        D(2026, 3, 1),
        D(2027, 2, 28),
        first.id,
    )
    with pytest.raises(Conflict):
        services.agreement_renew(
            tenant=world.tenant,
            membership=member(world, "admin"),
            agreement=first,
            end=D(2027, 2, 28),
        )
    half = agreement(world, start=D(2026, 3, 1), end=D(2026, 6, 30))
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.agreement_renew(
            tenant=world.tenant,
            membership=member(world, "admin"),
            agreement=half,
            end=D(2026, 5, 1),
        )
    assert messages(exc.value) == {"end": ["The renewal must end after 2026-06-30."]}
    assert Agreement.objects.count() == 3


# --- service days and trainings --------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_service_days_do_not_overlap_and_total_per_year(world):
    def record(start, end, who="officer"):
        return services.service_days_create(
            tenant=world.tenant,
            membership=member(world, who),
            officer=world.officers["mine"],
            host_unit=world.units["u1"],
            start=start,
            end=end,
        )

    record(D(2025, 12, 20), D(2026, 1, 10))
    record(D(2026, 2, 1), D(2026, 2, 28), who="manager")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        record(D(2026, 2, 28), D(2026, 3, 2))
    assert messages(exc.value) == {
        "start": ["These days overlap days already recorded (2026-02-01 to 2026-02-28)."]
    }
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        record(D(2026, 3, 19), D(2026, 3, 21))
    assert messages(exc.value) == {"end": ["The date must not be in the future."]}
    assert ServiceDay.objects.count() == 2
    totals = selectors.service_day_totals(
        tenant=world.tenant,
        officers=[world.officers["mine"].id, world.officers["d1"].id],
        start=D(2026, 1, 1),
        end=D(2026, 12, 31),
    )
    assert totals == {world.officers["mine"].id: 10 + 28, world.officers["d1"].id: 0}


@time_machine.travel(NOON, tick=False)
def test_trainings_and_attendance(world):
    admin, manager = member(world, "admin"), member(world, "manager")
    o = world.officers
    training = services.training_create(
        tenant=world.tenant,
        membership=admin,
        title="集中业务培训",
        kind="training",
        held_on=D(2026, 3, 6),
        attendees=[o["mine"], o["d1"], o["d2"]],
    )
    with pytest.raises(ValidationError):
        services.training_create(
            tenant=world.tenant,
            membership=manager,
            title="区交流会",
            kind="exchange_meeting",
            held_on=D(2026, 3, 6),
            attendees=[o["d2"]],
        )
    assert Training.objects.count() == 1
    # the manager's tick list holds d1's officers only: d2 stays
    services.attendance_set(
        tenant=world.tenant, membership=manager, training=training, officers=[o["mine"]]
    )
    assert set(Attendance.objects.values_list("officer_id", flat=True)) == {
        o["mine"].id,
        o["d2"].id,
    }
    services.attendance_set(
        tenant=world.tenant,
        membership=admin,
        training=training,
        officers=[o["city"]],
        source="signin",
    )
    assert sorted(Attendance.objects.values_list("officer_id", "source")) == sorted(
        [(o["mine"].id, "page"), (o["d2"].id, "page"), (o["city"].id, "signin")]
    )
    rules = Policy.objects.get(tenant=world.tenant).rules
    facts = selectors.training_facts(
        tenant=world.tenant, rules=rules, officers=[o["mine"], o["city"], o["d1"]], year=2026
    )
    # district officers: 2 trainings a year; city officers also 12 exchange meetings
    assert facts == {o["mine"].id: (1, 2), o["city"].id: (1, 14), o["d1"].id: (0, 2)}


@time_machine.travel(NOON, tick=False)
def test_a_duty_binds_from_the_policy_version_that_introduced_it(world):
    # the programme starts asking for monthly plans from 1 March
    policy = Policy.objects.get(tenant=world.tenant)
    rules = dict(policy.rules)
    Policy.objects.filter(pk=policy.pk).update(rules={**rules, "duties": []})
    Policy.objects.create(
        tenant=world.tenant,
        version=policy.version + 1,
        effective_from=D(2026, 3, 1),
        preset=policy.preset,
        rules=rules,
        note="自3月起报送月度计划",
        created_by=world.users["admin"],
    )
    rows = selectors.reports_due(
        officers=[world.officers["mine"]], tenant=world.tenant, on=D(2026, 3, 20)
    )
    assert [(r["period"], r["status"]) for r in rows] == [("2026-03", "missing")]
    shares = selectors.reports_on_time(
        tenant=world.tenant,
        rules=rules,
        officers=[world.officers["mine"]],
        year=2026,
        today=D(2026, 3, 20),
    )
    assert shares == {world.officers["mine"].id: Fraction(0)}


@time_machine.travel(NOON, tick=False)
def test_an_agreement_is_not_renewed_past_the_term(world):
    last = agreement(world, start=D(2026, 1, 1), end=D(2026, 12, 31))  # the term's last day
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.agreement_renew(
            tenant=world.tenant,
            membership=member(world, "admin"),
            agreement=last,
            end=D(2027, 12, 31),
        )
    assert messages(exc.value) == {
        "end": [
            "The officer's term ends on 2026-12-31: "
            "renew the appointment first, then the agreement."
        ]
    }
    assert Agreement.objects.count() == 1
