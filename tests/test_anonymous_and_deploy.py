"""Anonymous access (401 on the API, login redirect on pages), the token
contract, and production settings passing `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_isolation import tenant_patterns, tenant_url
from .world import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_api_is_401_for_every_tenant_url(client, world):
    checked = 0
    for name, _route, _extra in tenant_patterns():
        if not name.startswith("api:"):
            continue
        url = tenant_url(name, world.tenant.slug, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 401, (method, url, response.status_code)
            assert response["WWW-Authenticate"] == "Token"
        checked += 1
    assert checked >= 8
    assert client.get("/api/v1/tenants/").status_code == 401


def test_anonymous_pages_redirect_to_login(client, world):
    checked = 0
    for name, _route, _extra in tenant_patterns():
        if name.startswith("api:"):
            continue
        url = tenant_url(name, world.tenant.slug, world)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}"
        checked += 1
    assert checked >= 8
    assert client.get("/")["Location"] == "/accounts/login/?next=/"


def test_token_contract(client, world):
    ok = client.post(
        "/api/v1/auth/token/",
        {"username": "alpha-admin", "password": PASSWORD},
        content_type="application/json",
    )
    assert ok.status_code == 200
    token = ok.json()["token"]
    assert len(token) == 40
    wrong = client.post(
        "/api/v1/auth/token/",
        {"username": "alpha-admin", "password": "nope"},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    tenants = client.get("/api/v1/tenants/", HTTP_AUTHORIZATION=f"Token {token}")
    assert tenants.json() == [{"slug": "alpha", "name": "alpha 科技局", "preset": "wuhan"}]


def test_tenant_list_shows_only_the_callers_tenants(client, world, other_world):
    from roster.services import member_create

    member_create(tenant=other_world.tenant, username="both", password=PASSWORD, role="auditor")
    from accounts.models import Membership, User

    Membership.objects.create(
        tenant=world.tenant, user=User.objects.get(username="both"), role="officer"
    )
    client.force_login(User.objects.get(username="both"))
    assert [t["slug"] for t in client.get("/api/v1/tenants/").json()] == ["alpha", "beta"]
    client.force_login(world.users["admin"])
    assert [t["slug"] for t in client.get("/api/v1/tenants/").json()] == ["alpha"]


def test_schema_and_docs_are_served_without_internet(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    body = schema.content.decode()
    assert "/api/v1/tenants/{tenant_slug}/districts/" in body
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "//unpkg" not in html and "jsdelivr" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


def test_production_settings_pass_check_deploy():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE would rightly be a deploy warning.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "liaison.settings.production",
        "SECRET_KEY": "x" * 30 + "prod-secret-for-the-check-0123456789",
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
