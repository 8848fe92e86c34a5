"""Plans and reports pages (issue 13): who opens which page, the form
writes exactly one report or nothing, review with four eyes, the overdue
list per district. "Today" is Monday 2026-03-16 (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from accounts.models import Membership
from duties import services
from duties.models import Report
from tests.world import World

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ROLES = ("admin", "auditor", "manager", "reviewer", "officer")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(w: World, who: str) -> Client:
    client = Client()
    client.force_login(w.users[who])
    return client


def page(w: World, path: str) -> str:
    return f"/t/{w.tenant.slug}/{path}"


def member(w: World, who: str) -> Membership:
    return Membership.objects.get(tenant=w.tenant, user=w.users[who])


def draft(w: World, officer="mine", period="2026-03", body="本月走访三家企业", who="officer"):
    return services.report_create(
        tenant=w.tenant,
        membership=member(w, who),
        officer=w.officers[officer],
        kind="monthly_plan",
        period=period,
        body=body,
    )


def submitted(w: World, **kwargs) -> Report:
    report = draft(w, **kwargs)
    who = kwargs.get("who", "officer")
    return services.report_submit(tenant=w.tenant, membership=member(w, who), report=report)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "reports/",
            {"admin": 403, "auditor": 403, "manager": 403, "reviewer": 403, "officer": 200},
        ),
        (
            "reports/new/",
            {"admin": 403, "auditor": 403, "manager": 403, "reviewer": 403, "officer": 200},
        ),
        (
            "reports/review/",
            {"admin": 200, "auditor": 403, "manager": 200, "reviewer": 403, "officer": 403},
        ),
        (
            "reports/overdue/",
            {"admin": 200, "auditor": 200, "manager": 200, "reviewer": 403, "officer": 403},
        ),
    ],
)
def test_role_page_matrix(world, path, expected) -> None:
    got = {who: client_for(world, who).get(page(world, path)).status_code for who in ROLES}
    assert got == expected


def test_detail_in_reach_only(world, other_world) -> None:
    mine = draft(world)
    d2 = draft(world, officer="d2", who="admin")
    got = {
        who: client_for(world, who).get(page(world, f"reports/{mine.pk}/")).status_code
        for who in ROLES
    }
    # the reviewer of unit u1 sees the officer of u1 (张三)
    assert got == {"admin": 200, "auditor": 200, "manager": 200, "reviewer": 200, "officer": 200}
    assert client_for(world, "officer").get(page(world, f"reports/{d2.pk}/")).status_code == 404
    assert client_for(world, "manager").get(page(world, f"reports/{d2.pk}/")).status_code == 404
    assert (
        client_for(other_world, "admin").get(page(world, f"reports/{mine.pk}/")).status_code == 404
    )


def test_my_page_preselects_this_month(world) -> None:
    response = client_for(world, "officer").get(page(world, "reports/"))
    assert response.status_code == 200
    assert [(d["kind"], d["period"]) for d in response.context["due_now"]] == [
        ("monthly_plan", "2026-03")
    ]
    # January and February were due on the 10th and nothing was handed in
    assert [(r["period"], r["status"]) for r in response.context["late"]] == [
        ("2026-01", "missing"),
        ("2026-02", "missing"),
        ("2026-03", "missing"),
    ]
    response = client_for(world, "officer").get(page(world, "reports/new/"))
    form = response.context["form"]
    assert form.initial == {"kind": "monthly_plan", "period": "2026-03"}
    # static/js/reports.js fills in a kind's current period when it is chosen
    assert form.fields["kind"].widget.attrs["data-periods"] == '{"monthly_plan": "2026-03"}'
    assert "js/reports.js" in response.content.decode()


def test_posting_the_form_writes_one_submitted_report(world) -> None:
    response = client_for(world, "officer").post(
        page(world, "reports/new/"),
        {"kind": "monthly_plan", "period": "2026-03", "body": "走访企业", "then": "submit"},
    )
    report = Report.objects.get(tenant=world.tenant)
    assert response.status_code == 302
    assert response["Location"] == page(world, f"reports/{report.pk}/")
    assert (report.officer, report.period, report.status, report.due_on, report.late) == (
        world.officers["mine"],
        "2026-03",
        "submitted",
        dt.date(2026, 3, 10),
        True,
    )


def test_posting_a_draft(world) -> None:
    client_for(world, "officer").post(
        page(world, "reports/new/"),
        {"kind": "monthly_plan", "period": "2026-04", "body": "计划", "then": "draft"},
    )
    assert list(Report.objects.values_list("period", "status", "late")) == [
        ("2026-04", "draft", False)
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"kind": "monthly_plan", "period": "2026-W11", "body": "x"},
            "period",
            "请按 2026-03 的格式填写期间。",
        ),
        ({"kind": "monthly_plan", "period": "2026-03", "body": "  "}, "body", "该字段是必填项。"),
        ({"kind": "weekly_plan", "period": "2026-W11", "body": "x"}, "kind", None),
    ],
)
def test_bad_input_shows_errors_writes_nothing(world, data, field, message) -> None:
    response = client_for(world, "officer").post(
        page(world, "reports/new/"), data, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message:
        assert response.context["form"].errors[field] == [message]
    assert Report.objects.count() == 0


def test_duplicate_period_refused(world) -> None:
    draft(world)
    response = client_for(world, "officer").post(
        page(world, "reports/new/"), {"kind": "monthly_plan", "period": "2026-03", "body": "y"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["period"]
    assert Report.objects.count() == 1


def test_manager_accepts_and_returns(world) -> None:
    one = submitted(world)
    two = submitted(world, period="2026-02")
    manager = client_for(world, "manager")
    queue = manager.get(page(world, "reports/review/"))
    assert [r.pk for r in queue.context["reports"]] == [one.pk, two.pk]
    assert manager.post(page(world, f"reports/{one.pk}/accept/")).status_code == 302
    response = manager.post(page(world, f"reports/{two.pk}/return/"), {"reason": "请补充走访对象"})
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, one.reviewed_by) == ("accepted", world.users["manager"])
    assert (two.status, two.return_reason) == ("returned", "请补充走访对象")
    # a return without a reason changes nothing
    three = submitted(world, period="2026-04")
    manager.post(page(world, f"reports/{three.pk}/return/"), {"reason": ""})
    three.refresh_from_db()
    assert three.status == "submitted"


def test_officer_fixes_returned_report_and_resubmits(world) -> None:
    report = submitted(world)
    services.report_return(
        tenant=world.tenant, membership=member(world, "manager"), report=report, reason="太简略"
    )
    officer = client_for(world, "officer")
    detail = officer.get(page(world, f"reports/{report.pk}/"))
    assert "太简略" in detail.content.decode()
    assert detail.context["editable"] is True
    officer.post(page(world, f"reports/{report.pk}/"), {"body": "补充后的计划", "then": "submit"})
    report.refresh_from_db()
    assert (report.status, report.body, report.return_reason) == ("submitted", "补充后的计划", "")
    history = officer.get(page(world, f"reports/{report.pk}/")).context["history"]
    assert [e.action for e in history] == ["create", "update", "update", "update", "update"]


def test_auditor_reads_but_does_not_act(world) -> None:
    report = submitted(world)
    auditor = client_for(world, "auditor")
    assert auditor.get(page(world, f"reports/{report.pk}/")).status_code == 200
    assert auditor.post(page(world, f"reports/{report.pk}/accept/")).status_code == 403
    assert auditor.post(page(world, f"reports/{report.pk}/")).status_code == 200
    report.refresh_from_db()
    assert (report.status, report.body) == ("submitted", "本月走访三家企业")


def test_officer_cannot_accept_own(world) -> None:
    report = submitted(world)
    response = client_for(world, "officer").post(page(world, f"reports/{report.pk}/accept/"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"


def test_drafter_sees_why_they_cannot_review(world) -> None:
    report = submitted(world, officer="d1", who="manager")
    manager = client_for(world, "manager")
    detail = manager.get(page(world, f"reports/{report.pk}/"))
    assert detail.context["can_review"] is False
    assert detail.context["review_refusal"] == "这份报告由您起草，须由其他人员审核通过或退回。"
    queue = manager.get(page(world, "reports/review/"))
    assert [r.refusal for r in queue.context["reports"]] == [detail.context["review_refusal"]]
    manager.post(page(world, f"reports/{report.pk}/accept/"))
    report.refresh_from_db()
    assert report.status == "submitted"
    client_for(world, "admin").post(page(world, f"reports/{report.pk}/accept/"))
    report.refresh_from_db()
    assert report.status == "accepted"


def test_overdue_by_district(world) -> None:
    submitted(world, period="2026-01")  # late: handed in today
    admin = client_for(world, "admin")
    response = admin.get(page(world, "reports/overdue/"))
    groups = {
        name: [(r["officer_obj"].full_name, r["period"], r["status"]) for r in rows]
        for name, rows in response.context["groups"]
    }
    assert groups == {
        "一区": [
            ("李四", "2026-01", "missing"),
            ("张三", "2026-02", "missing"),
            ("李四", "2026-02", "missing"),
            ("张三", "2026-03", "missing"),
            ("李四", "2026-03", "missing"),
        ],
        "二区": [
            ("王五", "2026-01", "missing"),
            ("王五", "2026-02", "missing"),
            ("王五", "2026-03", "missing"),
        ],
        "市派联络员": [("赵六", f"2026-W{w:02d}", "missing") for w in range(2, 12)],
    }
    assert response.context["total"] == 18
    assert [r.period for r in response.context["late_submitted"]] == ["2026-01"]
    # the manager of d1 sees d1 only; a date picks the day
    manager = client_for(world, "manager")
    response = manager.get(page(world, "reports/overdue/") + "?on=2026-02-11")
    assert [(n, len(rows)) for n, rows in response.context["groups"]] == [("一区", 3)]
    bad = manager.get(page(world, "reports/overdue/") + "?on=nonsense")
    assert (bad.context["bad_date"], bad.context["on"]) == (True, dt.date(2026, 3, 16))
    # a year the schedule cannot name (found by schemathesis: a 500): today's, with the notice
    for far in ("3040-10-10", "9999-12-31", "0001-01-01"):
        bad = manager.get(page(world, "reports/overdue/") + f"?on={far}")
        assert bad.status_code == 200, far
        assert (bad.context["bad_date"], bad.context["on"]) == (True, dt.date(2026, 3, 16))


def test_nav_by_role(world) -> None:
    def links(who):
        html = client_for(world, who).get(page(world, "")).content.decode()
        return [
            p
            for p in ("reports/", "reports/review/", "reports/overdue/")
            if f'href="/t/{world.tenant.slug}/{p}"' in html
        ]

    assert {who: links(who) for who in ROLES} == {
        "admin": ["reports/review/", "reports/overdue/"],
        "auditor": ["reports/overdue/"],
        "manager": ["reports/review/", "reports/overdue/"],
        "reviewer": [],
        "officer": ["reports/"],
    }
