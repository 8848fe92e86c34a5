"""The tenant's robot webhook (issue 14): payload shapes for WeCom and
DingTalk, retries on a 5xx with exponential backoff (5 at most), no
redirect followed, only http(s) addresses; tested against a local stub."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.choices import NotificationKind
from accounts.models import Membership, Notification, TenantWebhook
from accounts.notifications import announce, notify
from accounts.tasks import backoff, deliver_webhook
from accounts.webhooks import payload, webhook_set

pytestmark = pytest.mark.django_db


class Stub:
    """A local HTTP server answering each POST with the next status of
    ``statuses`` (the last one repeats) and recording the JSON bodies."""

    def __init__(self, statuses=(200,), location: str = ""):
        self.statuses, self.bodies, self.location = list(statuses), [], location
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                stub.bodies.append(json.loads(self.rfile.read(length)))
                status = stub.statuses[min(len(stub.bodies), len(stub.statuses)) - 1]
                self.send_response(status)
                if stub.location:
                    self.send_header("Location", stub.location)
                self.end_headers()
                self.wfile.write(b'{"errcode":0}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?key=abc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _admin(w) -> Membership:
    return Membership.objects.get(user=w.users["admin"], tenant=w.tenant)


MESSAGE = {
    "kind": "objection_filed",
    "title": "公示收到新的异议：候选人甲",
    "body": "异议理由：不实",
}


def test_payload_shapes_for_both_robots():
    message = {**MESSAGE, "link": "http://portal/t/alpha/objections/"}
    assert payload("wecom", message) == {
        "msgtype": "markdown",
        "markdown": {
            "content": "**公示收到新的异议：候选人甲**\n异议理由：不实\n"
            "[打开](http://portal/t/alpha/objections/)"
        },
    }
    assert payload("dingtalk", message) == {
        "msgtype": "markdown",
        "markdown": {
            "title": "公示收到新的异议：候选人甲",
            "text": "#### 公示收到新的异议：候选人甲\n\n异议理由：不实\n\n"
            "[打开](http://portal/t/alpha/objections/)",
        },
    }


@pytest.mark.parametrize("fmt", ["wecom", "dingtalk"])
def test_an_event_is_posted_once_in_the_tenants_format(
    world, fmt, django_capture_on_commit_callbacks
):
    with Stub() as stub:
        webhook_set(membership=_admin(world), url=stub.url, format=fmt, kinds=[])
        with django_capture_on_commit_callbacks(execute=True):
            announce(  # two recipients, one post
                tenant=world.tenant,
                users=[world.users["admin"], world.users["manager"]],
                key="event:1",
                kind=NotificationKind.OBJECTION_FILED,
                message=lambda: ("标题", "正文"),
                link="/t/alpha/objections/",
            )
    link = "[打开](http://localhost:8000/t/alpha/objections/)"
    assert stub.bodies == [
        {"msgtype": "markdown", "markdown": {"content": f"**标题**\n正文\n{link}"}}
        if fmt == "wecom"
        else {
            "msgtype": "markdown",
            "markdown": {"title": "标题", "text": f"#### 标题\n\n正文\n\n{link}"},
        }
    ]


def test_only_the_chosen_kinds_are_posted(world, django_capture_on_commit_callbacks):
    with Stub() as stub:
        webhook_set(
            membership=_admin(world),
            url=stub.url,
            format="wecom",
            kinds=[NotificationKind.OBJECTION_FILED],
        )
        with django_capture_on_commit_callbacks(execute=True):
            notify(tenant=world.tenant, user=world.users["admin"], key="r", title="提醒")
            notify(
                tenant=world.tenant,
                user=world.users["admin"],
                key="o",
                title="异议",
                kind=NotificationKind.OBJECTION_FILED,
            )
    assert [b["markdown"]["content"] for b in stub.bodies] == ["**异议**"]


@pytest.fixture
def worker_like():
    """Eager tasks that keep their failures to themselves, as a worker does
    (each retry then runs in place, its countdown skipped)."""
    conf = deliver_webhook.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


def test_a_500_is_retried_until_it_succeeds(world, worker_like):
    with Stub(statuses=(500, 502, 200)) as stub:
        webhook_set(membership=_admin(world), url=stub.url, format="wecom", kinds=[])
        result = deliver_webhook.apply(args=(world.tenant.pk, MESSAGE), throw=False)
    assert len(stub.bodies) == 3
    assert result.successful()
    assert stub.bodies[0] == stub.bodies[2]


def test_retries_stop_after_five(world, worker_like):
    with Stub(statuses=(500,)) as stub:
        webhook_set(membership=_admin(world), url=stub.url, format="wecom", kinds=[])
        result = deliver_webhook.apply(args=(world.tenant.pk, MESSAGE), throw=False)
    assert len(stub.bodies) == 6  # the first try and 5 retries
    assert result.failed()


def test_backoff_doubles():
    assert [backoff(n) for n in range(5)] == [30, 60, 120, 240, 480]


def test_a_redirect_is_not_followed_nor_retried(world):
    with Stub(statuses=(302,), location="http://10.0.0.1/") as stub:
        webhook_set(membership=_admin(world), url=stub.url, format="wecom", kinds=[])
        assert deliver_webhook.apply(args=(world.tenant.pk, MESSAGE)).get() == 302
    assert len(stub.bodies) == 1


@pytest.mark.parametrize("url", ["ftp://robot/x", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_addresses_are_taken(world, url):
    with pytest.raises(ValidationError) as caught:
        webhook_set(membership=_admin(world), url=url, format="wecom", kinds=[])
    assert caught.value.message_dict == {"url": ["请填写机器人的 http:// 或 https:// 地址。"]}
    assert not TenantWebhook.objects.exists()


def test_only_the_admin_sets_the_webhook_and_empty_removes_it(world):
    manager = Membership.objects.get(user=world.users["manager"], tenant=world.tenant)
    with pytest.raises(PermissionDenied):
        webhook_set(membership=manager, url="https://qyapi.example/x", format="wecom", kinds=[])
    admin = _admin(world)
    webhook_set(membership=admin, url="https://qyapi.example/x", format="dingtalk", kinds=[])
    assert TenantWebhook.objects.get().format == "dingtalk"
    webhook_set(membership=_admin(world), url="", format="dingtalk", kinds=[])
    assert not TenantWebhook.objects.exists()


def test_no_webhook_no_post_and_the_notification_still_made(world):
    assert deliver_webhook.apply(args=(world.tenant.pk, MESSAGE)).get() == "no webhook"
    assert notify(tenant=world.tenant, user=world.users["admin"], key="x", title="t") is not None
    assert Notification.objects.filter(key="x").count() == 1
