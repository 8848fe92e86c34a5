"""The matcher on the database: a verified demand or achievement is matched
after commit (eager Celery in tests); the whole tenant in batches; feedback
keeps a pair out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import services as ledger
from ledgers.models import Reference
from ledgers.tests.conftest import make_entry, membership, reviewer_for
from matching.models import Match, MatchFeedback, MatchRun
from matching.services import match_feedback_record, matches_for, rematch_tenant

pytestmark = pytest.mark.django_db

DEMAND = {
    "kind": "demand",
    "title": "锂电池隔膜涂覆工艺升级",
    "summary": "我公司需要提高锂电池隔膜的耐热性和一致性",
    "field": "新能源",
}
LITHIUM = {
    "kind": "achievement",
    "title": "一种高稳定性锂电池正极材料",
    "summary": "锂电池正极材料，已完成中试",
    "field": "新材料",
    "maturity": "pilot",
}
MEDICINE = {
    "kind": "achievement",
    "title": "中药有效成分提取工艺",
    "summary": "中药",
    "field": "生物医药",
    "maturity": "industrial",
}


def _pairs(entry, source="demand"):
    side = "demand" if source == "demand" else "achievement"
    return [
        (
            m.achievement_id or m.reference_id if source == "demand" else m.demand_id,
            m.score,
            [r["code"] for r in m.reasons],
        )
        for m in Match.objects.filter(source=source, **{side: entry}).order_by("-score", "id")
    ]


def test_a_newly_verified_demand_is_matched_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
        make_entry(world, ["d2"], status="verified", **MEDICINE)
    with django_capture_on_commit_callbacks(execute=True):
        demand = make_entry(world, ["d1"], status="submitted", **DEMAND)
        assert not Match.objects.filter(demand=demand).exists()  # nothing before verification
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ledger.entry_verify(
            tenant=world.tenant, membership=reviewer_for(world, demand), entry=demand
        )
    assert len(callbacks) >= 1
    assert _pairs(demand) == [
        (lithium.id, Decimal("0.7200"), ["same_field", "shared_terms", "maturity"])
    ]
    match = Match.objects.get(demand=demand, source="demand")
    assert match.tenant == world.tenant
    assert match.reasons[1] == {"code": "shared_terms", "params": {"terms": ["锂电池"]}}
    run = MatchRun.objects.get(entry=demand)
    assert run.candidates == 2
    # the achievement verified later sees the demand too, from its side
    matches_for(tenant=world.tenant, entry=lithium)
    assert _pairs(lithium, "achievement") == [
        (demand.id, Decimal("0.7200"), ["same_field", "shared_terms", "maturity"])
    ]


def test_a_new_achievement_joins_the_lists_of_the_demands_it_suits(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demand = make_entry(world, ["d1"], status="verified", **DEMAND)
    assert _pairs(demand) == []
    with django_capture_on_commit_callbacks(execute=True):
        lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
    assert _pairs(lithium, "achievement") == [
        (demand.id, Decimal("0.7200"), ["same_field", "shared_terms", "maturity"])
    ]
    assert _pairs(demand) == [
        (lithium.id, Decimal("0.7200"), ["same_field", "shared_terms", "maturity"])
    ]


def test_drafts_other_kinds_and_invalid_demands_get_no_matches(world):
    make_entry(world, ["d2"], status="verified", **LITHIUM)
    draft = make_entry(world, ["d1"], **DEMAND)
    assert matches_for(tenant=world.tenant, entry=draft) == []
    invalid = make_entry(world, ["d1"], status="verified", is_valid=False, **DEMAND)
    assert matches_for(tenant=world.tenant, entry=invalid) == []
    event = world.entries["event"]
    assert matches_for(tenant=world.tenant, entry=event) == []
    assert not MatchRun.objects.filter(entry=event).exists()


def test_experts_and_platforms_are_offered_to_demands(world):
    admin = membership(world, "admin")
    team = ledger.reference_create(
        tenant=world.tenant,
        membership=admin,
        library="expert",
        name="锂电池隔膜材料研究团队",
        field="新能源",
    )
    ledger.reference_create(
        tenant=world.tenant, membership=admin, library="enterprise", name="锂电池隔膜有限公司"
    )
    demand = make_entry(world, ["d1"], status="verified", **DEMAND)
    matches_for(tenant=world.tenant, entry=demand)
    assert _pairs(demand) == [(team.id, Decimal("0.6900"), ["same_field", "shared_terms"])]
    assert Reference.objects.get(pk=team.pk).library == "expert"


def test_not_relevant_feedback_keeps_the_pair_out_of_both_sides(
    world, django_capture_on_commit_callbacks
):
    lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
    demand = make_entry(world, ["d1"], status="verified", **DEMAND)
    matches_for(tenant=world.tenant, entry=demand)
    matches_for(tenant=world.tenant, entry=lithium)
    assert Match.objects.filter(demand=demand, achievement=lithium).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        feedback, created = match_feedback_record(
            tenant=world.tenant,
            membership=membership(world, "manager"),
            demand=demand,
            achievement=lithium,
        )
    assert created and feedback.by == world.users["manager"]
    assert not Match.objects.filter(demand=demand, achievement=lithium).exists()
    # matched again after commit: still out
    assert MatchRun.objects.filter(entry__in=[demand, lithium]).count() == 2
    matches_for(tenant=world.tenant, entry=demand)
    assert _pairs(demand) == []
    again, created = match_feedback_record(
        tenant=world.tenant,
        membership=membership(world, "admin"),
        demand=demand,
        achievement=lithium,
    )
    assert (again.pk, created) == (feedback.pk, False)
    assert MatchFeedback.objects.count() == 1


def test_rematch_tenant_matches_everything_in_batches(world, other_world):
    demands = [
        make_entry(world, ["d1"], status="verified", **{**DEMAND, "title": f"锂电池隔膜{i}"})
        for i in range(3)
    ]
    lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
    make_entry(other_world, ["d1"], status="verified", **LITHIUM)  # another tenant: never
    assert rematch_tenant(tenant=world.tenant, batch_size=2) == 4
    for demand in demands:
        assert [m[0] for m in _pairs(demand)] == [lithium.id]
    assert [m[0] for m in _pairs(lithium, "achievement")] == [d.id for d in demands]
    assert not Match.objects.filter(tenant=other_world.tenant).exists()
    # again: the same rows, not more
    assert rematch_tenant(tenant=world.tenant) == 4
    assert Match.objects.filter(tenant=world.tenant).count() == 6


def test_rematch_command(world, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    make_entry(world, ["d1"], status="verified", **DEMAND)
    call_command("rematch", world.tenant.slug)
    assert capsys.readouterr().out.strip() == "alpha: 1 entries matched."
    with pytest.raises(CommandError):
        call_command("rematch", "nope")


def test_feedback_is_audited_and_the_derived_suggestions_are_not(world):
    from audit.models import AuditEvent

    lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
    demand = make_entry(world, ["d1"], status="verified", **DEMAND)
    matches_for(tenant=world.tenant, entry=demand)
    assert Match.objects.filter(demand=demand).count() == 1
    match_feedback_record(
        tenant=world.tenant,
        membership=membership(world, "admin"),
        demand=demand,
        achievement=lithium,
    )
    events = AuditEvent.objects.filter(tenant=world.tenant)
    assert events.filter(object_type__in=["match", "matchrun"]).count() == 0
    assert list(events.filter(object_type="matchfeedback").values_list("action", flat=True)) == [
        "create"
    ]


def test_a_corrected_verified_entry_is_matched_again(world, django_capture_on_commit_callbacks):
    lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
    with django_capture_on_commit_callbacks(execute=True):
        demand = make_entry(world, ["d1"], status="verified", **{**DEMAND, "title": "园区故事"})
    assert _pairs(demand)[0][0] == lithium.id  # the summary still names 锂电池
    with django_capture_on_commit_callbacks(execute=True):
        ledger.entry_update(
            tenant=world.tenant,
            membership=membership(world, "admin"),
            entry=demand,
            data={"summary": "中药饮片", "field": "生物医药"},
            reason="更正需求描述",
        )
    assert _pairs(demand) == []
