"""Issue 10: a nomination's personal fields are checked before anything is
written — dates not in the future, an age of 18 to 75, joined the unit
after birth, a mainland mobile number, a valid e-mail — with a Chinese
message on the field, through the API (400) and the page (form errors).

"Today" is fixed at 2026-03-06 in Shanghai."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from roster.models import Nomination
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 6, 2, 0, tzinfo=dt.UTC)

FUTURE_BIRTH = "出生日期不能晚于今天。"
AGE = "请核对出生日期：被推荐人年龄应在 18 至 75 岁之间。"
FUTURE = "日期不能晚于今天。"
BEFORE_BIRTH = "入职日期不能早于出生日期。"
MOBILE = "请填写大陆手机号码：以 13 至 19 开头的 11 位数字。"
EMAIL = "请输入有效的电子邮箱地址。"


@pytest.fixture
def alpha(db) -> World:
    with time_machine.travel(NOW, tick=False):
        yield build_world("alpha")


def _body(w: World, **fields) -> dict:
    return {
        "round": w.round.id,
        "full_name": "候选人乙",
        "unit": w.units["u1"].id,
        "mobile": "13900000009",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"birth_date": "2026-03-07"}, {"birth_date": [FUTURE_BIRTH]}),
        ({"birth_date": "9999-12-31"}, {"birth_date": [FUTURE_BIRTH]}),
        ({"birth_date": "2008-03-07"}, {"birth_date": [AGE]}),  # 17 years and 364 days
        ({"birth_date": "1950-03-05"}, {"birth_date": [AGE]}),  # 76
        ({"birth_date": "0001-01-01"}, {"birth_date": [AGE]}),
        ({"employer_since": "2026-03-07"}, {"employer_since": [FUTURE]}),
        (
            {"birth_date": "1990-05-01", "employer_since": "1990-04-30"},
            {"employer_since": [BEFORE_BIRTH]},
        ),
        ({"mobile": "1390000"}, {"mobile": [MOBILE]}),
        ({"mobile": "12900000009"}, {"mobile": [MOBILE]}),
        ({"mobile": "139000000091"}, {"mobile": [MOBILE]}),
        ({"mobile": "+8613900000009"}, {"mobile": [MOBILE]}),
        (
            {"mobile": "1", "birth_date": "2030-01-01"},
            {"mobile": [MOBILE], "birth_date": [FUTURE_BIRTH]},
        ),
    ],
)
def test_api_refuses_implausible_fields_and_writes_nothing(alpha, fields, errors):
    before = Nomination.objects.count()
    with time_machine.travel(NOW, tick=False):
        response = alpha.api("reviewer").post(
            alpha.url("nominations/"), _body(alpha, **fields), format="json"
        )
    assert response.status_code == 400
    assert response.json() == errors
    assert Nomination.objects.count() == before


def test_api_refuses_a_bad_email(alpha):
    with time_machine.travel(NOW, tick=False):
        response = alpha.api("reviewer").post(
            alpha.url("nominations/"), _body(alpha, email="not-an-address"), format="json"
        )
    assert response.status_code == 400
    assert list(response.json()) == ["email"]


@pytest.mark.parametrize(
    "fields",
    [
        {"birth_date": "2008-03-06", "employer_since": "2026-03-06"},  # 18 today; joined today
        {"birth_date": "1950-03-07"},  # 75 until tomorrow
        {"mobile": "19912345678", "email": "yi@example.com"},
        {},
    ],
)
def test_api_accepts_plausible_fields(alpha, fields):
    with time_machine.travel(NOW, tick=False):
        response = alpha.api("reviewer").post(
            alpha.url("nominations/"), _body(alpha, **fields), format="json"
        )
    assert response.status_code == 201, response.content
    assert response.json()["full_name"] == "候选人乙"


def test_page_form_shows_the_messages_on_the_fields(alpha, client):
    client.force_login(alpha.users["reviewer"])
    before = Nomination.objects.count()
    url = reverse("nomination-create", kwargs={"tenant_slug": alpha.tenant.slug})
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            url,
            {
                "round": alpha.round.id,
                "full_name": "候选人丙",
                "unit": alpha.units["u1"].id,
                "mobile": "12345",
                "birth_date": "2027-01-01",
                "employer_since": "2027-01-01",
            },
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["mobile"] == [MOBILE]
    assert errors["birth_date"] == [FUTURE_BIRTH]
    assert errors["employer_since"] == [FUTURE]
    assert Nomination.objects.count() == before
