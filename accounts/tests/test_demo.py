"""`manage.py demo` loads the demo tenants once and a login for every role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from accounts.models import Membership, Policy, Tenant
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
    assert first[:2] == (2, 83)
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
    assert match_feed(membership=officer).count() == 10


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
