"""Matching a whole tenant in bulk (issue 15, item 1): ``rematch_tenant``
stores a batch in a fixed number of statements, and exactly the rows that
matching each entry on its own (``matches_for``) stores."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgers import services as ledger
from ledgers.tests.conftest import make_entry, membership
from matching.models import Match, MatchFeedback, MatchRun, NetworkMatch
from matching.services import matches_for, rematch_tenant
from network import services as network_services
from network.tests.test_network import Province, _join, _m, _verified

from .test_services import DEMAND, LITHIUM, MEDICINE

pytestmark = pytest.mark.django_db

TITLES = ["锂电池隔膜涂覆工艺升级", "中药饮片提取", "锂电池回收", "正极材料中试", "隔膜耐热涂层"]


def _tenant(world, n: int) -> list:
    """n demands and n achievements of mixed topics, districts and
    maturities (verified, so matched; their on-commit matching does not run)."""
    entries = []
    for i in range(n):
        title = TITLES[i % len(TITLES)]
        entries.append(
            make_entry(world, [f"d{i % 2 + 1}"], status="verified", **{**DEMAND, "title": title})
        )
        kind = LITHIUM if i % 3 else MEDICINE
        entries.append(
            make_entry(world, [f"d{2 - i % 2}"], status="verified", **{**kind, "title": title})
        )
    return entries


def _statements(world, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        rematch_tenant(tenant=world.tenant, **kwargs)
    return len(queries)


def test_rematch_tenant_runs_a_fixed_number_of_statements_per_batch(world):
    _tenant(world, 3)
    # per side: the candidates (entries, their officers' districts, and the
    # libraries for demands), the network; per batch: the batch, its
    # officers' districts, its feedback, DELETE + INSERT of matches, the
    # runs' upsert, a savepoint and its release; the empty last read
    assert _statements(world) == (3 + 1 + 8 + 1) + (2 + 1 + 8 + 1)
    assert Match.objects.filter(tenant=world.tenant).count() == 18
    _tenant(world, 9)  # four times the entries: not one statement more
    assert _statements(world) == 25
    assert MatchRun.objects.filter(tenant=world.tenant).count() == 24
    # batches of 5: 12 demands and 12 achievements take two batches more each
    assert _statements(world, batch_size=5) == 25 + 2 * 2 * 8


def _stored(tenant) -> tuple[list, list, list]:
    """What the matcher stored for a tenant, in each entry's order, without
    the row ids and times."""
    matches = sorted(
        Match.objects.filter(tenant=tenant).values_list(
            "source", "demand_id", "achievement_id", "reference_id", "score", "reasons", "id"
        ),
        key=lambda m: (m[0], m[1] if m[0] == "demand" else m[2], m[6]),
    )
    network = list(
        NetworkMatch.objects.filter(tenant=tenant)
        .order_by("entry_id", "id")
        .values_list("entry_id", "published_id", "score", "reasons")
    )
    runs = sorted(MatchRun.objects.filter(tenant=tenant).values_list("entry_id", "candidates"))
    return [m[:6] for m in matches], network, runs


def test_rematch_tenant_stores_what_matching_each_entry_stores(world, other_world):
    province = Province()
    _join(province, world)
    _join(province, other_world)
    lithium = {k: v for k, v in LITHIUM.items() if k not in ("kind", "title")}
    published = _verified(other_world, "achievement", "锂电池正极材料", **lithium)
    network_services.item_publish(
        tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=published
    )
    admin = membership(world, "admin")
    ledger.reference_create(
        tenant=world.tenant, membership=admin, library="expert", name="锂电池隔膜团队"
    )
    platform = ledger.reference_create(
        tenant=world.tenant, membership=admin, library="platform", name="锂电池中试平台"
    )
    entries = _tenant(world, 6)
    demands = [e for e in entries if e.kind == "demand"]
    achievements = [e for e in entries if e.kind == "achievement"]
    for demand, other in ((demands[0], achievements[1]), (demands[2], achievements[1])):
        MatchFeedback.objects.create(
            tenant=world.tenant,
            demand=demand,
            achievement=other,
            verdict="not_relevant",
            at=demand.created_at,
        )
    MatchFeedback.objects.create(
        tenant=world.tenant,
        demand=demands[0],
        reference=platform,
        verdict="not_relevant",
        at=demands[0].created_at,
    )
    for entry in entries:
        matches_for(tenant=world.tenant, entry=entry)
    one_by_one = _stored(world.tenant)
    assert len(one_by_one[0]) == 65  # copies (same title and text) suggested once
    assert len(one_by_one[1]) == 6  # the demands meet the published achievement
    # the feedback holds in the batch as on its own: each pair is left out
    # of its own entry's list only (another demand of that title keeps it)
    by_demand = {
        (m.demand_id, m.achievement_id or m.reference_id)
        for m in Match.objects.filter(tenant=world.tenant, source="demand")
    }
    by_achievement = {
        (m.achievement_id, m.demand_id)
        for m in Match.objects.filter(tenant=world.tenant, source="achievement")
    }
    assert (demands[0].id, achievements[1].id) not in by_demand
    assert (demands[0].id, platform.id) not in by_demand
    assert (demands[5].id, achievements[1].id) in by_demand
    assert (demands[5].id, platform.id) in by_demand
    assert {(achievements[1].id, d.id) for d in demands} - by_achievement == {
        (achievements[1].id, demands[0].id),
        (achievements[1].id, demands[2].id),
    }
    Match.objects.all().delete()
    NetworkMatch.objects.all().delete()
    MatchRun.objects.all().delete()
    assert rematch_tenant(tenant=world.tenant, batch_size=4) == 12
    assert _stored(world.tenant) == one_by_one
    assert rematch_tenant(tenant=world.tenant) == 12  # replacing: the same rows again
    assert _stored(world.tenant) == one_by_one
