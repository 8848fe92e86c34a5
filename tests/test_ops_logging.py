"""Logs (issue 17 item 4): JSON lines in production, readable lines under
`make run`, and the request id (X-Request-ID) on every line of a request."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from audit import context
from ops.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def json_lines():
    """The root logger's lines as production writes them, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
@override_settings(ACCESS_LOG=True)
def test_every_line_of_a_request_carries_its_incoming_request_id(client, json_lines):
    response = client.get("/no-such-page?q=张三", HTTP_X_REQUEST_ID="req-abc.123")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-abc.123"
    lines = json_lines()
    assert [(line["logger"], line["level"], line["request_id"]) for line in lines] == [
        ("liaison.access", "INFO", "req-abc.123"),
        ("django.request", "WARNING", "req-abc.123"),  # logged once the response is out
    ]
    access = lines[0]
    assert access["message"] == "GET /no-such-page 404"
    assert (access["method"], access["path"], access["status"], access["view"]) == (
        "GET",
        "/no-such-page",
        404,
        "",
    )
    assert isinstance(access["duration_ms"], float)
    assert "timestamp" in access and "request" not in access
    assert "张三" not in json.dumps(lines, ensure_ascii=False)  # no query strings in the logs


@pytest.mark.django_db
@override_settings(ACCESS_LOG=True)
def test_a_request_without_an_id_gets_one_sent_back(client, json_lines):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id with spaces")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and request_id != "bad id with spaces"
    assert [
        (line["logger"], line["request_id"], line["status"], line["view"]) for line in json_lines()
    ] == [("liaison.access", request_id, 200, "login")]


@pytest.mark.django_db
def test_no_access_lines_unless_asked(client, json_lines):
    client.get("/accounts/login/")
    assert json_lines() == []


def test_lines_inside_a_request_or_task_context_carry_its_id(json_lines):
    log = logging.getLogger("ops.tests")
    with context.audit_context(request_id="0f" * 16):
        log.warning("inside")
    with context.audit_context(request_id="task:scoring.tasks.run_export:42"):
        log.warning("task %s", "line")
    log.warning("outside")
    assert [(line["message"], line["request_id"]) for line in json_lines()] == [
        ("inside", "0f" * 16),
        ("task line", "task:scoring.tasks.run_export:42"),
        ("outside", "-"),
    ]


def _log_line(settings_module: str, **env) -> str:
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('ops.check').warning('hello %s', 'world')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "portal.example.gov.cn",
            "DATABASE_URL": "sqlite:///:memory:",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr.strip()


def test_production_logs_json_lines():
    line = json.loads(_log_line("liaison.settings.production"))
    assert {k: line[k] for k in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "ops.check",
        "message": "hello world",
        "request_id": "-",
    }
    assert line["timestamp"].endswith("+00:00")


def test_make_run_logs_readable_lines():
    line = _log_line("liaison.settings.local")
    assert line.endswith(" WARNING ops.check [-] hello world")
    assert _log_line("liaison.settings.production", LOG_FORMAT="plain").endswith(
        " WARNING ops.check [-] hello world"
    )
