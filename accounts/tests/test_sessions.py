"""Sessions and API tokens end: idle and absolute timeouts; every session of
a user ends on logout, a password change (own, invitation, admin reset) and
a revoked login; API tokens expire and can be revoked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from liaison.middleware import SessionTimeoutMiddleware
from roster.services import officer_disqualify
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
PAGE = "/t/alpha/officers/"
NEW_PASSWORD = "Brand-new-pass-2026!"


@pytest.fixture
def timeouts(settings):
    """The production values (the test settings switch them off)."""
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 3600
    settings.SESSION_COOKIE_AGE = 12 * 3600
    settings.API_TOKEN_TTL_SECONDS = 7 * 24 * 3600


def _login(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_base_settings_defaults():
    from liaison.settings import base

    assert (
        base.SESSION_IDLE_TIMEOUT_SECONDS,
        base.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
        base.API_TOKEN_TTL_SECONDS,
    ) == (1800, 43200, 604800)


def test_idle_session_ends_after_thirty_minutes(client, world, timeouts):
    with time_machine.travel(NOW, tick=False) as traveller:
        _login(client, world.users["admin"])
        traveller.move_to(NOW + dt.timedelta(minutes=29))
        assert client.get(PAGE).status_code == 200
        traveller.move_to(NOW + dt.timedelta(minutes=59))  # 30 min after the last request
        assert client.get(PAGE).status_code == 200
        traveller.move_to(NOW + dt.timedelta(minutes=89, seconds=1))
        response = client.get(PAGE)
    assert response["Location"] == "/accounts/login/?next=/t/alpha/officers/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "登录会话已过期，请重新登录。" in page


def test_session_ends_twelve_hours_after_login_however_active(client, world, timeouts):
    with time_machine.travel(NOW, tick=False) as traveller:
        _login(client, world.users["admin"])
        for minutes in range(20, 12 * 60, 20):
            traveller.move_to(NOW + dt.timedelta(minutes=minutes))
            assert client.get(PAGE).status_code == 200
        traveller.move_to(NOW + dt.timedelta(hours=12, seconds=1))
        assert client.get(PAGE).status_code == 302
    assert "_auth_user_id" not in client.session


def test_last_activity_is_written_at_most_once_a_minute(client, world, timeouts):
    with time_machine.travel(NOW, tick=False) as traveller:
        _login(client, world.users["admin"])
        start = int(NOW.timestamp())
        assert client.session[SessionTimeoutMiddleware.SEEN_AT] == start
        traveller.move_to(NOW + dt.timedelta(seconds=59))
        client.get(PAGE)
        assert client.session[SessionTimeoutMiddleware.SEEN_AT] == start
        traveller.move_to(NOW + dt.timedelta(seconds=60))
        client.get(PAGE)
        assert client.session[SessionTimeoutMiddleware.SEEN_AT] == start + 60
        assert client.session[SessionTimeoutMiddleware.LOGIN_AT] == start


def test_expired_session_on_the_api_is_refused(world, timeouts):
    client = APIClient()
    with time_machine.travel(NOW, tick=False) as traveller:
        client.force_login(world.users["admin"])
        assert client.get(world.url("districts/")).status_code == 200
        traveller.move_to(NOW + dt.timedelta(minutes=31))
        assert client.get(world.url("districts/")).status_code == 401


def test_logout_ends_every_session_of_the_user_and_the_token(world):
    admin = world.users["admin"]
    here, elsewhere = _login(Client(), admin), _login(Client(), admin)
    api = world.api("admin")
    assert elsewhere.get(PAGE).status_code == 200
    here.post("/accounts/logout/")
    assert elsewhere.get(PAGE)["Location"] == "/accounts/login/?next=/t/alpha/officers/"
    assert not Token.objects.filter(user=admin).exists()
    assert api.get(world.url("districts/")).status_code == 401


def test_logout_of_one_user_leaves_others_signed_in(world):
    admin, auditor = (
        _login(Client(), world.users["admin"]),
        _login(Client(), world.users["auditor"]),
    )
    admin.post("/accounts/logout/")
    assert auditor.get(PAGE).status_code == 200


def test_password_change_keeps_this_session_and_ends_the_others(world):
    admin = world.users["admin"]
    here, elsewhere = _login(Client(), admin), _login(Client(), admin)
    world.api("admin")
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get(PAGE).status_code == 200
    assert elsewhere.get(PAGE).status_code == 302
    assert not Token.objects.filter(user=admin).exists()


def test_invitation_password_ends_sessions(world):
    officer = world.users["officer"]
    elsewhere = _login(Client(), officer)
    officer.refresh_from_db()  # the link is signed with the last login
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    token = default_token_generator.make_token(officer)
    form_url = client.get(f"/accounts/invite/{uid}/{token}/")["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/login/"
    assert elsewhere.get("/t/alpha/").status_code == 302


def test_admin_password_reset_ends_sessions(world):
    officer = world.users["officer"]
    elsewhere = _login(Client(), officer)
    world.api("officer")
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    operator = Client()
    operator.force_login(root)
    response = operator.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert elsewhere.get("/t/alpha/").status_code == 302
    assert not Token.objects.filter(user=officer).exists()


def test_disqualified_officer_loses_sessions_and_token(world):
    officer = world.users["officer"]
    elsewhere = _login(Client(), officer)
    world.api("officer")
    before = User.objects.get(pk=officer.pk).session_generation
    officer_disqualify(
        tenant=world.tenant,
        officer=world.officers["mine"],
        reason="fraud",
        effective_on=dt.date(2025, 6, 1),
        by=world.users["admin"],
    )
    assert User.objects.get(pk=officer.pk).session_generation == before + 1
    assert elsewhere.get("/").status_code == 302
    assert not Token.objects.filter(user=officer).exists()


def test_token_expires_after_seven_days_and_a_new_one_is_issued(world, timeouts):
    admin = world.users["admin"]
    credentials = {"username": admin.username, "password": PASSWORD}
    with time_machine.travel(NOW, tick=False) as traveller:
        key = APIClient().post("/api/v1/auth/token/", credentials).json()["token"]
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        traveller.move_to(NOW + dt.timedelta(days=7, seconds=-1))
        assert api.get("/api/v1/tenants/").status_code == 200
        assert APIClient().post("/api/v1/auth/token/", credentials).json()["token"] == key
        traveller.move_to(NOW + dt.timedelta(days=7))
        expired = api.get("/api/v1/tenants/")
        # the expired key in the header does not stop a new login
        renewed = api.post("/api/v1/auth/token/", credentials).json()["token"]
    assert expired.status_code == 401
    assert expired.json() == {"detail": "令牌已过期，请通过 POST /api/v1/auth/token/ 重新获取。"}
    assert renewed != key
    assert list(Token.objects.filter(user=admin).values_list("key", flat=True)) == [renewed]


def test_delete_token_revokes_it(world):
    api = world.api("admin")
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.filter(user=world.users["admin"]).exists()
    assert api.get("/api/v1/tenants/").status_code == 401
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401


def test_api_token_page_shows_the_token_age_and_revokes_it(client, world, timeouts):
    admin = world.users["admin"]
    with time_machine.travel(NOW, tick=False) as traveller:
        Token.objects.create(user=admin)
        traveller.move_to(NOW + dt.timedelta(days=2))
        client.force_login(admin)
        page = client.get("/accounts/api-token/").content.decode()
        assert 'id="api-token"' in page
        assert "2026-06-01 10:00 （2\xa0日前）" in page  # issued, Asia/Shanghai
        assert "2026-06-08 10:00" in page  # expires
        response = client.post("/accounts/api-token/")
        assert response["Location"] == "/accounts/api-token/"
        assert not Token.objects.filter(user=admin).exists()
        assert 'id="api-token-none"' in client.get("/accounts/api-token/").content.decode()


def test_user_menu_links_the_security_pages(client, world):
    client.force_login(world.users["officer"])
    html = client.get("/t/alpha/").content.decode()
    for url in ("/accounts/two-factor/", "/accounts/api-token/", "/accounts/password/"):
        assert f'href="{url}"' in html
