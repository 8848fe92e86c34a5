"""Issue 11 roster: a nomination naming a past or current officer renews
that appointment (same officer, same login), and an approved change request
acts — a replacement or a withdrawal ends the appointment."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Membership, User
from roster import workflow
from roster.models import ChangeRequest, HostAssignment, Officer, OfficerRenewal
from roster.selectors import officers_appointed
from roster.services import officer_disqualify, officer_end
from tests.world import World

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2027, 1, 4)  # the day of appointment: after the world's terms (2025–2026)


def _admin(w: World) -> Membership:
    return Membership.objects.get(user=w.users["admin"])


def _verified(
    w: World, officer: Officer | None, name: str = "张三", nominator: str = "reviewer"
) -> tuple:
    """A 2027 district round without objections and one nomination from u1
    (naming ``officer``, by ``nominator``) walked to the end of its notice."""
    admin = _admin(w)
    reviewer = Membership.objects.get(user=w.users["reviewer"])
    manager = Membership.objects.get(user=w.users["manager"])
    author = Membership.objects.get(user=w.users[nominator])
    selection = workflow.round_create(membership=admin, year=2027, category="district", seats=2)
    with time_machine.travel(dt.datetime(2026, 12, 1, 9), tick=False):
        nomination = workflow.nomination_create(
            membership=author,
            round=selection,
            data={
                "full_name": name,
                "unit": w.units["u1"],
                "mobile": "13900000009",
                "email": "renew@example.com",
                "officer": officer,
            },
        )
        workflow.nomination_advance(membership=author, nomination=nomination)
        workflow.nomination_advance(membership=reviewer, nomination=nomination)
        workflow.nomination_advance(membership=manager, nomination=nomination)
        workflow.nomination_advance(membership=admin, nomination=nomination, comment="核")
    workflow.notice_publish(
        membership=admin, round=selection, start=D(2026, 12, 21), end=D(2026, 12, 25)
    )
    return selection, nomination


def _appoint_api(w: World, selection) -> dict:
    with time_machine.travel(dt.datetime(2027, 1, 4, 9), tick=False):
        response = w.api("admin").post(w.url(f"selection-rounds/{selection.id}/appoint/"))
    assert response.status_code == 200, response.content
    return response.json()


# --- renewal ----------------------------------------------------------------------------


def test_renewal_renews_the_named_officer_and_keeps_the_login(world):
    officer = world.officers["mine"]  # active, 2025-01-01 – 2026-12-31, login alpha-officer
    selection, nomination = _verified(world, officer)
    users_before = User.objects.count()
    body = _appoint_api(world, selection)
    assert body["appointed"] == [
        {
            "nomination": nomination.id,
            "officer": officer.id,
            "full_name": "张三",
            "username": "alpha-officer",
            "invitation": None,
        }
    ]
    assert User.objects.count() == users_before
    assert Officer.objects.filter(tenant=world.tenant).count() == 4
    officer.refresh_from_db()
    assert (
        officer.term_start,
        officer.term_end,
        officer.status,
        officer.category,
        officer.district,
        officer.unit,
        officer.user,
        officer.mobile,
    ) == (
        D(2027, 1, 4),
        D(2029, 1, 3),
        "active",
        "district",
        world.districts["d1"],
        world.units["u1"],
        world.users["officer"],
        "13900000009",
    )
    renewal = OfficerRenewal.objects.get(officer=officer)
    assert (
        renewal.nomination_id,
        renewal.previous_start,
        renewal.previous_end,
        renewal.previous_status,
        renewal.term_start,
        renewal.term_end,
        renewal.renewed_by,
    ) == (
        nomination.id,
        D(2025, 1, 1),
        D(2026, 12, 31),
        "active",
        D(2027, 1, 4),
        D(2029, 1, 3),
        world.users["admin"],
    )
    nomination.refresh_from_db()
    assert (nomination.stage, nomination.officer_id) == ("appointed", officer.id)
    assert nomination.transitions.order_by("id").last().comment == "已续任。"
    # the earlier term is still served: the 2025 rankings keep the officer
    assert officer.id in set(
        officers_appointed(
            tenant=world.tenant, start=D(2025, 1, 1), end=D(2025, 12, 31)
        ).values_list("id", flat=True)
    )


def test_renewal_of_an_ended_officer_without_login_gives_a_new_login(world):
    officer = world.officers["d1"]  # no login
    officer_end(tenant=world.tenant, officer=officer, last_day=D(2026, 6, 30), reason="withdrawn")
    selection, _nomination = _verified(world, officer, name="李四", nominator="manager")
    body = _appoint_api(world, selection)
    (row,) = body["appointed"]
    assert (row["officer"], row["username"]) == (officer.id, "13900000009")
    assert row["invitation"].startswith("http://testserver/accounts/invite/")
    officer.refresh_from_db()
    assert (officer.status, officer.end_reason, officer.user.username) == (
        "active",
        "",
        "13900000009",
    )
    assert OfficerRenewal.objects.get(officer=officer).previous_status == "ended"


def test_renewal_lets_a_revoked_login_in_again_and_the_history_tells_it(world, client):
    officer = world.officers["mine"]
    officer_end(tenant=world.tenant, officer=officer, last_day=D(2026, 6, 30), reason="withdrawn")
    membership = Membership.objects.get(user=world.users["officer"], tenant=world.tenant)
    assert membership.is_active is False
    selection, _nomination = _verified(world, officer)
    _appoint_api(world, selection)
    membership.refresh_from_db()
    assert membership.is_active is True
    from roster.hosts import officer_history

    officer.refresh_from_db()
    assert [(r["date"], str(r["what"])) for r in officer_history(officer=officer)] == [
        (D(2025, 1, 1), "已认定"),
        (D(2027, 1, 4), "续任新一届任期（2027-01-04 – 2029-01-03）"),
    ]
    client.force_login(world.users["admin"])
    page = client.get(
        reverse("officer-detail", kwargs={"tenant_slug": world.tenant.slug, "pk": officer.pk})
    ).content.decode()
    assert "续任新一届任期（2027-01-04 – 2029-01-03）" in page
    assert (
        '<dd class="col-7" id="earlier-terms"><div class="text-nowrap">2025-01-01 – 2026-06-30'
        in (page)
    )


def test_renewal_of_a_disqualified_officer_is_refused(world):
    officer = world.officers["mine"]
    selection, nomination = _verified(world, officer)
    officer_disqualify(
        tenant=world.tenant,
        officer=officer,
        reason="fraud",
        effective_on=D(2026, 12, 28),
        by=world.users["admin"],
    )
    with time_machine.travel(dt.datetime(2027, 1, 4, 9), tick=False):
        response = world.api("admin").post(world.url(f"selection-rounds/{selection.id}/appoint/"))
    assert response.status_code == 409
    assert response.json() == {"detail": "张三已被取消资格，不能以此推荐续任该联络员。"}
    nomination.refresh_from_db()
    assert nomination.stage == "on_notice"
    assert not OfficerRenewal.objects.exists()


def test_nomination_naming_another_tenants_officer_is_refused(world, other_world):
    body = {
        "round": world.round.id,
        "full_name": "张三",
        "unit": world.units["u1"].id,
        "mobile": "13900000009",
        "officer": other_world.officers["mine"].id,
    }
    response = world.api("reviewer").post(world.url("nominations/"), body, format="json")
    assert response.status_code == 400 and list(response.json()) == ["officer"]


# --- change requests act ----------------------------------------------------------------


def _request(w: World, officer: Officer, kind: str, proposed_on=None) -> ChangeRequest:
    from roster.hosts import change_request_file

    return change_request_file(
        membership=_admin(w), officer=officer, kind=kind, reason="本人申请", proposed_on=proposed_on
    )


def _approve(w: World, request: ChangeRequest):
    return w.api("admin").post(
        w.url(f"change-requests/{request.id}/approve/"), {"comment": "同意"}, format="json"
    )


def test_approved_withdrawal_ends_the_appointment_on_the_proposed_date(world, client):
    officer = world.officers["mine"]
    HostAssignment.objects.create(
        tenant=world.tenant, officer=officer, unit=world.units["u2"], start=D(2025, 2, 1)
    )
    request = _request(world, officer, "withdrawal", D(2026, 5, 31))
    response = _approve(world, request)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["comment"]) == ("approved", "同意")
    officer.refresh_from_db()
    assert (officer.status, officer.term_end, officer.end_reason) == (
        "ended",
        D(2026, 5, 31),
        "withdrawn",
    )
    assert list(HostAssignment.objects.filter(officer=officer).values_list("start", "end")) == [
        (D(2025, 2, 1), D(2026, 5, 31))
    ]
    # the login goes with the last active appointment
    assert Membership.objects.get(user=world.users["officer"]).is_active is False
    client.force_login(world.users["admin"])
    page = client.get(
        reverse("officer-detail", kwargs={"tenant_slug": world.tenant.slug, "pk": officer.pk})
    ).content.decode()
    assert '<dd class="col-7" id="end-reason">退出 · 2026-05-31</dd>' in page
    assert "任职结束（退出）" in page


def test_approved_replacement_without_date_ends_today_as_replaced(world):
    officer = world.officers["d2"]
    request = _request(world, officer, "replacement")
    with time_machine.travel(dt.datetime(2026, 4, 10, 9), tick=False):
        response = _approve(world, request)
    assert response.status_code == 200, response.content
    officer.refresh_from_db()
    assert (officer.status, officer.term_end, officer.end_reason) == (
        "ended",
        D(2026, 4, 10),
        "replaced",
    )


def test_approved_other_is_the_decision_only(world):
    officer = world.officers["d1"]
    response = _approve(world, world.change_request)  # kind "other"
    assert response.status_code == 200
    officer.refresh_from_db()
    assert (officer.status, officer.term_end, officer.end_reason) == ("active", D(2026, 12, 31), "")


def test_approval_refused_once_the_appointment_has_ended(world):
    officer = world.officers["d1"]
    first = _request(world, officer, "withdrawal", D(2026, 3, 31))
    second = _request(world, officer, "replacement", D(2026, 4, 30))
    assert _approve(world, first).status_code == 200
    refused = _approve(world, second)
    assert refused.status_code == 409
    assert refused.json() == {"detail": "该联络员的任期已结束，不能批准此申请。"}
    assert ChangeRequest.objects.get(pk=second.pk).status == "pending"
    officer.refresh_from_db()
    assert (officer.term_end, officer.end_reason) == (D(2026, 3, 31), "withdrawn")


def test_approved_withdrawal_outside_the_term_is_400(world):
    request = _request(world, world.officers["d1"], "withdrawal", D(2027, 3, 1))
    response = _approve(world, request)
    assert response.status_code == 400 and list(response.json()) == ["effective_on"]
    assert ChangeRequest.objects.get(pk=request.pk).status == "pending"


# --- the staff nomination form names the officer ----------------------------------------


def _page(w: World, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": w.tenant.slug, **kwargs})


def test_nomination_form_offers_the_officers_in_reach(world, client):
    client.force_login(world.users["reviewer"])
    page = client.get(_page(world, "nomination-create"))
    assert page.status_code == 200
    field = page.context["form"].fields["officer"]
    assert (field.label, field.required) == ("续任/再次申报的原联络员", False)
    assert {o.pk for o in field.queryset} == {
        world.officers["mine"].pk,
        world.officers["city"].pk,
    }
    assert "张三 · 一区 · 2025-01-01 – 2026-12-31 · 在任" in page.content.decode()


def _form_post(w: World, client, officer_id) -> object:
    return client.post(
        _page(w, "nomination-create"),
        {
            "round": w.round.pk,
            "full_name": "张三",
            "unit": w.units["u1"].pk,
            "mobile": "13900000009",
            "officer": officer_id,
        },
    )


def test_nomination_form_refuses_an_officer_out_of_reach_or_of_another_tenant(
    world, other_world, client
):
    client.force_login(world.users["reviewer"])
    before = world.round.nominations.count()
    for officer in (world.officers["d2"], other_world.officers["mine"]):
        response = _form_post(world, client, officer.pk)
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["officer"]
    assert world.round.nominations.count() == before
    # the service refuses another tenant's officer whatever the form offers
    data = {"full_name": "张三", "unit": world.units["u1"], "mobile": "13900000009"}
    reviewer = Membership.objects.get(user=world.users["reviewer"])
    with pytest.raises(ValidationError) as refused:
        workflow.nomination_create(
            membership=reviewer,
            round=world.round,
            data={**data, "officer": other_world.officers["mine"]},
        )
    assert refused.value.message_dict == {"officer": ["未找到。"]}
    assert world.round.nominations.count() == before


def test_nomination_names_the_officer_on_its_page_and_printed_form(world, client):
    client.force_login(world.users["reviewer"])
    response = _form_post(world, client, world.officers["mine"].pk)
    assert response.status_code == 302
    nomination = world.round.nominations.get(full_name="张三")
    assert nomination.officer == world.officers["mine"]
    detail = client.get(_page(world, "nomination-detail", pk=nomination.pk)).content.decode()
    link = f"/t/{world.tenant.slug}/officers/{world.officers['mine'].pk}/"
    assert (
        '<dt class="col-sm-4">续任/再次申报的原联络员</dt>'
        f'<dd class="col-sm-8" data-field="officer"><a href="{link}">张三</a> · 在任</dd>'
    ) in detail
    printed = client.get(_page(world, "nomination-print", pk=nomination.pk)).content.decode()
    assert '<td colspan="3" data-field="officer">张三（2025-01-01 – 2026-12-31）</td>' in printed
    # a nomination for a new nominee says so on the printed form
    printed = client.get(_page(world, "nomination-print", pk=world.nomination.pk)).content.decode()
    assert '<td colspan="3" data-field="officer">否（新推荐人选）</td>' in printed


# --- a renewed appointment reads across its terms --------------------------------------


def _renewed_mid_year(w: World) -> Officer:
    """A district officer of 2025-07-01 – 2027-06-30 renewed (by its
    nomination) for 2027-07-01 – 2029-06-30: two consecutive terms."""
    from roster.services import officer_create, officer_renew

    officer = officer_create(
        tenant=w.tenant,
        full_name="张三",
        category="district",
        district=w.districts["d1"],
        unit=w.units["u1"],
        term_start=D(2025, 7, 1),
        term_end=D(2027, 6, 30),
    )
    _selection, nomination = _verified(w, officer)
    officer_renew(
        tenant=w.tenant,
        officer=officer,
        nomination=nomination,
        term_start=D(2027, 7, 1),
        term_end=D(2029, 6, 30),
        by=w.users["admin"],
    )
    officer.refresh_from_db()
    assert (officer.term_start, officer.term_end) == (D(2027, 7, 1), D(2029, 6, 30))
    return officer


def _required(rows: list[dict], officer: Officer) -> dict:
    return {r["quota"]: r["required_exact"] for r in rows if r["officer"] == officer.id}


def test_quota_months_count_across_consecutive_terms(world):
    from scoring.quotas import officer_progress, quota_rows

    officer = _renewed_mid_year(world)
    _version, rows = quota_rows(tenant=world.tenant, month="2027-09")
    # the year's quotas pro-rated by the 9 months served in 2027 (6 of the
    # earlier term, 3 of the new one), not by the 3 since the renewal
    assert _required(rows, officer) == {
        "demand/year/valid": "3/2",
        "event/year": "3",
        "video/quarter": "1",
    }
    progress = officer_progress(officer=officer, month="2027-09")
    assert {r["quota"]: r["required"] for r in progress} == {
        "demand/year/valid": "1.50",
        "event/year": "3",
        "video/quarter": "1",
    }
    # a month of the earlier term still has the officer's rows
    _version, rows = quota_rows(tenant=world.tenant, month="2026-05")
    assert _required(rows, officer) == {
        "demand/year/valid": "5/6",
        "event/year": "5/3",
        "video/quarter": "2/3",
    }


def test_entries_dated_in_the_earlier_term_are_accepted(world):
    from scoring.tests.test_rankings_api import entry

    officer = world.officers["mine"]  # 2025-01-01 – 2026-12-31
    selection, _nomination = _verified(world, officer)
    _appoint_api(world, selection)  # renewed 2027-01-04 – 2029-01-03
    officer.refresh_from_db()
    with time_machine.travel(dt.datetime(2027, 2, 1, 9), tick=False):
        e = entry(world, [officer], occurred_on=D(2026, 5, 6), status="submitted")
        assert (e.occurred_on, e.status) == (D(2026, 5, 6), "submitted")
        # between the terms (2027-01-01 – 01-03) the officer held none
        with pytest.raises(ValidationError) as refused:
            entry(world, [officer], occurred_on=D(2027, 1, 2), status="draft")
    assert refused.value.message_dict == {
        "occurred_on": ["该日期不在任何计分联络员的任期内，请选择计分联络员任期内的日期。"]
    }


def test_roster_changes_list_both_terms(world):
    from roster.selectors import roster_changes

    officer = world.officers["mine"]
    selection, _nomination = _verified(world, officer)
    _appoint_api(world, selection)

    def changes(start, end):
        return [
            (c["change"], c["date"], c["full_name"])
            for c in roster_changes(tenant=world.tenant, start=start, end=end)
            if c["full_name"] == "张三"
        ]

    assert changes(D(2025, 1, 1), D(2025, 3, 31)) == [("appointed", D(2025, 1, 1), "张三")]
    assert changes(D(2027, 1, 1), D(2027, 3, 31)) == [("renewed", D(2027, 1, 4), "张三")]
    assert changes(D(2025, 1, 1), D(2027, 12, 31)) == [
        ("appointed", D(2025, 1, 1), "张三"),
        ("renewed", D(2027, 1, 4), "张三"),
    ]
    body = APIClient().get("/api/v1/public/alpha/roster-changes/?quarter=2027Q1").json()
    assert [(c["change"], c["date"]) for c in body["changes"]] == [("renewed", "2027-01-04")]
    page = APIClient().get("/public/alpha/roster-changes/?quarter=2027Q1").content.decode()
    assert '<td data-label="变动">续任</td>' in page
