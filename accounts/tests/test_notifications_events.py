"""Who is told of what (issue 14, API.md "Notifications and exports"): each
event reaches exactly the people it is addressed to, once, never the actor,
after commit, in the recipient's language; e-mail follows the preference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from accounts.choices import EmailMode, NotificationKind, Role
from accounts.models import Membership, Notification, NotificationPreference, User
from accounts.notifications import announce, notify
from ledgers.services import entry_create, entry_return, entry_submit, entry_verify
from roster import services as roster
from roster import workflow
from tests.world import PASSWORD, TERM, centre

pytestmark = pytest.mark.django_db


def _m(w, who: str) -> Membership:
    return Membership.objects.get(user=w.users[who], tenant=w.tenant)


def _inbox(w) -> list[tuple[str, str, str]]:
    """Every notification of the tenant as (username, title, body), by user then id."""
    return [
        (n.user.username, n.title, n.body)
        for n in Notification.objects.filter(tenant=w.tenant).order_by("user__username", "id")
    ]


def _peer(w, login: str = "peer", name: str = "孙七") -> User:
    officer = roster.officer_create(
        tenant=w.tenant,
        full_name=name,
        category="district",
        district=w.districts["d1"],
        term_start=TERM[0],
        term_end=TERM[1],
        username=f"{w.tenant.slug}-{login}",
        password=PASSWORD,
    )
    w.officers[login] = officer
    w.users[login] = officer.user
    return officer.user


def _submitted(w, title: str = "通知测试成果"):
    """An entry the admin logs for ``mine`` (a login) and ``d1`` (none), submitted."""
    entry = entry_create(
        tenant=w.tenant,
        membership=_m(w, "admin"),
        kind="achievement",
        data={"title": title, "occurred_on": dt.date(2025, 4, 1)},
        officers=[w.officers["mine"], w.officers["d1"]],
    )
    return entry_submit(tenant=w.tenant, membership=_m(w, "admin"), entry=entry)


@pytest.fixture
def w(world):
    Notification.objects.filter(tenant=world.tenant).delete()
    return world


def test_returned_entry_tells_each_credited_login_once_after_commit(
    w, django_capture_on_commit_callbacks
):
    entry = _submitted(w)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry_return(tenant=w.tenant, membership=centre(w), entry=entry, reason="缺少佐证材料")
    assert _inbox(w) == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert _inbox(w) == [
        (
            "alpha-officer",
            "您的台账条目被退回：通知测试成果",
            "退回原因：缺少佐证材料。请修改后重新提交。",
        )
    ]
    note = Notification.objects.get(tenant=w.tenant)
    assert (note.kind, note.link) == ("entry_returned", f"/t/alpha/entries/{entry.pk}/")
    for callback in callbacks:  # the same event again: nothing new
        callback()
    assert len(_inbox(w)) == 1


def test_verified_entry_tells_the_credited_login_and_a_second_return_is_a_new_event(
    w, django_capture_on_commit_callbacks
):
    entry = _submitted(w)
    with django_capture_on_commit_callbacks(execute=True):
        entry_return(tenant=w.tenant, membership=centre(w), entry=entry, reason="补材料")
        entry_submit(tenant=w.tenant, membership=_m(w, "admin"), entry=entry)
        entry_return(tenant=w.tenant, membership=centre(w), entry=entry, reason="再补")
        entry_submit(tenant=w.tenant, membership=_m(w, "admin"), entry=entry)
        entry_verify(tenant=w.tenant, membership=centre(w), entry=entry)
    assert [title for _u, title, _b in _inbox(w)] == [
        "您的台账条目被退回：通知测试成果",
        "您的台账条目被退回：通知测试成果",
        "您的台账条目已审核通过：通知测试成果",
    ]
    assert {u for u, _t, _b in _inbox(w)} == {"alpha-officer"}
    assert _inbox(w)[2][2] == "该条目已计入您的积分。"


def test_the_recipients_language_is_used(w, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(tenant=w.tenant, user=w.users["officer"], language="en")
    entry = _submitted(w)
    with django_capture_on_commit_callbacks(execute=True):
        entry_return(tenant=w.tenant, membership=centre(w), entry=entry, reason="缺少佐证材料")
    assert _inbox(w) == [
        (
            "alpha-officer",
            "Your entry was returned: 通知测试成果",
            "Reason: 缺少佐证材料. Correct it and submit it again.",
        )
    ]


def test_co_credit_request_tells_the_colleague_not_the_officer_who_logged(
    w, django_capture_on_commit_callbacks
):
    _peer(w)
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_create(
            tenant=w.tenant,
            membership=_m(w, "officer"),
            kind="achievement",
            data={"title": "合作成果", "occurred_on": dt.date(2025, 4, 1)},
            officers=[w.officers["mine"], w.officers["peer"]],
        )
    assert _inbox(w) == [
        (
            "alpha-peer",
            "请确认共同计分：合作成果",
            "张三 登记了“合作成果”，并将您列为计分联络员。请确认，或说明理由后拒绝。",
        )
    ]
    note = Notification.objects.get(tenant=w.tenant)
    assert (note.kind, note.link) == ("co_credit", f"/t/alpha/entries/{entry.pk}/")


def test_nomination_tells_who_acts_at_each_stage_within_reach(
    w, django_capture_on_commit_callbacks
):
    other_reviewer = roster.member_create(  # a second reviewer of u1: told
        tenant=w.tenant,
        username="alpha-reviewer2",
        password=PASSWORD,
        role=Role.UNIT_REVIEWER,
        units=[w.units["u1"]],
    )
    roster.member_create(  # a reviewer of u2 and a manager of d2: never told
        tenant=w.tenant,
        username="alpha-reviewer-u2",
        password=PASSWORD,
        role=Role.UNIT_REVIEWER,
        units=[w.units["u2"]],
    )
    roster.member_create(
        tenant=w.tenant,
        username="alpha-manager-d2",
        password=PASSWORD,
        role=Role.DISTRICT_MANAGER,
        districts=[w.districts["d2"]],
    )
    second_admin = centre(w)
    reviewer, manager, admin = _m(w, "reviewer"), _m(w, "manager"), _m(w, "admin")
    nomination = workflow.nomination_create(
        membership=reviewer,
        round=w.round,
        data={"full_name": "候选人乙", "unit": w.units["u1"], "mobile": "13900000002"},
    )
    rnd = str(w.round)

    def told():
        return sorted(
            Notification.objects.filter(tenant=w.tenant).values_list("user__username", "body")
        )

    with django_capture_on_commit_callbacks(execute=True):
        workflow.nomination_advance(membership=reviewer, nomination=nomination)
    assert told() == [("alpha-reviewer2", f"候选人乙（{rnd}）已到您的环节：单位申报。")]
    assert other_reviewer.user.notifications.get().title == "有一份推荐等待您处理：候选人乙"

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.nomination_advance(membership=reviewer, nomination=nomination)
    assert told() == [("alpha-manager", f"候选人乙（{rnd}）已到您的环节：区科技管理部门审核推荐。")]

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.nomination_advance(membership=manager, nomination=nomination)
    body = f"候选人乙（{rnd}）已到您的环节：转化中心信息审核。"
    assert told() == [("alpha-admin", body), ("alpha-centre", body)]

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.nomination_advance(membership=admin, nomination=nomination)
    # every review done: the other admin publishes the notice (not the admin who acted)
    assert told() == [("alpha-centre", f"候选人乙（{rnd}）已到您的环节：发布公示。")]
    assert second_admin.user.notifications.get().link == f"/t/alpha/nominations/{nomination.pk}/"


def test_public_objection_tells_every_admin_once(w, django_capture_on_commit_callbacks):
    centre(w)
    notice = w.nomination.notice
    with django_capture_on_commit_callbacks(execute=True):
        objection = workflow.objection_file(
            tenant=w.tenant,
            notice=notice,
            nomination=w.nomination,
            contact="13800000001",
            reason="年龄不符",
            today=dt.date(2026, 3, 4),
        )
    expected = ("公示收到新的异议：候选人甲", "异议理由：年龄不符")
    assert _inbox(w) == [("alpha-admin", *expected), ("alpha-centre", *expected)]
    assert set(Notification.objects.values_list("kind", "key", "link")) == {
        ("objection_filed", f"objection:{objection.pk}", "/t/alpha/objections/")
    }


def test_announce_skips_the_actor_duplicates_and_inactive_members(
    w, django_capture_on_commit_callbacks
):
    officer, admin, manager = w.users["officer"], w.users["admin"], w.users["manager"]
    manager.is_active = False
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        announce(
            tenant=w.tenant,
            users=[officer, officer, admin, manager, None],
            key="test-event:1",
            kind=NotificationKind.REMINDER,
            message=lambda: ("标题", "正文"),
            actor=admin,
        )
    assert _inbox(w) == [("alpha-officer", "标题", "正文")]


# --- e-mail preferences and the digest --------------------------------------------------


def _mails_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if address in m.to]


def test_email_follows_each_members_preference(w, django_capture_on_commit_callbacks):
    for who, mode in (("officer", EmailMode.EACH), ("manager", EmailMode.OFF), ("admin", "daily")):
        w.users[who].email = f"{who}@example.com"
        w.users[who].save()
        NotificationPreference.objects.create(tenant=w.tenant, user=w.users[who], email=mode)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for who in ("officer", "manager", "admin"):
            notify(tenant=w.tenant, user=w.users[who], key="k1", title="月度提醒", body="请查看")
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["officer@example.com"], "月度提醒", "请查看")
    ]
    assert Notification.objects.filter(tenant=w.tenant, key="k1").count() == 3  # in-app always


def test_daily_digest_sends_one_email_with_the_days_notifications(w):
    from accounts.tasks import send_daily_digests

    admin = w.users["admin"]
    admin.email = "admin@example.com"
    admin.save()
    NotificationPreference.objects.create(tenant=w.tenant, user=admin, email=EmailMode.DAILY)
    w.users["officer"].email = "officer@example.com"
    w.users["officer"].save()  # no preference row: e-mail for each, never a digest
    notify(tenant=w.tenant, user=admin, key="a", title="第一条", body="正文一", link="/t/alpha/")
    notify(tenant=w.tenant, user=admin, key="b", title="第二条")
    for key, hour in (("a", 1), ("b", 9)):
        Notification.objects.filter(key=key).update(
            created_at=dt.datetime(2026, 5, 1, hour, tzinfo=dt.UTC)
        )
    mail.outbox.clear()
    assert send_daily_digests(now="2026-05-01T10:00:00+00:00") == 1
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (
            ["admin@example.com"],
            "alpha 科技局：您今天的 2 条通知",
            "· 第一条\n  正文一\n  http://localhost:8000/t/alpha/\n· 第二条",
        )
    ]
    # the next day: only what came since
    mail.outbox.clear()
    assert send_daily_digests(now="2026-05-02T10:00:00+00:00") == 0
    assert mail.outbox == []
