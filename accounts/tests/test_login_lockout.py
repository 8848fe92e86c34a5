"""Lockout per username (django-axes): 5 failed logins lock the username for
15 minutes on the web login and the token API alike, whether the username
exists or not; a success resets the count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import tenant_create

pytestmark = pytest.mark.django_db

PASSWORD = "Lock-pass-word-1!"
NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
LOCKED_ZH = "该用户名登录失败次数过多，已锁定 15 分钟；请稍后再试，或联系项目管理员。"
LOCKED_EN = (
    "Too many failed sign-ins for this username. It is locked for 15 minutes; "
    "try again later or ask the programme's administrator."
)
WRONG_ZH = {"non_field_errors": ["无法使用提供的认证信息登录。"]}


@pytest.fixture
def alice(db) -> User:
    tenant_create(
        slug="lock",
        name="锁定测试",
        preset="wuhan",
        admin_username="alice",
        admin_password=PASSWORD,
    )
    return User.objects.get(username="alice")


def _token(username: str, password: str, **headers):
    return APIClient().post(TOKEN, {"username": username, "password": password}, **headers)


def _web(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_token_refuses_the_right_password_after_five_failures(alice):
    with time_machine.travel(NOW, tick=False):
        wrong = [_token("alice", "nope") for _ in range(5)]
        assert [r.status_code for r in wrong] == [400] * 5
        assert wrong[4].json() == WRONG_ZH
        locked = _token("alice", PASSWORD)
    assert locked.status_code == 429
    assert locked.json() == {"detail": LOCKED_ZH}


def test_token_lockout_message_follows_accept_language(alice):
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            _token("alice", "nope")
        locked = _token("alice", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert (locked.status_code, locked.json()) == (429, {"detail": LOCKED_EN})


def test_lockout_ends_after_fifteen_minutes(alice):
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(5):
            _token("alice", "nope")
        traveller.move_to(NOW + dt.timedelta(minutes=14, seconds=59))
        assert _token("alice", PASSWORD).status_code == 429
        # attempts while locked do not extend the lockout
        traveller.move_to(NOW + dt.timedelta(minutes=15, seconds=1))
        response = _token("alice", PASSWORD)
    assert response.status_code == 200
    assert set(response.json()) == {"token"}


def test_four_failures_do_not_lock_and_a_success_resets_the_count(alice):
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            assert _token("alice", "nope").status_code == 400
        assert _token("alice", PASSWORD).status_code == 200
        for _ in range(4):
            assert _token("alice", "nope").status_code == 400
        assert _token("alice", PASSWORD).status_code == 200


def test_unknown_username_is_answered_exactly_like_a_known_one(alice):
    with time_machine.travel(NOW, tick=False):
        known = [_token("alice", "nope") for _ in range(6)]
        unknown = [_token("nobody", "nope") for _ in range(6)]
    assert [(r.status_code, r.json()) for r in known] == [
        (r.status_code, r.json()) for r in unknown
    ]
    assert [r.status_code for r in unknown] == [400] * 5 + [429]


def test_web_login_locks_after_five_failures_even_with_the_right_password(client, alice):
    with time_machine.travel(NOW, tick=False):
        failures = [_web(client, "alice", "nope") for _ in range(5)]
        assert [r.status_code for r in failures] == [200] * 5
        assert "用户名或密码错误" in failures[4].content.decode()
        locked = _web(client, "alice", PASSWORD)
    assert locked.status_code == 429
    assert LOCKED_ZH in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_web_lockout_page_is_the_same_for_an_unknown_username(client, alice):
    def page(username):
        with time_machine.travel(NOW, tick=False):
            responses = [_web(client, username, "nope") for _ in range(6)]
        html = responses[-1].content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return [r.status_code for r in responses], html.replace(username, "USERNAME")

    known, unknown = page("alice"), page("nobody")
    assert known == unknown
    assert unknown[0] == [200] * 5 + [429]


def test_web_and_token_failures_count_together(client, alice):
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            _web(client, "alice", "nope")
        for _ in range(2):
            _token("alice", "nope")
        assert _web(client, "alice", PASSWORD).status_code == 429
        assert _token("alice", PASSWORD).status_code == 429


def test_web_login_succeeds_and_resets_after_four_failures(client, alice):
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            _web(client, "alice", "nope")
        response = _web(client, "alice", PASSWORD)
        assert response.status_code == 302
        client.logout()
        for _ in range(4):
            _web(client, "alice", "nope")
        assert _web(client, "alice", PASSWORD).status_code == 302


def test_failed_and_locked_logins_send_signals_with_username_and_request(alice):
    failed, locked = [], []

    def on_failed(sender, credentials, request=None, **kwargs):
        failed.append((credentials.get("username"), request is not None))

    def on_locked(sender, request=None, username=None, **kwargs):
        locked.append((username, request is not None))

    user_login_failed.connect(on_failed)
    user_locked_out.connect(on_locked)
    try:
        with time_machine.travel(NOW, tick=False):
            for _ in range(5):
                _token("alice", "nope")
            _token("alice", PASSWORD)
    finally:
        user_login_failed.disconnect(on_failed)
        user_locked_out.disconnect(on_locked)
    assert failed == [("alice", True)] * 6
    assert locked == [("alice", True)] * 2  # reaching the limit, then the refused attempt


def test_login_throttle_allows_a_shared_gateway_address():
    from liaison.settings import base

    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"] == "120/min"
    assert base.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert base.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
