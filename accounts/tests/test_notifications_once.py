"""One event, one robot post (issue 14): scheduled jobs and the finalised
year tell each recipient in their own language and post the tenant's robot
once per event, not once per recipient; the admin can send the robot a test
message and is told how it went."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.choices import NotificationKind
from accounts.models import Membership, Notification, NotificationPreference
from accounts.notifications import announce_now
from accounts.tests.test_notifications_webhook import Stub
from accounts.webhooks import webhook_set
from assessment.notifications import assessment_finalised
from roster import services as roster
from roster.models import Officer
from roster.tasks import remind_terms_ending
from tests.world import PASSWORD, TERM

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):
    Notification.objects.filter(tenant=world.tenant).delete()
    return world


def _admin(w) -> Membership:
    return Membership.objects.get(user=w.users["admin"], tenant=w.tenant)


def _titles(w, who: str) -> list[str]:
    return list(
        Notification.objects.filter(tenant=w.tenant, user=w.users[who])
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_announce_now_counts_what_it_created_and_posts_once(w, django_capture_on_commit_callbacks):
    with Stub() as stub:
        webhook_set(membership=_admin(w), url=stub.url, format="wecom", kinds=[])
        with django_capture_on_commit_callbacks(execute=True):
            first = announce_now(
                tenant=w.tenant,
                users=[w.users["admin"], w.users["manager"], w.users["admin"]],
                key="job:1",
                kind=NotificationKind.REMINDER,
                message=lambda: ("标题", "正文"),
            )
            again = announce_now(
                tenant=w.tenant,
                users=[w.users["admin"], w.users["manager"]],
                key="job:1",
                kind=NotificationKind.REMINDER,
                message=lambda: ("标题", "正文"),
            )
    assert (first, again) == (2, 0)
    assert len(stub.bodies) == 1


def test_terms_ending_job_speaks_each_language_and_posts_once_per_officer(
    w, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(tenant=w.tenant, user=w.users["manager"], language="en")
    ending = list(
        Officer.objects.filter(tenant=w.tenant, status="active", term_end="2026-12-31")
        .select_related("district")
        .order_by("id")
    )
    assert ending  # the world's officers all serve until 2026-12-31
    with Stub() as stub:
        webhook_set(membership=_admin(w), url=stub.url, format="wecom", kinds=[])
        with django_capture_on_commit_callbacks(execute=True):
            done = remind_terms_ending(today="2026-12-15")
            again = remind_terms_ending(today="2026-12-15")
    assert len(stub.bodies) == len(ending)  # one post per officer's term, not per reader
    assert again[w.tenant.slug] == 0
    assert sorted(_titles(w, "admin")) == sorted(
        f"{o.full_name}的任期将于 2026-12-31 届满" for o in ending
    )
    mine = [o for o in ending if o.district and o.district.code in _manager_codes(w)]
    assert mine
    assert sorted(_titles(w, "manager")) == sorted(
        f"{o.full_name}'s term ends on 2026-12-31" for o in mine
    )
    assert done[w.tenant.slug] == len(ending) + len(mine)


def _manager_codes(w) -> set[str]:
    from roster.selectors import districts_in_reach

    member = Membership.objects.get(user=w.users["manager"], tenant=w.tenant)
    return set(districts_in_reach(membership=member).values_list("code", flat=True))


def test_a_finalised_year_is_one_post_and_each_officer_gets_their_own_link(
    w, django_capture_on_commit_callbacks
):
    roster.officer_create(
        tenant=w.tenant,
        full_name="孙七",
        category="district",
        district=w.districts["d1"],
        term_start=TERM[0],
        term_end=TERM[1],
        username="alpha-peer",
        password=PASSWORD,
    )
    officers = list(
        Officer.objects.filter(tenant=w.tenant, user__isnull=False)
        .select_related("user")
        .order_by("id")
    )
    assert len(officers) >= 2
    with Stub() as stub:
        webhook_set(membership=_admin(w), url=stub.url, format="wecom", kinds=[])
        with django_capture_on_commit_callbacks(execute=True):
            assessment_finalised(
                state=SimpleNamespace(tenant=w.tenant, year=2025),
                officers=officers,
                actor=w.users["admin"],
            )
    assert len(stub.bodies) == 1
    assert "/t/alpha/assessment/2025/" in stub.bodies[0]["markdown"]["content"]
    notes = Notification.objects.filter(tenant=w.tenant, key="assessment-final:2025")
    assert sorted(notes.values_list("user_id", "link")) == sorted(
        (o.user_id, f"/t/alpha/officers/{o.pk}/") for o in officers
    )


def _post_test(client, w, follow=True):
    client.force_login(w.users["admin"])
    url = reverse("notification-webhook-test", kwargs={"tenant_slug": w.tenant.slug})
    return client.post(url, follow=follow)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_admin_sends_a_test_message_and_sees_it_arrived(w, client):
    with Stub() as stub:
        webhook_set(membership=_admin(w), url=stub.url, format="dingtalk", kinds=[])
        response = _post_test(client, w)
    assert response.redirect_chain[-1][0] == "/t/alpha/notifications/webhook/"
    assert _messages(response) == ["测试消息已发送（HTTP 200）。"]
    assert [b["markdown"]["title"] for b in stub.bodies] == [f"来自{w.tenant.name}的测试消息"]


def test_the_test_button_shows_once_an_address_is_set(w, client):
    client.force_login(w.users["admin"])
    url = reverse("notification-webhook", kwargs={"tenant_slug": w.tenant.slug})
    assert 'id="webhook-test"' not in client.get(url).content.decode()
    webhook_set(membership=_admin(w), url="https://robot.example/send", format="wecom", kinds=[])
    assert 'id="webhook-test"' in client.get(url).content.decode()


def test_a_refusing_robot_and_a_missing_address_are_said_plainly(w, client):
    assert _messages(_post_test(client, w)) == ["请先填写机器人地址。"]
    with Stub(statuses=(404,)) as stub:
        webhook_set(membership=_admin(w), url=stub.url, format="wecom", kinds=[])
        response = _post_test(client, w)
    assert _messages(response) == ["机器人返回 HTTP 404：请检查地址及其密钥。"]
    assert Notification.objects.filter(tenant=w.tenant).count() == 0


def test_only_the_admin_may_send_a_test_message(w, client):
    client.force_login(w.users["manager"])
    url = reverse("notification-webhook-test", kwargs={"tenant_slug": w.tenant.slug})
    assert client.post(url).status_code in (403, 404)
