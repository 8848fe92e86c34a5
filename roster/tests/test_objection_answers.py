"""Objections are answered (issue 14 item 3): the centre's reply is shown on
the public board and e-mailed to an objector who left an e-mail; the public
form validates the contact and keeps what was typed after an error."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Membership
from roster import workflow
from roster.models import Objection
from tests.world import build_world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the notice runs
BAD_CONTACT = "请留下电话号码（如 13800000000 或 0354-1234567）或电子邮箱，以便转化中心答复。"


@pytest.fixture
def alpha(db):
    with time_machine.travel(NOW, tick=False):
        yield build_world("alpha")


def post_api(w, contact):
    return APIClient().post(
        f"/api/v1/public/alpha/notices/{w.nomination.notice_id}/objections/",
        {"nominee": w.nomination.id, "contact": contact, "reason": "学历不实"},
        format="json",
    )


@pytest.mark.parametrize(
    ("contact", "status"),
    [
        ("13700000000", 201),
        ("+86 137-0000-0000", 201),
        ("0354-1234567", 201),
        ("（027）87654321", 201),
        ("wang@example.com", 201),
        ("abc", 400),
        ("123", 400),
        ("wang@", 400),
        ("1370000000012345678", 400),
    ],
)
def test_the_contact_must_be_a_phone_or_an_email(alpha, contact, status):
    before = Objection.objects.count()
    response = post_api(alpha, contact)
    assert response.status_code == status
    if status == 400:
        assert response.json() == {"contact": [BAD_CONTACT]}
    assert Objection.objects.count() == before + (status == 201)


def test_the_public_form_keeps_what_was_typed(alpha):
    before = Objection.objects.count()
    response = Client().post(
        f"/public/alpha/notices/{alpha.nomination.notice_id}/object/",
        {"nominee": alpha.nomination.id, "name": "王某", "contact": "abc", "reason": "学历不实"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert BAD_CONTACT in html
    assert 'value="abc"' in html and 'value="王某"' in html and ">学历不实</textarea>" in html
    assert '<details open><summary class="btn btn-sm btn-outline-primary">' in html
    assert Objection.objects.count() == before


def resolve(w, objection, decision, comment):
    admin = Membership.objects.get(tenant=w.tenant, user=w.users["admin"])
    with time_machine.travel(NOW, tick=False):
        return workflow.objection_resolve(
            membership=admin, objection=objection, decision=decision, comment=comment
        )


def test_an_answer_is_emailed_to_an_objector_who_left_an_email(
    alpha, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        objection = workflow.objection_file(
            tenant=alpha.tenant,
            notice=alpha.nomination.notice,
            nomination=alpha.nomination,
            contact="wang@example.com",
            reason="学历不实",
        )
    with django_capture_on_commit_callbacks(execute=True):
        resolve(alpha, objection, "dismissed", "经核实，学历证书真实有效。")
    (message,) = mail.outbox
    assert message.to == ["wang@example.com"]
    assert message.subject == "您的异议：转化中心的答复"
    assert message.body == (
        "您对候选人甲（"
        + alpha.nomination.notice.title
        + "）的异议已于 2026-03-04 处理，结果：异议不成立。\n\n"
        "转化中心答复：经核实，学历证书真实有效。"
    )


def test_a_phone_contact_gets_no_email_and_the_board_shows_the_answer(
    alpha, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resolve(alpha, alpha.objection, "upheld", "经核实，所反映问题属实。")
    assert mail.outbox == []
    with time_machine.travel(NOW, tick=False):
        html = Client().get("/public/alpha/notices/").content.decode()
    assert f'id="answers-{alpha.nomination.notice_id}"' in html
    assert "经核实，所反映问题属实。" in html and "异议成立" in html
    assert alpha.objection.contact not in html  # never who objected or how to reach them
