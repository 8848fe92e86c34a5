"""The assessment counts the duties where the policy's components and vetoes
read them (issue 13 item 6): the share of the year's quotas met, days on
site, reports on time, trainings attended — exact values."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from accounts.models import Membership, Policy
from assessment.selectors import assessment_facts
from duties import services as duties
from duties.models import Report
from ledgers.services import entry_create, entry_submit
from roster import services as roster
from scoring.quotas import quota_rows, quota_year
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

YEAR = 2025
TERM = (dt.date(2024, 7, 1), dt.date(2026, 6, 30))


def _rules(w: World, components: list[dict], vetoes: list[dict] = ()) -> None:
    """A graded assessment of ``components`` (weight 1 each), a monthly
    quota of one event for city officers, and the duties: a quarterly report
    due 10 days after its quarter, 10 days on site, two trainings a year."""
    policy = Policy.objects.get(tenant=w.tenant)
    rules = policy.rules
    rules["quotas"] = [
        {"scope": "officer", "category": "city", "kind": "event", "count": 1, "period": "month"}
    ]
    rules["duties"] = [
        {"code": "q", "label": "季度报告", "kind": "report", "report": "quarterly_report",
         "due_offset_days": 10},
        {"code": "d", "label": "服务天数", "kind": "service_days", "min_days": 10},
        {"code": "t", "label": "培训", "kind": "training", "training": "training",
         "min_per_year": 2},
    ]  # fmt: skip
    rules["assessment"] = {
        "method": "graded",
        "components": [{"weight": 1, "label": c["code"], **c} for c in components],
        "criteria": {},
        "vetoes": list(vetoes),
        "grades": [
            {"code": "excellent", "label": "优秀", "min_score": 85},
            {"code": "qualified", "label": "合格", "min_score": 60},
            {"code": "unqualified", "label": "不合格", "min_score": 0},
        ],
        "consequences": rules["assessment"]["consequences"],
    }
    Policy.objects.filter(pk=policy.pk).update(rules=rules)


ALL = [
    {"code": "quota", "kind": "quota_fulfilment"},
    {"code": "days", "kind": "service_days", "full_at": 20},
    {"code": "reports", "kind": "reports_on_time"},
    {"code": "training", "kind": "training_attendance"},
]


@pytest.fixture
def dw(db) -> World:
    """Officer 甲 (city, 2024-07 to 2026-06) in 2025: an event in January,
    February and March (3 of 12 monthly quotas); 5 + 3 days on site; the
    four quarterly reports due in 2025 (2024-Q4 to 2025-Q3) handed in, one
    late; one training of two. Officer 乙 has nothing."""
    w = build_world("dq", preset="wuhan")
    _rules(w, ALL)
    admin = Membership.objects.get(user=w.users["admin"])
    for name in "甲乙":
        w.officers[name] = roster.officer_create(
            tenant=w.tenant,
            full_name=name,
            category="city",
            district=w.districts["d1"],
            unit=w.units["u1"],
            term_start=TERM[0],
            term_end=TERM[1],
        )
    a = w.officers["甲"]
    for month in (1, 2, 3):
        e = entry_create(
            tenant=w.tenant,
            membership=admin,
            kind="event",
            data={"title": f"活动{month}", "occurred_on": dt.date(YEAR, month, 6)},
            officers=[a],
        )
        entry_submit(tenant=w.tenant, membership=admin, entry=e)
    for start, end in (
        (dt.date(2025, 3, 1), dt.date(2025, 3, 5)),
        (dt.date(2025, 6, 2), dt.date(2025, 6, 4)),
    ):
        duties.service_days_create(
            tenant=w.tenant, membership=admin, officer=a, host_unit=w.units["u1"],
            start=start, end=end,
        )  # fmt: skip
    for period in ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"):
        report = duties.report_create(
            tenant=w.tenant, membership=admin, officer=a, kind="quarterly_report",
            period=period, body=f"{period} 工作进展",
        )  # fmt: skip
        duties.report_submit(tenant=w.tenant, membership=admin, report=report)
    # handed in by their day (the clock is past 2025): all but 2025-Q2
    Report.objects.exclude(period="2025-Q2").update(late=False)
    duties.training_create(
        tenant=w.tenant, membership=admin, title="集中培训", kind="training",
        held_on=dt.date(2025, 9, 1), attendees=[a],
    )  # fmt: skip
    return w


def test_the_facts_of_the_year(dw):
    facts = {f.officer: f for f in assessment_facts(tenant=dw.tenant, year=YEAR).facts}
    a, b = facts[dw.officers["甲"].id], facts[dw.officers["乙"].id]
    assert (a.quota_fulfilment, a.service_days, a.reports_on_time) == (
        Fraction(1, 4),
        8,
        Fraction(3, 4),
    )
    assert (a.trainings_attended, a.trainings_required) == (1, 2)
    # 乙: no event, no day (a duty asks for days: 0 is a fact), no report
    assert (b.quota_fulfilment, b.service_days, b.reports_on_time) == (Fraction(0), 0, Fraction(0))
    assert (b.trainings_attended, b.trainings_required) == (0, 2)


def test_components_and_score(dw):
    rows = {
        r["full_name"]: r
        for r in dw.api("admin").get(dw.url(f"assessments/{YEAR}/")).json()["rows"]
    }
    # 25 + 8/20 × 100 = 40 + 75 + 50 → 190 / 4 = 47.50
    assert rows["甲"]["components"] == {
        "quota": "25.00",
        "days": "40.00",
        "reports": "75.00",
        "training": "50.00",
    }
    assert (rows["甲"]["score"], rows["甲"]["proposed_grade"]) == ("47.50", "unqualified")
    assert rows["乙"]["components"] == {
        "quota": "0.00",
        "days": "0.00",
        "reports": "0.00",
        "training": "0.00",
    }


def test_only_what_the_components_need_is_gathered(dw):
    _rules(dw, [{"code": "reports", "kind": "reports_on_time"}])
    a = next(
        f
        for f in assessment_facts(tenant=dw.tenant, year=YEAR).facts
        if f.officer == dw.officers["甲"].id
    )
    assert (a.quota_fulfilment, a.service_days, a.reports_on_time) == (None, None, Fraction(3, 4))
    assert (a.trainings_attended, a.trainings_required) == (0, 0)


def test_a_service_days_veto_reads_the_days(dw):
    _rules(
        dw,
        [{"code": "reports", "kind": "reports_on_time"}],
        [{"kind": "service_days_below", "grade": "unqualified", "label": "天数", "days": 10}],
    )
    a = next(
        f
        for f in assessment_facts(tenant=dw.tenant, year=YEAR).facts
        if f.officer == dw.officers["甲"].id
    )
    assert a.service_days == 8


def test_quota_year_counts_the_months_ended(dw):
    officers = [dw.officers["甲"], dw.officers["乙"]]
    ids = [o.id for o in officers]
    assert quota_year(
        tenant=dw.tenant, year=YEAR, officers=officers, today=dt.date(2026, 1, 1)
    ) == {ids[0]: (3, 12), ids[1]: (0, 12)}
    # in the year: only the months already over (January to March on 15 April)
    assert quota_year(
        tenant=dw.tenant, year=YEAR, officers=officers, today=dt.date(2025, 4, 15)
    ) == {ids[0]: (3, 3), ids[1]: (0, 3)}
    assert quota_year(
        tenant=dw.tenant, year=YEAR, officers=officers, today=dt.date(2025, 1, 31)
    ) == {
        ids[0]: (0, 0),
        ids[1]: (0, 0),
    }


def test_quota_report_rows_show_the_months_duties(dw):
    """Issue 13 (SPEC.md §7): each officer row carries the month's reports
    due, those late and the days on site; district rows carry none."""
    a, b = dw.officers["甲"].id, dw.officers["乙"].id

    def duties_of(month: str) -> dict:
        _version, rows = quota_rows(tenant=dw.tenant, month=month)
        out = {}
        for r in rows:
            if r["officer"] in (a, b):
                out[r["officer"]] = (r["reports_due"], r["reports_late"], r["service_days"])
        return out

    # March: 5 days; no report due
    assert duties_of("2025-03") == {a: (0, 0, 5), b: (0, 0, 0)}
    # April: 2025-Q1 due on the 10th, handed in on time by 甲, missing for 乙
    assert duties_of("2025-04") == {a: (1, 0, 0), b: (1, 1, 0)}
    # July: 2025-Q2 handed in late
    assert duties_of("2025-07") == {a: (1, 1, 0), b: (1, 1, 0)}
    _version, rows = quota_rows(tenant=dw.tenant, month="2025-06")
    assert {
        (r["reports_due"], r["reports_late"], r["service_days"]) for r in rows if r["officer"] == a
    } == {(0, 0, 3)}


def test_quota_export_has_the_duty_columns(dw, client):
    import io

    from openpyxl import load_workbook

    from scoring.quotas import quota_report_build

    report = quota_report_build(tenant=dw.tenant, month="2025-04")
    client.force_login(dw.users["admin"])
    book = load_workbook(io.BytesIO(client.get(f"/t/dq/quotas/{report.pk}/export/").content))
    sheet = book.active
    assert [c.value for c in sheet[2]][-3:] == ["应交报告", "逾期报告", "服务天数"]
    header = [c.value for c in sheet[2]]
    name = header.index("联络员")
    rows = {r[name]: r[-3:] for r in sheet.iter_rows(min_row=3, values_only=True)}
    # 赵六: the world's city officer (in office since 2025-01-01), nothing handed in
    assert rows == {"甲": (1, 0, 0), "乙": (1, 1, 0), "赵六": (1, 1, 0)}
