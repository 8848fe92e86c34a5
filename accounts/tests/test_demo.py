"""`manage.py demo` loads the demo tenants once and a login for every role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import Membership, Policy, Tenant, User
from ledgers.models import Entry
from roster.models import (
    ChangeRequest,
    HostAssignment,
    Nomination,
    NominationTransition,
    Notice,
    Officer,
    SelectionRound,
    Unit,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Tenant.objects.count(),
        Officer.objects.count(),
        Entry.objects.count(),
        Membership.objects.count(),
        *(
            model.objects.count()
            for model in (
                Unit,
                HostAssignment,
                SelectionRound,
                Nomination,
                NominationTransition,
                Notice,
                ChangeRequest,
            )
        ),
    )


def test_demo_is_idempotent_and_has_every_role(capsys):
    call_command("demo")
    first = _counts()
    call_command("demo")
    assert _counts() == first
    # issue 15: hubei-demo (the province network) is the third tenant
    assert first[:2] == (3, 83)
    from network.models import NetworkMember, PublishedItem

    assert sorted(
        NetworkMember.objects.filter(
            network__tenant__slug="hubei-demo", status="active"
        ).values_list("tenant__slug", flat=True)
    ) == ["wuhan-demo", "yangquan-demo"]
    assert PublishedItem.objects.filter(tenant__slug="wuhan-demo").count() == 6
    # issue 17: the platform operator, once, a superuser of no tenant
    operator = User.objects.get(username="demo-operator")
    assert (operator.is_superuser, operator.memberships.count()) == (True, 0)
    assert operator.check_password("Demo-pass-2026")
    roles = dict(
        Membership.objects.filter(tenant__slug="wuhan-demo").values_list("user__username", "role")
    )
    assert {
        roles[u]
        for u in (
            "demo-admin",
            "demo-auditor",
            "demo-manager",
            "demo-reviewer",
            "demo-officer",
            "demo-city-officer",
        )
    } == {"admin", "auditor", "district_manager", "unit_reviewer", "officer"}
    assert sorted(
        Membership.objects.filter(user__username="demo-auditor").values_list(
            "tenant__slug", flat=True
        )
    ) == ["wuhan-demo", "yangquan-demo"]
    statuses = set(Entry.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "verified", "returned"}
    assert "demo-officer" in capsys.readouterr().out
    # issue 10: the demo programme requires two-factor of admins and auditors
    rules = Policy.objects.filter(tenant__slug="wuhan-demo").latest("effective_from").rules
    assert rules["mfa_required_roles"] == ["admin", "auditor"]
    # issue 15: the demo's demands are matched (their top ten each), so the
    # demo officer's matches page has content
    from matching.models import Match
    from matching.selectors import match_feed

    demands = Entry.objects.filter(
        tenant__slug="wuhan-demo", kind="demand", status="verified", is_valid=True
    )
    assert set(Match.objects.values_list("source", flat=True)) == {"demand"}
    assert set(Match.objects.values_list("demand_id", flat=True)) <= set(
        demands.values_list("id", flat=True)
    )
    officer = Membership.objects.get(user__username="demo-officer", tenant__slug="wuhan-demo")
    assert match_feed(membership=officer).count() == 9
    # every stage of the funnel has demo data, and it narrows
    from matching.funnel import funnel

    admin = Membership.objects.get(user__username="demo-admin", tenant__slug="wuhan-demo")
    assert funnel(membership=admin, year=2025)["programme"] == {
        "demands": 186,
        "matched": 157,
        "events": 49,
        "converted": 17,
        "rate": Decimal("0.0914"),
    }


def test_the_yangquan_demo_runs_on_its_own_chain(capsys):
    """issue 11: officers serving hosts, a county manager's pending change
    request, an open round at every stage of Yangquan's chain (a self-
    application draft among them) and a round waiting for appointment with
    more verified nominees than seats."""
    call_command("demo")
    first = _counts()
    call_command("demo")
    assert _counts() == first
    tenant = Tenant.objects.get(slug="yangquan-demo")
    officers = Officer.objects.for_tenant(tenant).filter(term_start__year=2026)
    assert officers.count() == 9
    assert set(officers.values_list("term_start", "term_end")) == {
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    }
    hosts = HostAssignment.objects.for_tenant(tenant)
    assert (hosts.count(), hosts.filter(end__isnull=True).count()) == (9, 9)
    assert set(hosts.values_list("officer_id", flat=True)) == set(
        officers.values_list("id", flat=True)
    )
    assert Unit.objects.for_tenant(tenant).count() == 6
    assert dict(Membership.objects.filter(tenant=tenant).values_list("user__username", "role")) == {
        "demo-yq-admin": "admin",
        "demo-yq-reviewer": "unit_reviewer",
        "demo-yq-manager": "district_manager",
        "demo-auditor": "auditor",
    }
    assert list(
        ChangeRequest.objects.for_tenant(tenant).values_list(
            "kind", "status", "filed_by__username", "unit__name"
        )
    ) == [("host_change", "pending", "demo-yq-manager", "盂县恒达新材料有限公司")]

    rounds = {r.year: r for r in SelectionRound.objects.for_tenant(tenant)}
    assert sorted(rounds) == [2026, 2027]
    open_round, waiting = rounds[2027], rounds[2026]
    assert (open_round.seats, open_round.notice, open_round.self_nomination) == (10, True, True)
    assert [s["code"] for s in open_round.stages] == ["unit_endorsed", "centre_verified"]
    assert list(
        open_round.nominations.order_by("id").values_list(
            "full_name", "stage", "nominated_by__username"
        )
    ) == [
        ("赵文静", "draft", None),  # 自荐 through the public form
        ("马晓军", "submitted", "demo-yq-reviewer"),
        ("李红梅", "submitted", "demo-yq-manager"),
        ("王建平", "unit_endorsed", "demo-yq-reviewer"),
        ("刘雅婷", "centre_verified", "demo-yq-reviewer"),
    ]
    assert waiting.seats == 2
    assert list(waiting.nominations.order_by("id").values_list("full_name", "stage")) == [
        ("陈国栋", "on_notice"),
        ("杨帆", "on_notice"),
        ("许婷", "on_notice"),
    ]
    notice = Notice.objects.get(round=waiting)
    assert (notice.start, notice.end) == (dt.date(2026, 11, 2), dt.date(2026, 11, 6))
    assert not Notice.objects.filter(round=open_round).exists()
    assert "demo-yq-manager    district manager of 盂县" in capsys.readouterr().out


def test_the_yangquan_demo_has_a_2025_assessment_draft():
    """issue 12: ten commissioners of 2025 whose terms ran their course, the
    rating requests (answered, waiting, one expired), opinions and a mark, and
    a draft with the 20% cap reached and one officer pending."""
    from assessment.models import AssessmentMark, DistrictOpinion, RatingRequest
    from assessment.selectors import assessment_for

    call_command("demo")
    tenant = Tenant.objects.get(slug="yangquan-demo")
    cohort = Officer.objects.for_tenant(tenant).filter(term_start__year=2025)
    assert cohort.count() == 10
    assert set(cohort.values_list("term_end", "status")) == {(dt.date(2025, 12, 31), "ended")}
    requests = RatingRequest.objects.for_tenant(tenant).filter(year=2025)
    today = dt.date.today()
    answered = requests.filter(rating__isnull=False).count()
    expired = requests.filter(rating__isnull=True, expires_on__lt=today).count()
    waiting = requests.filter(rating__isnull=True, expires_on__gte=today).count()
    assert (requests.count(), answered, waiting, expired) == (20, 16, 3, 1)
    assert DistrictOpinion.objects.for_tenant(tenant).filter(year=2025).count() == 9
    assert list(
        AssessmentMark.objects.for_tenant(tenant).values_list("officer__full_name", "kind")
    ) == [("田晓峰", "integrity_record")]
    admin = Membership.objects.get(tenant=tenant, user__username="demo-yq-admin")
    body = assessment_for(membership=admin, year=2025)
    assert body["status"] == "draft"
    assert [(r["full_name"], r["score"], r["proposed_grade"]) for r in body["rows"]] == [
        ("高志远", "100.00", "excellent"),
        ("韩雪梅", "98.33", "excellent"),
        ("武建国", "90.00", "qualified"),
        ("郝丽娟", "73.33", "qualified"),
        ("乔永刚", "71.67", "qualified"),
        ("田晓峰", "71.67", "unqualified"),
        ("闫海涛", "65.00", "qualified"),
        ("贾春燕", "60.00", "qualified"),
        ("常振华", "28.33", "unqualified"),
        ("苗丽萍", "0.00", "pending"),
    ]
    rows = {r["full_name"]: r for r in body["rows"]}
    assert rows["武建国"]["reasons"][-1] == "超出优秀的 2 个名额：合格"


def test_the_demo_journeys_finish_today(django_capture_on_commit_callbacks):
    """issue 14 item 8, dated from the day the demo is loaded: (a) a round
    whose notice ended yesterday, appointable today, beside next year's round
    whose notice runs; (b) a public objection on the running notice, open;
    (c) demo-officer's entry of today returned by the district manager with
    the reason; (d) unread notifications, real events, for each working role."""
    from django.utils import timezone

    from accounts.models import Notification
    from ledgers.demo import RETURN_REASON
    from roster import workflow
    from roster.demo_today import OBJECTION_REASON
    from roster.models import Objection

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    today = timezone.localdate()
    tenant = Tenant.objects.get(slug="wuhan-demo")
    rounds = {r.year: r for r in SelectionRound.objects.for_tenant(tenant)}
    assert sorted(rounds) == [today.year, today.year + 1]
    ended, running = rounds[today.year], rounds[today.year + 1]
    # a. the notice ended yesterday: both nominees appointable, two seats
    notice = Notice.objects.get(round=ended)
    assert (notice.start, notice.end) == (
        today - dt.timedelta(days=7),
        today - dt.timedelta(days=1),
    )
    assert list(workflow.appointable(ended).order_by("id").values_list("full_name", "stage")) == [
        ("许明轩", "on_notice"),
        ("何静怡", "on_notice"),
    ]
    assert (ended.seats, workflow.seats_left(ended)) == (2, 2)
    running_notice = Notice.objects.get(round=running)
    assert workflow.notice_is_open(running_notice)
    assert running_notice.start <= today <= running_notice.end
    # b. one objection, open, on the running notice
    assert list(
        Objection.objects.for_tenant(tenant).values_list(
            "notice_id", "nomination__full_name", "status", "reason"
        )
    ) == [(running_notice.pk, "吴建国", "open", OBJECTION_REASON)]
    # c. demo-officer's returned entries: three of 2025 and today's, each with its reason
    returned = Entry.objects.for_tenant(tenant).filter(
        status="returned", credits__officer__user__username="demo-officer"
    )
    assert returned.count() == 4
    todays = returned.get(occurred_on=today)
    assert (todays.title, todays.return_reason) == ("企业技术需求走访（待补充材料）", RETURN_REASON)
    assert todays.history.latest("id").actor.username == "demo-manager"
    # the reviewer's step: the manager's nomination waits for the unit reviewer
    assert list(
        running.nominations.filter(stage="submitted")
        .order_by("id")
        .values_list("full_name", "nominated_by__username")
    ) == [("林晓雯", "demo-reviewer"), ("罗嘉欣", "demo-manager")]
    # d. unread notifications per demo login, by kind
    unread = {}
    for username, kind in Notification.objects.filter(
        tenant=tenant, read_at__isnull=True
    ).values_list("user__username", "kind"):
        unread.setdefault(username, {}).setdefault(kind, 0)
        unread[username][kind] += 1
    assert {
        u: unread.get(u)
        for u in (
            "demo-admin",
            "demo-manager",
            "demo-reviewer",
            "demo-officer",
            "demo-city-officer",
        )
    } == {
        "demo-admin": {"nomination_stage": 6, "objection_filed": 1},
        "demo-manager": {"nomination_stage": 7},
        "demo-reviewer": {"nomination_stage": 1},
        "demo-officer": {"entry_returned": 1, "entry_verified": 1},
        "demo-city-officer": {"co_credit": 1},
    }
    shared = Entry.objects.for_tenant(tenant).get(title="光谷生物城成果路演（联合）")
    assert (shared.status, shared.occurred_on) == ("draft", today)
    assert sorted(shared.credits.values_list("officer__user__username", "confirmed")) == [
        ("demo-city-officer", False),
        ("demo-officer", True),
    ]
    reviewer_note = Notification.objects.get(tenant=tenant, user__username="demo-reviewer")
    assert reviewer_note.title == "有一份推荐等待您处理：罗嘉欣"
    # and each journey finishes today: the centre appoints the ended round's
    # two nominees and dismisses the objection; demo-officer resubmits
    from ledgers import services as ledger

    admin = Membership.objects.get(tenant=tenant, user__username="demo-admin")
    appointed = workflow.round_appoint(membership=admin, round=ended)
    assert sorted(n.full_name for n, _link in appointed) == ["何静怡", "许明轩"]
    objection = Objection.objects.for_tenant(tenant).get()
    workflow.objection_resolve(membership=admin, objection=objection, decision="dismissed")
    officer = Membership.objects.get(tenant=tenant, user__username="demo-officer")
    again = ledger.entry_submit(tenant=tenant, membership=officer, entry=todays)
    assert (again.status, again.return_reason) == ("submitted", "")
