"""Two-factor sign-in (TOTP, RFC 6238): enrolment and confirmation through
the API and the pages, the token and the web login asking for the code, the
policy requiring it for some roles, and the demo exemption."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.mfa import mfa_setup
from accounts.models import Policy, User
from audit.models import AuditEvent
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(seconds=30)  # a code is accepted once; the next test step has a new one
TOKEN = "/api/v1/auth/token/"


def code_at(device: TOTPDevice, at: dt.datetime) -> str:
    """The device's 6-digit code at ``at`` (RFC 6238, 30-second steps)."""
    with time_machine.travel(at, tick=False):
        return f"{totp(device.bin_key, step=30, t0=0, digits=6):06d}"


def wrong_code(device: TOTPDevice, at: dt.datetime) -> str:
    return f"{(int(code_at(device, at)) + 1) % 1_000_000:06d}"


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _enrol(user: User) -> TOTPDevice:
    device = mfa_setup(user=user)
    device.confirmed = True
    device.save()
    return device


def test_api_setup_gives_a_base32_secret_and_otpauth_url(world):
    admin = world.users["admin"]
    with time_machine.travel(NOW, tick=False):
        response = _client(admin).post("/api/v1/auth/mfa/setup/")
    assert response.status_code == 200
    body = response.json()
    device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed is False
    assert base64.b32decode(body["secret"] + "=" * (-len(body["secret"]) % 8)) == device.bin_key
    assert body["otpauth_url"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_url"]
    assert "digits=6" in body["otpauth_url"] and "period=30" in body["otpauth_url"]


def test_api_setup_again_replaces_the_unconfirmed_key(world):
    client = _client(world.users["admin"])
    first = client.post("/api/v1/auth/mfa/setup/").json()["secret"]
    second = client.post("/api/v1/auth/mfa/setup/").json()["secret"]
    assert first != second
    assert TOTPDevice.objects.filter(user=world.users["admin"]).count() == 1


def test_api_confirm_turns_two_factor_on_and_a_wrong_code_is_refused(world):
    admin = world.users["admin"]
    client = _client(admin)
    with time_machine.travel(NOW, tick=False):
        client.post("/api/v1/auth/mfa/setup/")
        device = TOTPDevice.objects.get(user=admin)
        wrong = client.post("/api/v1/auth/mfa/confirm/", {"otp": wrong_code(device, NOW)})
    assert wrong.status_code == 400
    assert wrong.json() == {"otp": ["验证码错误或已过期。"]}
    assert TOTPDevice.objects.get(user=admin).confirmed is False
    later = NOW + STEP * 4  # past django-otp's one-second throttle after a failure
    with time_machine.travel(later, tick=False):
        right = client.post("/api/v1/auth/mfa/confirm/", {"otp": code_at(device, later)})
        status = client.get("/api/v1/auth/mfa/").json()
    assert (right.status_code, right.json()) == (200, {"enabled": True})
    assert TOTPDevice.objects.get(user=admin).confirmed is True
    assert status == {"enabled": True}
    assert client.post("/api/v1/auth/mfa/setup/").status_code == 409


def test_mfa_endpoints_need_a_login():
    anonymous = APIClient()
    assert anonymous.post("/api/v1/auth/mfa/setup/").status_code == 401
    assert anonymous.post("/api/v1/auth/mfa/confirm/", {"otp": "123456"}).status_code == 401


def test_token_with_two_factor_needs_the_code(world):
    admin = world.users["admin"]
    device = _enrol(admin)
    api = APIClient()
    credentials = {"username": admin.username, "password": PASSWORD}
    with time_machine.travel(NOW, tick=False):
        missing = api.post(TOKEN, credentials)
        wrong_password = api.post(TOKEN, {**credentials, "password": "nope"})
        wrong = api.post(TOKEN, {**credentials, "otp": wrong_code(device, NOW)})
    assert missing.status_code == 400 and set(missing.json()) == {"otp"}
    assert wrong_password.status_code == 400
    assert set(wrong_password.json()) == {"non_field_errors"}  # the password comes first
    assert wrong.json() == {"otp": ["验证码错误或已过期。"]}
    # a wrong code counts as a failed login, like the wrong password
    assert AccessAttempt.objects.get(username=admin.username).failures_since_start == 2
    later = NOW + STEP * 4
    with time_machine.travel(later, tick=False):
        right = api.post(TOKEN, {**credentials, "otp": code_at(device, later)})
    assert right.status_code == 200 and set(right.json()) == {"token"}
    assert not AccessAttempt.objects.filter(username=admin.username).exists()


def test_a_code_is_accepted_only_once(world):
    admin = world.users["admin"]
    device = _enrol(admin)
    credentials = {"username": admin.username, "password": PASSWORD}
    with time_machine.travel(NOW, tick=False):
        code = code_at(device, NOW)
        assert APIClient().post(TOKEN, {**credentials, "otp": code}).status_code == 200
        assert APIClient().post(TOKEN, {**credentials, "otp": code}).status_code == 400


def test_five_wrong_codes_lock_the_username(world):
    admin = world.users["admin"]
    device = _enrol(admin)
    credentials = {"username": admin.username, "password": PASSWORD}
    statuses = []
    for i in range(6):
        at = NOW + dt.timedelta(minutes=i)  # past django-otp's own throttle
        with time_machine.travel(at, tick=False):
            otp = wrong_code(device, at) if i < 5 else code_at(device, at)
            statuses.append(APIClient().post(TOKEN, {**credentials, "otp": otp}).status_code)
    assert statuses == [400] * 5 + [429]


def test_api_disable_needs_a_current_code(world):
    admin = world.users["admin"]
    device = _enrol(admin)
    client = _client(admin)
    with time_machine.travel(NOW, tick=False):
        assert (
            client.post("/api/v1/auth/mfa/disable/", {"otp": wrong_code(device, NOW)}).status_code
            == 400
        )
    later = NOW + STEP * 4
    with time_machine.travel(later, tick=False):
        response = client.post("/api/v1/auth/mfa/disable/", {"otp": code_at(device, later)})
    assert response.status_code == 204
    assert not TOTPDevice.objects.filter(user=admin).exists()


def test_web_login_asks_for_the_code_after_the_password(client, world):
    admin = world.users["admin"]
    device = _enrol(admin)
    with time_machine.travel(NOW, tick=False):
        step_one = client.post(
            "/accounts/login/?next=/t/alpha/",
            {"username": admin.username, "password": PASSWORD},
        )
        assert step_one["Location"] == "/accounts/login/code/"
        assert "_auth_user_id" not in client.session
        assert "6 位验证码" in client.get("/accounts/login/code/").content.decode()
        wrong = client.post("/accounts/login/code/", {"otp": wrong_code(device, NOW)})
        assert wrong.status_code == 200
        assert "验证码错误或已过期。" in wrong.content.decode()
        assert "_auth_user_id" not in client.session
    later = NOW + STEP * 4
    with time_machine.travel(later, tick=False):
        right = client.post("/accounts/login/code/", {"otp": code_at(device, later)})
    assert right["Location"] == "/t/alpha/"
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_web_code_step_without_a_password_step_goes_back_to_login(client, world):
    assert client.get("/accounts/login/code/")["Location"] == "/accounts/login/"


def test_web_code_step_expires_after_five_minutes(client, world):
    admin = world.users["admin"]
    device = _enrol(admin)
    with time_machine.travel(NOW, tick=False):
        client.post("/accounts/login/", {"username": admin.username, "password": PASSWORD})
    later = NOW + dt.timedelta(minutes=5, seconds=1)
    with time_machine.travel(later, tick=False):
        response = client.post("/accounts/login/code/", {"otp": code_at(device, later)})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_web_wrong_codes_lock_the_username(client, world):
    admin = world.users["admin"]
    device = _enrol(admin)
    statuses = []
    with time_machine.travel(NOW, tick=False):
        client.post("/accounts/login/", {"username": admin.username, "password": PASSWORD})
    for i in range(5):
        at = NOW + dt.timedelta(seconds=20 * (i + 1))
        with time_machine.travel(at, tick=False):
            statuses.append(
                client.post("/accounts/login/code/", {"otp": wrong_code(device, at)}).status_code
            )
    assert statuses == [200] * 4 + [429]
    with time_machine.travel(NOW + dt.timedelta(minutes=3), tick=False):
        again = client.post("/accounts/login/", {"username": admin.username, "password": PASSWORD})
    assert again.status_code == 429


def test_two_factor_page_enrols_with_a_qr_code_and_turns_off(client, world):
    admin = world.users["admin"]
    client.force_login(admin)
    assert 'data-enabled="false"' in client.get("/accounts/two-factor/").content.decode()
    with time_machine.travel(NOW, tick=False):
        client.post("/accounts/two-factor/", {"action": "start"})
        page = client.get("/accounts/two-factor/").content.decode()
        device = TOTPDevice.objects.get(user=admin, confirmed=False)
        assert "<svg" in page
        assert (
            f'id="mfa-secret" class="fs-6">{base64.b32encode(device.bin_key).decode().rstrip("=")}<'
            in page
        )
        bad = client.post(
            "/accounts/two-factor/", {"action": "confirm", "otp": wrong_code(device, NOW)}
        )
        assert bad.status_code == 400
    later = NOW + STEP * 4
    with time_machine.travel(later, tick=False):
        client.post("/accounts/two-factor/", {"action": "confirm", "otp": code_at(device, later)})
    device.refresh_from_db()
    assert device.confirmed is True
    assert 'data-enabled="true"' in client.get("/accounts/two-factor/").content.decode()
    latest = later + STEP * 4
    with time_machine.travel(latest, tick=False):
        client.post("/accounts/two-factor/", {"action": "disable", "otp": code_at(device, latest)})
    assert not TOTPDevice.objects.filter(user=admin).exists()
    # both switches are in the tenant's audit log, by the user, on the user
    logged = AuditEvent.objects.filter(
        tenant=world.tenant, object_type="user", object_id=str(admin.pk), action="update"
    ).order_by("id")
    assert [(e.actor_username, e.changes) for e in logged] == [
        (admin.username, {"two_factor": [False, True]}),
        (admin.username, {"two_factor": [True, False]}),
    ]


def _require_mfa(world, roles):
    policy = Policy.objects.for_tenant(world.tenant).get()
    policy.rules["mfa_required_roles"] = roles
    policy.save()


def test_presets_require_two_factor_of_nobody(world):
    assert Policy.objects.for_tenant(world.tenant).get().rules["mfa_required_roles"] == []
    assert world.api("admin").get(world.url("districts/")).status_code == 200


def test_policy_sends_admin_pages_to_enrolment_and_api_answers_403(client, world):
    _require_mfa(world, ["admin", "auditor"])
    client.force_login(world.users["admin"])
    page = client.get("/t/alpha/officers/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/two-factor/?next=%2Ft%2Falpha%2Fofficers%2F"
    api = world.api("auditor").get(world.url("districts/"))
    assert api.status_code == 403
    assert api.json() == {
        "detail": (
            "本项目要求您的角色使用两步验证。"
            "请先开启（POST /api/v1/auth/mfa/setup/，然后确认），再重试。"
        ),
        "code": "mfa_required",
    }
    # roles the policy does not name are not concerned
    assert world.api("manager").get(world.url("districts/")).status_code == 200
    # once two-factor is on, the member goes on
    _enrol(world.users["admin"])
    assert client.get("/t/alpha/officers/").status_code == 200
    assert world.api("admin").get(world.url("districts/")).status_code == 200


def test_policy_still_answers_404_to_outsiders(world, other_world):
    _require_mfa(world, ["admin"])
    assert other_world.api("admin").get(world.url("districts/")).status_code == 404


def test_exempt_logins_skip_the_policy_and_the_login_page_says_so(client, world, settings):
    _require_mfa(world, ["admin"])
    settings.MFA_EXEMPT_USERNAMES = [world.users["admin"].username]
    assert world.api("admin").get(world.url("districts/")).status_code == 200
    assert "演示环境：演示账号免两步验证" in client.get("/accounts/login/").content.decode()
    settings.MFA_EXEMPT_USERNAMES = []
    assert "演示环境" not in client.get("/accounts/login/").content.decode()
    assert world.api("admin").get(world.url("districts/")).status_code == 403


def test_local_settings_exempt_the_demo_logins():
    from liaison.settings import local

    assert {"demo-admin", "demo-auditor"} <= set(local.MFA_EXEMPT_USERNAMES)
