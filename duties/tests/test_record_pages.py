"""Pages of the duties' records (issue 13): who opens what (200/403/404),
forms that write exactly one row, bad input that writes nothing, and the
signed file served only within reach."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Membership
from accounts.services import tenant_create
from duties import services
from duties.demo_records import PDF
from duties.models import Agreement, Attendance, ServiceDay, Training
from roster import services as roster
from tests.world import PASSWORD, TERM

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10), tick=False):
        yield


@pytest.fixture
def rec(world):
    """An agreement and days of the d2 officer, a training d2 attended."""
    admin = Membership.objects.get(user=world.users["admin"])
    world.agreement = services.agreement_create(
        tenant=world.tenant,
        membership=admin,
        officer=world.officers["d2"],
        host_unit=world.units["u2"],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        upload=_pdf(),
    )
    world.training = services.training_create(
        tenant=world.tenant,
        membership=admin,
        title="上半年集中培训",
        kind="training",
        held_on=dt.date(2026, 3, 20),
        attendees=[world.officers["d2"]],
    )
    return world


def _pdf(name="协议.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def page(w, who: str) -> Client:
    client = Client()
    client.force_login(w.users[who])
    return client


def url(w, rest: str) -> str:
    return f"/t/{w.tenant.slug}/{rest}"


PAGES = {
    "agreements/": {"admin": 200, "auditor": 200, "manager": 200, "reviewer": 403, "officer": 200},
    "agreements/new/": {
        "admin": 200,
        "auditor": 403,
        "manager": 200,
        "reviewer": 403,
        "officer": 200,
    },
    "service-days/": {
        "admin": 200,
        "auditor": 200,
        "manager": 200,
        "reviewer": 403,
        "officer": 200,
    },
    "trainings/": {"admin": 200, "auditor": 200, "manager": 200, "reviewer": 403, "officer": 200},
    "trainings/new/": {
        "admin": 200,
        "auditor": 403,
        "manager": 200,
        "reviewer": 403,
        "officer": 403,
    },
}


@pytest.mark.parametrize("who", ["admin", "auditor", "manager", "reviewer", "officer"])
@pytest.mark.parametrize("rest", list(PAGES))
def test_pages_by_role(rec, rest, who):
    assert page(rec, who).get(url(rec, rest)).status_code == PAGES[rest][who]


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("auditor", 200), ("manager", 404), ("reviewer", 403), ("officer", 404)],
)
def test_training_page_and_file_by_reach(rec, who, status):
    """The d2 officer's agreement and the training only d2 attended: out of
    reach of d1's manager and the d1 officer."""
    client = page(rec, who)
    assert client.get(url(rec, f"trainings/{rec.training.pk}/")).status_code == status
    response = client.get(url(rec, f"agreements/{rec.agreement.pk}/download/"))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")


def test_other_tenant_sees_nothing(rec, other_world):
    client = page(other_world, "admin")
    assert client.get(url(rec, "agreements/")).status_code == 404
    assert (
        client.get(url(other_world, f"agreements/{rec.agreement.pk}/download/")).status_code == 404
    )
    assert client.get(url(other_world, f"trainings/{rec.training.pk}/")).status_code == 404


def test_agreement_list_shows_status_and_filing(rec):
    admin = Membership.objects.get(user=rec.users["admin"])
    services.agreement_create(
        tenant=rec.tenant,
        membership=admin,
        officer=rec.officers["d1"],
        host_unit=rec.units["u1"],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
    )
    html = page(rec, "admin").get(url(rec, "agreements/")).content.decode()
    assert html.count('data-agreement="') == 2
    assert "已结束" in html and "生效中" in html and "尚未备案" in html
    only = page(rec, "admin").get(url(rec, "agreements/?status=unfiled")).content.decode()
    assert only.count('data-agreement="') == 1 and "李四" in only and "王五" not in only
    assert (
        page(rec, "manager").get(url(rec, "agreements/")).content.decode().count('data-agreement="')
        == 1
    )


def test_officer_records_own_agreement_with_file(rec):
    client = page(rec, "officer")
    mine = rec.officers["mine"]
    before = Agreement.objects.count()
    response = client.post(
        url(rec, "agreements/new/"),
        {
            "officer": mine.pk,
            "host_unit": rec.units["u1"].pk,
            "start": "2026-01-01",
            "end": "2026-12-31",
            "signed_on": "2025-12-28",
            "file": _pdf("签字版.pdf"),
        },
    )
    assert response.status_code == 302
    assert Agreement.objects.count() == before + 1
    agreement = Agreement.objects.latest("id")
    assert (agreement.officer, agreement.file_name, agreement.filed) == (mine, "签字版.pdf", True)
    assert agreement.created_by == rec.users["officer"]


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"officer": "d2"}, "选择一个有效的选项"),  # another officer
        ({"end": ""}, "该字段是必填项"),  # no agreement term in Wuhan's policy
        ({"end": "2025-12-01"}, "结束日期不能早于开始日期"),
        ({"file": "text"}, "请上传签字盖章的协议文本"),
        ({"start": "2028-01-01", "end": "2028-12-31"}, "不在该联络员的任期内"),
    ],
)
def test_bad_agreement_writes_nothing(rec, data, field_error):
    form = {
        "officer": rec.officers["mine"].pk,
        "host_unit": rec.units["u1"].pk,
        "start": "2026-01-01",
        "end": "2026-12-31",
    }
    form.update(data)
    if form["officer"] == "d2":
        form["officer"] = rec.officers["d2"].pk
    if form.pop("file", None) == "text":
        form["file"] = SimpleUploadedFile("a.pdf", b"just text", content_type="application/pdf")
    before = Agreement.objects.count()
    response = page(rec, "officer").post(url(rec, "agreements/new/"), form)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert Agreement.objects.count() == before


def test_file_later_and_renew(rec):
    admin = Membership.objects.get(user=rec.users["admin"])
    unfiled = services.agreement_create(
        tenant=rec.tenant,
        membership=admin,
        officer=rec.officers["d1"],
        host_unit=rec.units["u1"],
        start=dt.date(2025, 7, 1),
        end=dt.date(2026, 6, 30),
    )
    client = page(rec, "manager")
    assert client.get(url(rec, f"agreements/{unfiled.pk}/file/")).status_code == 200
    response = client.post(url(rec, f"agreements/{unfiled.pk}/file/"), {"file": _pdf()})
    assert response.status_code == 302
    unfiled.refresh_from_db()
    assert unfiled.filed and unfiled.filed_by == rec.users["manager"]
    # filed already: a second file is refused, nothing changes
    response = client.post(url(rec, f"agreements/{unfiled.pk}/file/"), {"file": _pdf("b.pdf")})
    assert response.status_code == 200 and "已上传签字盖章文本并备案" in response.content.decode()
    # renew (续签) until the end of the term
    before = Agreement.objects.count()
    response = client.post(url(rec, f"agreements/{unfiled.pk}/renew/"), {"end": "2026-12-31"})
    assert response.status_code == 302
    assert Agreement.objects.count() == before + 1
    renewal = Agreement.objects.get(renews=unfiled)
    assert (renewal.start, renewal.end, renewal.filed) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 12, 31),
        False,
    )
    response = client.post(url(rec, f"agreements/{unfiled.pk}/renew/"), {"end": "2026-12-31"})
    assert response.status_code == 200 and "已续签" in response.content.decode()
    assert Agreement.objects.count() == before + 1
    # the manager cannot act on the d2 officer's agreement
    assert client.get(url(rec, f"agreements/{rec.agreement.pk}/renew/")).status_code == 404
    assert page(rec, "auditor").get(url(rec, f"agreements/{unfiled.pk}/renew/")).status_code == 403


def test_service_days_form_and_totals(rec):
    client = page(rec, "officer")
    form = {
        "officer": rec.officers["mine"].pk,
        "host_unit": rec.units["u1"].pk,
        "start": "2026-05-04",
        "end": "2026-05-08",
        "note": "驻点",
    }
    response = client.post(url(rec, "service-days/"), form)
    assert response.status_code == 302
    assert ServiceDay.objects.count() == 1
    # overlapping, in the future, reversed: errors, nothing written
    for bad, text in (
        ({"start": "2026-05-08", "end": "2026-05-09"}, "与已记录的服务日期重叠"),
        ({"start": "2026-06-20", "end": "2026-06-21"}, "日期不能晚于今天"),
        ({"start": "2026-05-20", "end": "2026-05-19"}, "结束日期不能早于开始日期"),
        ({"officer": rec.officers["d2"].pk}, "选择一个有效的选项"),
    ):
        response = client.post(url(rec, "service-days/"), {**form, **bad})
        assert response.status_code == 200
        assert text in response.content.decode()
    assert ServiceDay.objects.count() == 1
    html = client.get(url(rec, "service-days/?year=2026")).content.decode()
    assert f'data-officer="{rec.officers["mine"].pk}"' in html
    assert '<td data-label="天数" class="text-end total">5</td>' in html
    assert page(rec, "auditor").post(url(rec, "service-days/"), form).status_code == 403


def test_service_days_below_the_minimum_are_highlighted(db):
    tenant = tenant_create(
        slug="sz", name="苏州", preset="suzhou", admin_username="sz-admin", admin_password=PASSWORD
    )
    admin = Membership.objects.get(tenant=tenant)
    district = roster.district_create(tenant=tenant, code="wz", name="吴中区")
    host = roster.unit_create(tenant=tenant, name="吴中园区", kind="park", district=district)
    category = tenant_policy_category(tenant)
    officers = [
        roster.officer_create(
            tenant=tenant,
            full_name=name,
            category=category,
            district=district,
            term_start=TERM[0],
            term_end=TERM[1],
        )
        for name in ("甲", "乙")
    ]
    services.service_days_create(
        tenant=tenant,
        membership=admin,
        officer=officers[0],
        host_unit=host,
        start=dt.date(2026, 1, 5),
        end=dt.date(2026, 2, 3),
    )
    services.service_days_create(
        tenant=tenant,
        membership=admin,
        officer=officers[1],
        host_unit=host,
        start=dt.date(2026, 1, 5),
        end=dt.date(2026, 1, 14),
    )
    client = Client()
    client.force_login(admin.user)
    html = client.get("/t/sz/service-days/?year=2026").content.decode()
    assert html.count("below-minimum") == 1
    assert f'<tr class="table-warning below-minimum" data-officer="{officers[1].pk}">' in html
    assert '<td data-label="天数" class="text-end total">30</td>' in html
    assert '<td data-label="天数" class="text-end total">10</td>' in html


def tenant_policy_category(tenant) -> str:
    from accounts.selectors import policy_in_force

    return policy_in_force(tenant=tenant).category_codes[0]


def test_training_create_and_attendance(rec):
    client = page(rec, "admin")
    response = client.post(
        url(rec, "trainings/new/"),
        {"title": "六月交流会", "kind": "exchange_meeting", "held_on": "2026-06-10"},
    )
    training = Training.objects.get(title="六月交流会")
    assert response["Location"] == url(rec, f"trainings/{training.pk}/")
    assert Training.objects.count() == 2
    for bad, text in (
        ({"title": " "}, "该字段是必填项"),
        ({"held_on": "2026-07-01"}, "日期不能晚于今天"),
        ({"kind": "party"}, "选择一个有效的选项"),
    ):
        form = {"title": "x", "kind": "training", "held_on": "2026-06-10", **bad}
        response = client.post(url(rec, "trainings/new/"), form)
        assert response.status_code == 200 and text in response.content.decode()
    assert Training.objects.count() == 2
    tick = url(rec, f"trainings/{training.pk}/attendance/")
    mine, d1 = rec.officers["mine"], rec.officers["d1"]
    assert client.post(tick, {"officers": [mine.pk, d1.pk]}).status_code == 302
    assert set(training.attendance.values_list("officer_id", flat=True)) == {mine.pk, d1.pk}
    client.post(tick, {"officers": [d1.pk]})
    assert list(training.attendance.values_list("officer_id", "source")) == [(d1.pk, "page")]
    # a manager ticking an officer out of reach: refused, nothing changes
    response = page(rec, "manager").post(tick, {"officers": [rec.officers["d2"].pk]}, follow=True)
    assert "选择一个有效的选项" in response.content.decode()
    assert list(training.attendance.values_list("officer_id", flat=True)) == [d1.pk]
    assert page(rec, "officer").post(tick, {"officers": [mine.pk]}).status_code == 403
    # the list counts the year's attendance against the policy's minimums
    html = page(rec, "officer").get(url(rec, "trainings/?year=2026")).content.decode()
    assert "上半年集中培训" not in html and "六月交流会" not in html
    html = client.get(url(rec, "trainings/?year=2026")).content.decode()
    assert f'data-officer="{d1.pk}"' in html and "六月交流会" in html


def _sheet(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("签到表.xlsx", out.getvalue())


def test_signin_import_on_the_page(rec):
    client = page(rec, "admin")
    training = rec.training
    sheet = _sheet([["序号", "姓名", "手机号"], [1, "张三", ""], [2, "查无此人", ""]])
    response = client.post(url(rec, f"trainings/{training.pk}/signin/"), {"file": sheet})
    assert response.status_code == 302
    assert set(
        Attendance.objects.filter(training=training).values_list("officer_id", "source")
    ) == {
        (rec.officers["d2"].pk, "page"),
        (rec.officers["mine"].pk, "signin"),
    }
    html = client.get(response["Location"]).content.decode()
    assert "签到表已导入：匹配 1 人，未匹配 1 人。" in html
    assert "第 3 行" in html and "查无此人" in html
    # a bad file: a message, nothing written
    before = Attendance.objects.count()
    bad = SimpleUploadedFile("签到表.xls", b"old excel")
    response = client.post(url(rec, f"trainings/{training.pk}/signin/"), {"file": bad}, follow=True)
    assert "请以 Excel 文件（.xlsx）上传签到表。" in response.content.decode()
    assert Attendance.objects.count() == before


def test_agreement_end_defaults_to_the_policys_term(db):
    """Yangquan: an agreement runs 12 months; the form offers the officer's
    current host first."""
    from roster.hosts import host_assign
    from tests.world import build_world

    w = build_world("yqp", preset="yangquan")
    officer = roster.officer_create(
        tenant=w.tenant,
        full_name="孙九",
        category="commissioner",
        district=w.districts["d2"],
        term_start=dt.date(2026, 1, 1),
        term_end=dt.date(2026, 12, 31),
    )
    host_assign(tenant=w.tenant, officer=officer, unit=w.units["u2"], start=TODAY, by=None)
    client = page(w, "admin")
    html = client.get(url(w, "agreements/new/")).content.decode()
    assert 'data-months="12"' in html
    u2 = w.units["u2"].pk
    assert (
        f'<optgroup label="当前服务对象">\n  <option value="{u2}" selected>yqp研究院</option>'
        in html
    )  # the only officer's host
    response = client.post(
        url(w, "agreements/new/"),
        {"officer": officer.pk, "host_unit": w.units["u2"].pk, "start": "2026-02-01", "end": ""},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(officer=officer)
    assert (agreement.start, agreement.end, agreement.filed) == (
        dt.date(2026, 2, 1),
        dt.date(2027, 1, 31),
        False,
    )
