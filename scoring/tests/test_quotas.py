"""The quota engine (SPEC §7) and the monthly report: exact rows, rebuilds
that replace, the beat schedule."""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgers import services as ledger
from scoring.engine import Quota, QuotaEntry, QuotaOfficer, district_rows, officer_rows
from scoring.models import QuotaReport
from scoring.quotas import previous_month, quota_report_build, quota_rows

D = dt.date
CITY_ACH = Quota("officer", "city", "achievement", 2, "month")
CITY_CASE = Quota("officer", "city", "case", 1, "year")
DIST_DEMAND = Quota("officer", "district", "demand", 2, "year", basis="valid")
DIST_VIDEO = Quota("officer", "district", "video", 1, "quarter")
DISTRICT_CASES = Quota("district", None, "case", 2, "year")


TERM_START, TERM_END = D(2025, 1, 1), D(2026, 12, 31)


def _officer(i, category="city", start=TERM_START, end=TERM_END, district=None):
    return QuotaOfficer(id=i, category=category, district=district, term_start=start, term_end=end)


def _entry(officer, entry, kind, day, verified=True, valid=True):
    return QuotaEntry(
        officer=officer, entry=entry, kind=kind, occurred_on=day, verified=verified, valid=valid
    )


def test_monthly_quota_counts_submitted_and_verified_in_the_month():
    entries = [
        _entry(1, 1, "achievement", D(2025, 3, 3)),
        _entry(1, 2, "achievement", D(2025, 3, 20), verified=False),
        _entry(1, 3, "achievement", D(2025, 2, 28)),
    ]
    [row] = officer_rows("2025-03", [CITY_ACH], [_officer(1)], entries)
    assert (row.quota, row.required, row.counted, row.verified, row.met) == (
        "achievement/month",
        Fraction(2),
        2,
        1,
        True,
    )


def test_monthly_quota_skips_a_month_not_wholly_inside_the_term():
    joined_mid_month = _officer(1, start=D(2025, 3, 10))
    assert officer_rows("2025-03", [CITY_ACH], [joined_mid_month], []) == []
    [row] = officer_rows("2025-04", [CITY_ACH], [joined_mid_month], [])
    assert (row.required, row.counted, row.met) == (Fraction(2), 0, False)


def test_yearly_quota_is_pro_rated_by_months_served_to_date():
    officer = _officer(1, start=D(2025, 3, 10))  # serves March–June by the June report
    [row] = officer_rows("2025-06", [CITY_CASE], [officer], [])
    assert (row.required, row.period_start, row.period_end) == (
        Fraction(4, 12),
        D(2025, 1, 1),
        D(2025, 12, 31),
    )
    [row] = officer_rows("2025-12", [CITY_CASE], [officer], [_entry(1, 9, "case", D(2025, 7, 1))])
    assert (row.required, row.counted, row.met) == (Fraction(10, 12), 1, True)


def test_disqualified_officer_is_pro_rated_to_the_disqualification():
    officer = _officer(1, category="district", end=D(2025, 4, 15), district="d1")
    [row] = officer_rows("2025-04", [DIST_DEMAND], [officer], [])
    assert row.required == Fraction(2 * 4, 12)
    assert officer_rows("2025-05", [DIST_DEMAND], [officer], []) == []


def test_valid_basis_counts_only_valid_demands_and_each_entry_once_per_officer():
    entries = [
        _entry(1, 1, "demand", D(2025, 2, 1)),
        _entry(1, 2, "demand", D(2025, 2, 2), valid=False),
    ]
    [row] = officer_rows(
        "2025-12", [DIST_DEMAND], [_officer(1, "district", district="d1")], entries
    )
    assert (row.counted, row.required, row.met) == (1, Fraction(2), False)


def test_quarterly_quota_to_date_within_the_quarter():
    officer = _officer(1, "district", district="d1")
    [row] = officer_rows("2025-05", [DIST_VIDEO], [officer], [_entry(1, 1, "video", D(2025, 4, 2))])
    assert (row.period_start, row.period_end, row.required, row.counted, row.met) == (
        D(2025, 4, 1),
        D(2025, 6, 30),
        Fraction(2, 3),
        1,
        True,
    )


def test_an_entry_counts_in_full_for_every_officer_it_credits():
    officers = [_officer(1), _officer(2)]
    entries = [
        _entry(1, 7, "achievement", D(2025, 3, 3)),
        _entry(2, 7, "achievement", D(2025, 3, 3)),
    ]
    rows = officer_rows("2025-03", [CITY_ACH], officers, entries)
    assert [(r.officer, r.counted) for r in rows] == [(1, 1), (2, 1)]


def test_district_quota_counts_the_districts_entries_once():
    officers = [
        _officer(1, "district", district="d1"),
        _officer(2, "district", district="d1"),
        _officer(3, "district", district="d2"),
    ]
    entries = [
        _entry(1, 5, "case", D(2025, 2, 1)),
        _entry(2, 5, "case", D(2025, 2, 1)),
        _entry(2, 6, "case", D(2025, 3, 1), verified=False),
    ]
    rows = district_rows("2025-06", [DISTRICT_CASES], officers, entries)
    assert [(r.district, r.required, r.counted, r.verified, r.met) for r in rows] == [
        ("d1", Fraction(1), 2, 1, True),
        ("d2", Fraction(1), 0, 0, False),
    ]


def test_previous_month():
    assert previous_month(D(2026, 1, 1)) == "2025-12"
    assert previous_month(D(2026, 3, 31)) == "2026-02"


def _two_march_achievements(world):
    """The city officer's two achievements of March 2025, submitted: their
    achievement/month quota is met."""
    admin = world.users["admin"].memberships.get()
    for day in (D(2025, 3, 3), D(2025, 3, 4)):
        entry = ledger.entry_create(
            tenant=world.tenant,
            membership=admin,
            kind="achievement",
            data={"title": f"成果{day}", "occurred_on": day},
            officers=[world.officers["city"]],
        )
        ledger.entry_submit(tenant=world.tenant, membership=admin, entry=entry)


@pytest.mark.django_db
def test_report_from_the_ledger_and_rebuild_replaces(world):
    _two_march_achievements(world)
    report = quota_report_build(tenant=world.tenant, month="2025-03")
    city = [r for r in report.rows if r["officer"] == world.officers["city"].id]
    assert {r["quota"]: (r["counted"], r["verified"], r["met"], r["required"]) for r in city} == {
        "achievement/month": (2, 0, True, "2"),
        "event/month": (0, 0, False, "2"),
        "case/year": (0, 0, False, "0.25"),
        "video/month": (0, 0, False, "1"),
    }
    again = quota_report_build(tenant=world.tenant, month="2025-03")
    assert again.pk == report.pk
    assert QuotaReport.objects.filter(tenant=world.tenant, month="2025-03").count() == 1


@pytest.mark.django_db
def test_stored_rows_read_back_as_built(world):
    """The rows column is PostgreSQL ``json`` (issue 16: ``jsonb`` cost 2 s
    at L to build); read back, every row equals the engine's, names in
    Chinese included, on either database."""
    report = quota_report_build(tenant=world.tenant, month="2025-03")
    version, rows = quota_rows(tenant=world.tenant, month="2025-03")
    stored = QuotaReport.objects.get(pk=report.pk)
    assert stored.policy_version == version
    assert stored.rows == rows
    assert report.row_count == len(rows) == 15
    names = {r["full_name"] for r in stored.rows if r["officer"]}
    assert names == {o.full_name for o in world.officers.values()}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_typeof(rows)::text, json_array_length(rows)"
                " FROM scoring_quotareport WHERE id = %s",
                [report.pk],
            )
            assert cursor.fetchone() == ("json", 15)


@pytest.mark.django_db
def test_quota_report_api(world):
    created = world.api("admin").post(
        world.url("quota-reports/"), {"month": "2025-04"}, format="json"
    )
    assert created.status_code == 201
    # the body is the report as reading it gives it
    body = created.json()
    got = world.api("admin").get(world.url(f"quota-reports/{body['id']}/"))
    whole, whole_etag = got.json(), got["ETag"]
    assert body == whole and len(whole["rows"]) > 1 and body["month"] == "2025-04"
    # the same Idempotency-Key again: the first answer replayed, nothing rebuilt
    keyed = world.api("admin")
    first = keyed.post(
        world.url("quota-reports/"), {"month": "2025-05"}, format="json", HTTP_IDEMPOTENCY_KEY="q-5"
    )
    again = keyed.post(
        world.url("quota-reports/"), {"month": "2025-05"}, format="json", HTTP_IDEMPOTENCY_KEY="q-5"
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert (
        world.api("auditor")
        .post(world.url("quota-reports/"), {"month": "2025-04"}, format="json")
        .status_code
        == 403
    )
    bad = world.api("admin").post(world.url("quota-reports/"), {"month": "2025-13"}, format="json")
    assert bad.status_code == 400 and "month" in bad.json()
    listed = world.api("auditor").get(world.url("quota-reports/?month=2025-04")).json()
    assert [r["month"] for r in listed["results"]] == ["2025-04"]
    read = world.api("manager").get(world.url(f"quota-reports/{body['id']}/"))
    rows = read.json()["rows"]
    stored = QuotaReport.objects.get(pk=body["id"]).rows
    assert rows == [r for r in stored if r["district"] == "d1"] and rows
    assert read["Content-Type"] == "application/json"
    again = world.api("manager").get(world.url(f"quota-reports/{body['id']}/"))
    assert read["ETag"] == again["ETag"] != whole_etag
    assert world.api("officer").get(world.url("quota-reports/")).status_code == 403
    # the list reads no report's rows (57 MB of JSON each at L)
    with CaptureQueriesContext(connection) as queries:
        assert world.api("auditor").get(world.url("quota-reports/")).status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "scoring_quotareport" in q["sql"]]
    assert reads and not any('"scoring_quotareport"."rows"' in sql for sql in reads)


@pytest.mark.django_db
def test_the_beat_job_builds_every_tenant_once(world, other_world):
    from scoring.tasks import build_quota_reports

    assert build_quota_reports(month="2025-05")["tenants"].keys() == {"alpha", "beta"}
    build_quota_reports(month="2025-05")
    assert QuotaReport.objects.filter(month="2025-05").count() == 2


def test_beat_schedule_runs_on_the_first_at_two():
    job = settings.CELERY_BEAT_SCHEDULE["monthly-quota-reports"]
    assert job["task"] == "scoring.tasks.build_quota_reports"
    schedule = job["schedule"]
    assert (schedule._orig_minute, schedule._orig_hour, schedule._orig_day_of_month) == (0, 2, 1)
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


@pytest.mark.django_db
def test_quota_pages_filters_and_export(client, world):
    import io

    import openpyxl

    client.force_login(world.users["admin"])
    response = client.post("/t/alpha/quotas/", {"month": "2025-03"})
    report = QuotaReport.objects.get(tenant=world.tenant, month="2025-03")
    assert response["Location"] == f"/t/alpha/quotas/{report.pk}/"
    html = client.get(f"/t/alpha/quotas/{report.pk}/?status=behind&scope=district").content.decode()
    assert html.count('data-subject="district:') == 2
    assert 'data-subject="officer:' not in html
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/t/alpha/quotas/{report.pk}/export/?scope=district").content)
    )
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    assert sorted(r[2] for r in rows) == ["一区", "二区"]
    assert [(r[0], r[1], r[3]) for r in rows] == [(None, "（全区）", None)] * 2  # no officer
    # the whole report: every stored row once, in order, officers with their unit
    stored = QuotaReport.objects.get(pk=report.pk).rows
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/t/alpha/quotas/{report.pk}/export/").content)
    )
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[7], r[8]) for r in rows] == [
        (str(s["officer"]) if s["officer"] else None, s["counted"], s["verified"]) for s in stored
    ]
    units = {o.pk: o.unit.name if o.unit else None for o in world.officers.values()}
    assert {(r[0], r[3]) for r in rows if r[0]} == {(str(k), v) for k, v in units.items()}
    client.force_login(world.users["manager"])
    manager_html = client.get(f"/t/alpha/quotas/{report.pk}/").content.decode()
    assert "二区" not in manager_html.split("<tbody>")[1]
    # the manager's export: only the rows of the manager's district
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/t/alpha/quotas/{report.pk}/export/").content)
    )
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == sum(1 for s in stored if s["district"] == "d1") > 0
    assert {r[2] for r in rows} == {"一区"}
    client.force_login(world.users["officer"])
    assert client.get(f"/t/alpha/quotas/{report.pk}/").status_code == 403


@pytest.mark.django_db
def test_report_rows_are_filtered_and_sliced_by_the_database(world):
    """ReportRows answers what filtering the stored list in Python answers:
    every filter alone and together, counts, behind, slices and iteration."""
    from scoring.selectors.quota_rows import ReportRows

    _two_march_achievements(world)
    report = quota_report_build(tenant=world.tenant, month="2025-03")
    stored = QuotaReport.objects.get(pk=report.pk).rows
    assert len(stored) == 15
    districts = {r["district"] for r in stored} - {None}
    one = sorted(districts)[0]
    cases = [
        ({}, lambda r: True),
        ({"districts": {one}}, lambda r: r["district"] == one),
        ({"districts": set()}, lambda r: False),
        ({"district": one}, lambda r: r["district"] == one),
        ({"met": True}, lambda r: r["met"]),
        ({"met": False}, lambda r: not r["met"]),
        ({"scope": "district"}, lambda r: r["subject"].startswith("district:")),
        ({"scope": "officer", "met": False}, lambda r: r["officer"] and not r["met"]),
    ]
    for filters, keep in cases:
        expected = [r for r in stored if keep(r)]
        rows = ReportRows(report, **filters)
        assert list(rows) == expected, filters
        assert rows.count() == len(expected)
        assert rows.behind() == sum(1 for r in expected if not r["met"])
        assert rows[1:4] == expected[1:4]
        assert rows[len(expected) :] == []
        assert json.loads(rows.as_json()) == expected, filters
    assert ReportRows(report, scope="district").count() == 2  # 一区 and 二区


@pytest.mark.django_db
def test_the_report_page_shows_a_page_of_rows(client, world, monkeypatch):
    """The month's page reads PAGE_ROWS rows at a time, in the stored order,
    with page links that keep the filters; the behind count is the whole
    filtered report's."""
    from scoring import quota_views

    monkeypatch.setattr(quota_views, "PAGE_ROWS", 4)
    _two_march_achievements(world)
    report = quota_report_build(tenant=world.tenant, month="2025-03")
    stored = QuotaReport.objects.get(pk=report.pk).rows
    client.force_login(world.users["admin"])
    url = f"/t/{world.tenant.slug}/quotas/{report.pk}/"
    html = client.get(url, {"status": "behind", "page": 2}).content.decode()
    behind = [r["subject"] for r in stored if not r["met"]]
    shown = re.findall(r'data-subject="([^"]+)"', html)
    assert shown == behind[4:8]
    assert len(behind) == 14  # the city officer's achievement/month is met
    assert "14 项未完成" in html  # the whole filtered report's, not the page's 4
    assert 'href="?status=behind&amp;page=3"' in html
