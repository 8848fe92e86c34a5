"""The duties API (API.md "Additions — Duties"): agreements, plans and
reports, the reports due, service days and trainings — exact statuses and
bodies, reach, four eyes, and refusals that write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from duties import services
from duties.models import Agreement, Report, ServiceDay, Training
from roster import services as roster
from tests.sweep import changed, db_state
from tests.world import PNG, TERM, World, build_world

pytestmark = pytest.mark.django_db

#: Tuesday 10 March 2026, 10:00 in Shanghai
NOW = dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _m(w: World, who: str) -> Membership:
    return Membership.objects.get(user=w.users[who], tenant=w.tenant)


def _png(name: str = "signed.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _agreement(w: World, officer: str = "mine", *, upload=None) -> Agreement:
    return services.agreement_create(
        tenant=w.tenant,
        membership=_m(w, "admin"),
        officer=w.officers[officer],
        host_unit=w.units["u1"],
        start=dt.date(2025, 3, 1),
        end=dt.date(2026, 2, 28),
        upload=upload,
    )


def _report(w: World, officer: str = "mine", *, by: str = "officer", submit=False) -> Report:
    report = services.report_create(
        tenant=w.tenant,
        membership=_m(w, by),
        officer=w.officers[officer],
        kind="monthly_plan",
        period="2026-03",
        body="走访三家企业",
    )
    if submit:
        report = services.report_submit(tenant=w.tenant, membership=_m(w, by), report=report)
    return report


# --- agreements ---------------------------------------------------------------------------


def test_an_officer_records_their_own_agreement_not_yet_filed(world):
    body = {
        "officer": world.officers["mine"].id,
        "host_unit": world.units["u1"].id,
        "start": "2025-03-01",
        "end": "2026-02-28",
        "signed_on": "2025-02-20",
    }
    response = world.api("officer").post(world.url("agreements/"), body, format="json")
    assert response.status_code == 201, response.content
    made = Agreement.objects.get()
    assert response.json() == {
        "id": made.id,
        "officer": world.officers["mine"].id,
        "host_unit": world.units["u1"].id,
        "start": "2025-03-01",
        "end": "2026-02-28",
        "signed_on": "2025-02-20",
        "filed": False,
        "file_name": "",
        "filed_at": None,
        "renews": None,
        "renewed_by": None,
        "created_at": "2026-03-10T10:00:00+08:00",
    }
    assert made.created_by == world.users["officer"]


def test_an_agreement_with_its_signed_file_is_filed_and_downloads(world):
    body = {
        "officer": world.officers["d1"].id,
        "host_unit": world.units["u1"].id,
        "start": "2025-03-01",
        "end": "2026-02-28",
        "file": _png("协议.png"),
    }
    api = world.api("manager")
    response = api.post(world.url("agreements/"), body, format="multipart")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["filed"], data["file_name"], data["signed_on"]) == (True, "协议.png", None)
    download = api.get(world.url(f"agreements/{data['id']}/file/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"]


def test_a_download_says_the_type_read_from_the_content_not_the_name(world):
    body = {
        "officer": world.officers["d1"].id,
        "host_unit": world.units["u1"].id,
        "start": "2025-03-01",
        "end": "2026-02-28",
        "file": _png("scan.pdf"),  # a photo named as a PDF
    }
    api = world.api("manager")
    data = api.post(world.url("agreements/"), body, format="multipart").json()
    assert Agreement.objects.get(pk=data["id"]).file_type == "image/png"
    download = api.get(world.url(f"agreements/{data['id']}/file/"))
    assert (download["Content-Type"], download["X-Content-Type-Options"]) == (
        "image/png",
        "nosniff",
    )
    assert download["Content-Disposition"] == 'attachment; filename="scan.png"'


def test_filing_an_agreement_once(world):
    agreement = _agreement(world)
    api = world.api("officer")
    url = world.url(f"agreements/{agreement.id}/file/")
    assert api.get(url).status_code == 404
    empty = api.post(url, {}, format="multipart")
    assert (empty.status_code, list(empty.json())) == (400, ["file"])
    filed = api.post(url, {"file": _png()}, format="multipart")
    assert filed.status_code == 200
    assert (filed.json()["filed"], filed.json()["file_name"]) == (True, "signed.png")
    again = api.post(
        url, {"file": _png("other.png")}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "This agreement is already filed with its signed file."}
    assert Agreement.objects.get().file_name == "signed.png"


def test_a_file_that_is_not_a_document_is_refused(world):
    agreement = _agreement(world)
    response = world.api("officer").post(
        world.url(f"agreements/{agreement.id}/file/"),
        {"file": SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png")},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert Agreement.objects.get().filed is False


def test_renewing_an_agreement_once(world):
    old = _agreement(world)
    api = world.api("officer")
    response = api.post(
        world.url(f"agreements/{old.id}/renew/"), {"end": "2027-02-28"}, format="json"
    )
    assert response.status_code == 201, response.content
    new = Agreement.objects.get(renews=old)
    data = response.json()
    assert (data["id"], data["start"], data["end"], data["renews"], data["filed"]) == (
        new.id,
        "2026-03-01",
        "2027-02-28",
        old.id,
        False,
    )
    assert api.get(world.url(f"agreements/{old.id}/")).json()["renewed_by"] == new.id
    again = api.post(
        world.url(f"agreements/{old.id}/renew/"),
        {"end": "2027-06-30"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "This agreement has already been renewed."}
    assert Agreement.objects.count() == 2


def test_a_renewal_must_end_after_the_old_agreement(world):
    old = _agreement(world)
    api = world.api("admin")
    url = world.url(f"agreements/{old.id}/renew/")
    early = api.post(url, {"end": "2026-02-01"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert early.status_code == 400
    assert early.json() == {"end": ["The renewal must end after 2026-02-28."]}
    missing = api.post(url, {}, format="json")
    assert missing.json() == {"end": ["该字段是必填项。"]}
    assert Agreement.objects.count() == 1


def test_agreement_lists_follow_reach(world):
    mine, d1, d2 = _agreement(world, "mine"), _agreement(world, "d1"), _agreement(world, "d2")

    def ids(who):
        response = world.api(who).get(world.url("agreements/"))
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        return sorted(row["id"] for row in body["results"])

    assert ids("admin") == ids("auditor") == sorted([mine.id, d1.id, d2.id])
    assert ids("manager") == sorted([mine.id, d1.id])
    assert ids("officer") == [mine.id]
    assert ids("reviewer") == [mine.id]  # u1's officers: mine (and city)
    assert world.api("manager").get(world.url(f"agreements/{d2.id}/")).status_code == 404
    assert world.api("officer").get(world.url(f"agreements/{d1.id}/")).status_code == 404
    filtered = (
        world.api("admin").get(world.url(f"agreements/?officer={world.officers['d1'].id}")).json()
    )
    assert [row["id"] for row in filtered["results"]] == [d1.id]


@pytest.mark.parametrize("who", ["auditor", "reviewer"])
def test_readers_do_not_record_agreements(world, who):
    body = {
        "officer": world.officers["mine"].id,
        "host_unit": world.units["u1"].id,
        "start": "2025-03-01",
        "end": "2026-02-28",
    }
    before = db_state()
    assert world.api(who).post(world.url("agreements/"), body, format="json").status_code == 403
    assert changed(before, db_state()) == []
    agreement = _agreement(world)
    before = db_state()
    url = world.url(f"agreements/{agreement.id}/renew/")
    assert world.api(who).post(url, {"end": "2027-01-01"}, format="json").status_code == 403
    assert changed(before, db_state()) == []


def test_agreement_bodies_out_of_reach_or_bad_are_refused_and_write_nothing(world, other_world):
    api = world.api("officer")
    good = {
        "officer": world.officers["mine"].id,
        "host_unit": world.units["u1"].id,
        "start": "2025-03-01",
        "end": "2026-02-28",
    }
    cases = [
        ({"officer": world.officers["d1"].id}, "officer"),
        ({"officer": other_world.officers["mine"].id}, "officer"),
        ({"host_unit": other_world.units["u1"].id}, "host_unit"),
        ({"start": "2025-02-30"}, "start"),
        ({"end": "2025-02-01"}, "end"),
        ({"signed_on": "2026-03-11"}, "signed_on"),
        ({"start": "2027-01-01", "end": "2027-06-30"}, "start"),
    ]
    before = db_state()
    for override, field in cases:
        response = api.post(world.url("agreements/"), {**good, **override}, format="json")
        assert (response.status_code, list(response.json())) == (400, [field]), override
    assert changed(before, db_state()) == []


def test_agreement_messages_in_the_users_language(world):
    body = {
        "officer": world.officers["mine"].id,
        "host_unit": world.units["u1"].id,
        "start": "2025-13-01",
        "end": "2026-02-28",
    }
    api = world.api("officer")
    zh = api.post(world.url("agreements/"), body, format="json")
    en = api.post(world.url("agreements/"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.json() == {"start": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]}
    assert en.json() == {
        "start": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    }
    ordered = {**body, "start": "2025-03-01", "end": "2025-02-01"}
    en = api.post(world.url("agreements/"), ordered, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json() == {"end": ["The end date must not be before the start date."]}


# --- plans and reports --------------------------------------------------------------------


def test_an_officer_drafts_edits_and_submits_a_plan(world):
    api = world.api("officer")
    body = {
        "officer": world.officers["mine"].id,
        "kind": "monthly_plan",
        "period": "2026-03",
        "body": "  走访三家企业 ",
    }
    response = api.post(world.url("reports/"), body, format="json")
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert response.json() == {
        "id": report.id,
        "officer": world.officers["mine"].id,
        "kind": "monthly_plan",
        "period": "2026-03",
        "body": "走访三家企业",
        "due_on": "2026-03-10",
        "status": "draft",
        "late": False,
        "submitted_at": None,
        "reviewed_at": None,
        "return_reason": "",
        "created_at": "2026-03-10T10:00:00+08:00",
    }
    url = world.url(f"reports/{report.id}/")
    edited = api.patch(url, {"body": "走访五家企业"}, format="json")
    assert (edited.status_code, edited.json()["body"]) == (200, "走访五家企业")
    blank = api.patch(url, {"body": ""}, format="json")
    assert blank.status_code == 400 and list(blank.json()) == ["body"]
    submitted = api.post(world.url(f"reports/{report.id}/submit/"), {}, format="json")
    assert submitted.status_code == 200
    assert (submitted.json()["status"], submitted.json()["late"]) == ("submitted", False)
    assert submitted.json()["submitted_at"] == "2026-03-10T10:00:00+08:00"
    locked = api.patch(url, {"body": "改"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 409
    assert locked.json() == {"detail": "Only a draft or a returned report can be edited."}
    twice = api.post(world.url(f"reports/{report.id}/submit/"), {}, format="json")
    assert twice.status_code == 409
    assert Report.objects.get().body == "走访五家企业"


def test_a_plan_handed_in_after_its_day_is_late(world):
    report = services.report_create(
        tenant=world.tenant,
        membership=_m(world, "officer"),
        officer=world.officers["mine"],
        kind="monthly_plan",
        period="2026-02",
        body="二月计划",
    )
    response = world.api("officer").post(world.url(f"reports/{report.id}/submit/"), format="json")
    assert response.json()["due_on"] == "2026-02-10"
    assert (response.json()["status"], response.json()["late"]) == ("submitted", True)


def test_report_input_refused_with_the_fields_message(world, other_world):
    api = world.api("officer")
    good = {
        "officer": world.officers["mine"].id,
        "kind": "monthly_plan",
        "period": "2026-03",
        "body": "计划",
    }
    cases = [
        ({"period": "2026-W10"}, {"period": ["Write the period as 2026-03."]}),
        ({"kind": "daily_plan"}, {"kind": ['"daily_plan" is not a valid choice.']}),
        ({"body": ""}, {"body": ["This field may not be blank."]}),
        ({"officer": world.officers["d1"].id}, None),
        ({"officer": other_world.officers["mine"].id}, None),
        ({"period": "2027-03"}, None),
    ]
    before = db_state()
    for override, expected in cases:
        response = api.post(
            world.url("reports/"), {**good, **override}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400, override
        if expected is not None:
            assert response.json() == expected
        else:
            assert list(response.json()) == [next(iter(override))]
    assert changed(before, db_state()) == []
    _report(world)
    twice = api.post(world.url("reports/"), good, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert twice.json() == {"period": ["There is already a Monthly plan for this period."]}


def test_reports_are_accepted_by_the_manager_never_by_the_officer(world):
    report = _report(world, submit=True)
    officer = world.api("officer").post(world.url(f"reports/{report.id}/accept/"), format="json")
    assert officer.status_code == 403
    auditor = world.api("auditor").post(world.url(f"reports/{report.id}/accept/"), format="json")
    assert auditor.status_code == 403
    assert Report.objects.get().status == "submitted"
    accepted = world.api("manager").post(world.url(f"reports/{report.id}/accept/"), format="json")
    assert accepted.status_code == 200
    data = accepted.json()
    assert (data["status"], data["reviewed_at"]) == ("accepted", "2026-03-10T10:00:00+08:00")
    again = world.api("admin").post(world.url(f"reports/{report.id}/accept/"), format="json")
    assert again.status_code == 409


def test_a_manager_never_accepts_their_own_report(world):
    own = roster.officer_create(
        tenant=world.tenant,
        full_name="经理本人",
        category="district",
        district=world.districts["d1"],
        term_start=TERM[0],
        term_end=TERM[1],
    )
    own.user = world.users["manager"]
    own.save(update_fields=["user"])
    report = services.report_create(
        tenant=world.tenant,
        membership=_m(world, "admin"),
        officer=own,
        kind="monthly_plan",
        period="2026-03",
        body="计划",
    )
    services.report_submit(tenant=world.tenant, membership=_m(world, "manager"), report=report)
    response = world.api("manager").post(
        world.url(f"reports/{report.id}/accept/"), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Your own plans and reports are accepted by someone else."}
    # the admin drafted it: four eyes keep them out too
    assert world.api("admin").post(world.url(f"reports/{report.id}/accept/")).status_code == 403


def test_returning_a_report_needs_a_reason(world):
    report = _report(world, submit=True)
    api = world.api("manager")
    url = world.url(f"reports/{report.id}/return/")
    before = db_state()
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"reason": ["该字段是必填项。"]}
    blank = api.post(url, {"reason": ""}, format="json")
    assert blank.json() == {"reason": ["该字段不能为空。"]}
    assert changed(before, db_state()) == []
    returned = api.post(url, {"reason": "请补充走访对象"}, format="json")
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_reason"]) == (
        "returned",
        "请补充走访对象",
    )
    assert api.post(url, {"reason": "再退"}, format="json").status_code == 409


def test_report_lists_filter_and_follow_reach(world):
    mine = _report(world, "mine")
    d1 = _report(world, "d1", by="manager", submit=True)
    d2 = _report(world, "d2", by="admin")

    def ids(who, query=""):
        response = world.api(who).get(world.url(f"reports/{query}"))
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert ids("admin") == sorted([mine.id, d1.id, d2.id])
    assert ids("manager") == sorted([mine.id, d1.id])
    assert ids("officer") == [mine.id]
    assert ids("admin", "?status=submitted") == [d1.id]
    assert ids("admin", f"?officer={world.officers['d2'].id}") == [d2.id]
    assert ids("admin", "?kind=weekly_plan") == []
    assert ids("admin", "?period=2026-03") == sorted([mine.id, d1.id, d2.id])
    assert world.api("admin").get(world.url("reports/?status=lost")).status_code == 400
    assert world.api("manager").get(world.url(f"reports/{d2.id}/")).status_code == 404
    assert world.api("officer").post(world.url(f"reports/{d1.id}/accept/")).status_code == 404


# --- the reports due ----------------------------------------------------------------------


def _due(w: World, who: str, query: str = ""):
    response = w.api(who).get(w.url(f"reports/due/{query}"))
    assert response.status_code == 200, response.content
    return response.json()


def test_wuhan_due_weekly_plans_on_mondays_and_monthly_plans_on_the_tenth(world):
    o = world.officers
    rows = _due(world, "admin", "?on=2026-01-12")
    assert rows == [
        {
            "officer": o["city"].id,
            "kind": "weekly_plan",
            "period": "2026-W02",
            "due_on": "2026-01-05",
            "status": "missing",
        },
        *[
            {
                "officer": o[name].id,
                "kind": "monthly_plan",
                "period": "2026-01",
                "due_on": "2026-01-10",
                "status": "missing",
            }
            for name in ("mine", "d1", "d2")
        ],
        {
            "officer": o["city"].id,
            "kind": "weekly_plan",
            "period": "2026-W03",
            "due_on": "2026-01-12",
            "status": "missing",
        },
    ]
    assert [r["officer"] for r in _due(world, "manager", "?on=2026-01-12")] == [
        o["mine"].id,
        o["d1"].id,
    ]
    assert _due(world, "officer", "?on=2026-01-12") == [rows[1]]
    assert [r["officer"] for r in _due(world, "reviewer", "?on=2026-01-12")] == [
        o["city"].id,
        o["mine"].id,
        o["city"].id,
    ]


def test_due_shows_the_state_of_reports_handed_in_and_drops_accepted_ones(world):
    report = _report(world, submit=True)  # mine, 2026-03
    assert _due(world, "officer") == [
        {
            "officer": world.officers["mine"].id,
            "kind": "monthly_plan",
            "period": f"2026-{month:02d}",
            "due_on": f"2026-{month:02d}-10",
            "status": status,
        }
        for month, status in ((1, "missing"), (2, "missing"), (3, "submitted"))
    ]
    services.report_accept(tenant=world.tenant, membership=_m(world, "manager"), report=report)
    assert [r["period"] for r in _due(world, "officer", "?on=2026-03-10")] == [
        "2026-01",
        "2026-02",
    ]


def test_due_with_a_bad_date_is_refused_in_the_users_language(world):
    api = world.api("admin")
    for bad in ("2026-02-30", "tomorrow", "2026-3-1", "20260301"):
        response = api.get(world.url(f"reports/due/?on={bad}"))
        assert response.status_code == 400, bad
        assert response.json() == {"on": ["请按 YYYY-MM-DD 填写有效日期，如 2026-03-31。"]}
    en = api.get(world.url("reports/due/?on=2026-02-30"), HTTP_ACCEPT_LANGUAGE="en")
    assert en.json() == {"on": ["Enter a valid date as YYYY-MM-DD, e.g. 2026-03-31."]}
    # a year the schedule cannot name (schemathesis found a 500 at 3040 and 9999)
    for far in ("3040-10-10", "9999-12-31", "1900-12-31", "2199-01-01", "0001-01-01"):
        response = api.get(world.url(f"reports/due/?on={far}"))
        assert (response.status_code, response.json()) == (
            400,
            {"on": ["请填写 1901 年至 2198 年之间的日期。"]},
        ), far
    for edge in ("1901-01-01", "2198-12-31"):
        assert api.get(world.url(f"reports/due/?on={edge}")).status_code == 200, edge


def test_yangquan_due_quarterly_reports_ten_days_after_the_quarter():
    w = build_world("yq", preset="yangquan")
    officer = roster.officer_create(
        tenant=w.tenant,
        full_name="阳泉专员",
        category="commissioner",
        district=w.districts["d1"],
        term_start=TERM[0],
        term_end=TERM[1],
    )

    def row(period, due_on):
        return {
            "officer": officer.id,
            "kind": "quarterly_report",
            "period": period,
            "due_on": due_on,
            "status": "missing",
        }

    assert _due(w, "admin", "?on=2026-04-10") == [row("2025-Q4", "2026-01-11")]
    assert _due(w, "admin", "?on=2026-04-11") == [
        row("2025-Q4", "2026-01-11"),
        row("2026-Q1", "2026-04-11"),
    ]
    assert _due(w, "admin") == [row("2025-Q4", "2026-01-11")]  # today: 2026-03-10


# --- service days and trainings -----------------------------------------------------------


def test_service_days_recorded_and_listed(world):
    api = world.api("officer")
    body = {
        "officer": world.officers["mine"].id,
        "host_unit": world.units["u1"].id,
        "start": "2026-02-02",
        "end": "2026-02-13",
        "note": "驻点服务",
    }
    response = api.post(world.url("service-days/"), body, format="json")
    assert response.status_code == 201, response.content
    made = ServiceDay.objects.get()
    assert response.json() == {
        "id": made.id,
        "officer": world.officers["mine"].id,
        "host_unit": world.units["u1"].id,
        "start": "2026-02-02",
        "end": "2026-02-13",
        "days": 12,
        "note": "驻点服务",
        "created_at": "2026-03-10T10:00:00+08:00",
    }
    listed = world.api("manager").get(world.url("service-days/")).json()
    assert [r["id"] for r in listed["results"]] == [made.id]
    assert world.api("admin").get(world.url(f"service-days/{made.id}/")).json()["days"] == 12
    overlap = api.post(
        world.url("service-days/"),
        {**body, "start": "2026-02-10", "end": "2026-02-20"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert overlap.status_code == 400
    assert overlap.json() == {
        "start": ["These days overlap days already recorded (2026-02-02 to 2026-02-13)."]
    }
    future = api.post(
        world.url("service-days/"),
        {**body, "start": "2026-03-09", "end": "2026-03-11"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert future.json() == {"end": ["The date must not be in the future."]}
    assert world.api("auditor").post(world.url("service-days/"), body).status_code == 403
    assert ServiceDay.objects.count() == 1


def test_trainings_recorded_with_their_attendees(world, other_world):
    o = world.officers
    body = {
        "title": "上半年集中业务培训",
        "kind": "training",
        "held_on": "2026-03-06",
        "attendees": [o["mine"].id, o["d1"].id],
    }
    response = world.api("manager").post(world.url("trainings/"), body, format="json")
    assert response.status_code == 201, response.content
    made = Training.objects.get()
    assert response.json() == {
        "id": made.id,
        "title": "上半年集中业务培训",
        "kind": "training",
        "held_on": "2026-03-06",
        "note": "",
        "attendees": [o["mine"].id, o["d1"].id],
        "created_at": "2026-03-10T10:00:00+08:00",
    }
    detail = world.api("officer").get(world.url(f"trainings/{made.id}/"))
    assert (detail.status_code, detail.json()["title"]) == (200, "上半年集中业务培训")
    before = db_state()
    for who, override, status in (
        ("officer", {}, 403),
        ("auditor", {}, 403),
        ("reviewer", {}, 403),
        ("manager", {"attendees": [o["d2"].id]}, 400),
        ("admin", {"attendees": [other_world.officers["mine"].id]}, 400),
        ("admin", {"kind": "party"}, 400),
        ("admin", {"held_on": "2026-03-11"}, 400),
    ):
        refused = world.api(who).post(world.url("trainings/"), {**body, **override}, format="json")
        assert refused.status_code == status, (who, override)
        if status == 400:
            assert list(refused.json()) == [next(iter(override))]
    assert changed(before, db_state()) == []
    listed = world.api("admin").get(world.url("trainings/?kind=training")).json()
    assert [r["id"] for r in listed["results"]] == [made.id]
    assert world.api("manager").get(world.url(f"trainings/{made.id + 999}/")).status_code == 404


# --- the OpenAPI description --------------------------------------------------------------


def test_the_schema_describes_the_duties_routes(world):
    response = world.api("admin").get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    base = "/api/v1/tenants/{tenant_slug}/"
    for path, verbs in {
        "agreements/": {"get", "post"},
        "agreements/{id}/": {"get"},
        "agreements/{id}/renew/": {"post"},
        "agreements/{id}/file/": {"get", "post"},
        "reports/": {"get", "post"},
        "reports/{id}/": {"get", "patch"},
        "reports/{id}/submit/": {"post"},
        "reports/{id}/accept/": {"post"},
        "reports/{id}/return/": {"post"},
        "reports/due/": {"get"},
        "service-days/": {"get", "post"},
        "trainings/": {"get", "post"},
        "trainings/{id}/": {"get"},
    }.items():
        assert verbs <= set(paths[base + path]), path


def test_a_download_before_filing_says_so_in_the_users_language(world):
    agreement = _agreement(world)
    url = world.url(f"agreements/{agreement.id}/file/")
    zh = world.api("auditor").get(url)
    en = world.api("auditor").get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert (zh.status_code, zh.json()) == (404, {"detail": "该协议尚未备案（未上传签署文件）。"})
    assert (en.status_code, en.json()) == (404, {"detail": "This agreement is not filed yet."})
    refused = world.api("auditor").post(url, {"file": _png()}, format="multipart")
    assert refused.status_code == 403
    assert Agreement.objects.get().filed is False


def test_a_multipart_agreement_without_signing_day_or_file(world):
    body = {
        "officer": str(world.officers["mine"].id),
        "host_unit": str(world.units["u1"].id),
        "start": "2025-03-01",
        "end": "2026-02-28",
        "signed_on": "",
    }
    response = world.api("officer").post(world.url("agreements/"), body, format="multipart")
    assert response.status_code == 201, response.content
    assert (response.json()["signed_on"], response.json()["filed"]) == (None, False)


def test_readers_do_not_edit_or_move_reports(world):
    report = _report(world)
    before = db_state()
    for who in ("auditor", "reviewer"):
        api = world.api(who)
        assert api.patch(world.url(f"reports/{report.id}/"), {"body": "改"}).status_code == 403
        assert api.post(world.url(f"reports/{report.id}/submit/")).status_code == 403
    # the manager sees the officer's report but did not draft it: only the officer edits it
    manager = world.api("manager").patch(world.url(f"reports/{report.id}/"), {"body": "改"})
    assert manager.status_code == 403
    assert changed(before, db_state()) == []


def test_a_renewal_may_come_with_its_signed_file(world):
    old = _agreement(world, "d1")
    response = world.api("manager").post(
        world.url(f"agreements/{old.id}/renew/"),
        {"end": "2027-02-28", "signed_on": "2026-02-20", "file": _png("续签.png")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["signed_on"], data["filed"], data["file_name"], data["renews"]) == (
        "2026-02-20",
        True,
        "续签.png",
        old.id,
    )
