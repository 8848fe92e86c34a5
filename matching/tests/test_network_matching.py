"""Matching across the province network (issue 15 item 4, SPEC.md §5b):
a member's demand is matched against the achievements other members
published, the rows name the published item and its programme and nothing
else of the other tenant, and leaving or unpublishing ends them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from matching.models import NetworkMatch
from matching.services import network_items
from network import services as network_services
from network.models import NetworkMember, PublishedItem
from network.tests.test_network import Province, _join, _m, _verified

pytestmark = pytest.mark.django_db

DEMAND = {"summary": "我公司需要提高锂电池隔膜的耐热性和一致性", "field": "新能源"}
LITHIUM = {"summary": "锂电池正极材料，已完成中试", "field": "新材料", "maturity": "pilot"}


@pytest.fixture
def pair(db, world, other_world):
    """alpha and beta in one network; alpha has a verified lithium demand,
    beta a verified lithium achievement (not yet published) and an
    unpublished second one."""
    province = Province()
    _join(province, world)
    _join(province, other_world)
    demand = _verified(world, "demand", "锂电池隔膜涂覆工艺升级", **DEMAND)
    lithium = _verified(other_world, "achievement", "一种高稳定性锂电池正极材料", **LITHIUM)
    hidden = _verified(other_world, "achievement", "锂电池隔膜耐热涂层", **LITHIUM)
    return demand, lithium, hidden


def _rows(world, demand):
    response = world.api("admin").get(world.url(f"matches/?demand={demand.pk}"))
    assert response.status_code == 200
    return response.json()


def test_a_published_achievement_reaches_the_other_members_demand(
    pair, world, other_world, django_capture_on_commit_callbacks
):
    demand, lithium, hidden = pair
    assert [r for r in _rows(world, demand) if r["published"]] == []
    with django_capture_on_commit_callbacks(execute=True):
        item = network_services.item_publish(
            tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=lithium
        )
    rows = [r for r in _rows(world, demand) if r["published"]]
    assert [
        (r["achievement"], r["published"], r["programme"], r["title"], r["library"]) for r in rows
    ] == [(None, item.pk, other_world.tenant.name, "一种高稳定性锂电池正极材料", None)]
    assert "共同关键词：锂电池" in rows[0]["reasons"]
    # the unpublished achievement never crosses; beta's ids never show
    assert all(r["title"] != "锂电池隔膜耐热涂层" for r in _rows(world, demand))
    assert NetworkMatch.objects.get().entry_id == demand.pk
    # unpublishing takes it off at once (the stored row goes with the item)
    network_services.item_unpublish(
        tenant=other_world.tenant, membership=_m(other_world, "admin"), item=item
    )
    assert [r for r in _rows(world, demand) if r["published"]] == []
    assert NetworkMatch.objects.count() == 0
    assert not PublishedItem.objects.filter(entry=hidden).exists()


def test_leaving_the_network_ends_network_matches(pair, world, other_world):
    _demand, lithium, _hidden = pair
    network_services.item_publish(
        tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=lithium
    )
    assert len(network_items(tenant=world.tenant, side="demand")) == 1
    # a demand verified now is matched against the published item at once
    fresh = _verified(world, "demand", "锂电池正极材料中试放大", **DEMAND)
    assert [r["published"] for r in _rows(world, fresh) if r["published"]] == [
        PublishedItem.objects.get().pk
    ]
    member = NetworkMember.objects.get(tenant=world.tenant)
    network_services.member_leave(tenant=world.tenant, membership=_m(world, "admin"), member=member)
    assert [r for r in _rows(world, fresh) if r["published"]] == []
    assert network_items(tenant=world.tenant, side="demand") == []


def test_a_network_match_keeps_its_entry_in_its_tenant(pair, world, other_world):
    demand, lithium, _hidden = pair
    item = network_services.item_publish(
        tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=lithium
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkMatch.objects.create(
            tenant=other_world.tenant,
            entry=demand,
            published=item,
            score="0.5",
            computed_at="2026-11-30T02:00:00Z",
        )


def test_the_matches_page_shows_network_suggestions(pair, world, other_world, client):
    demand, lithium, _hidden = pair
    item = network_services.item_publish(
        tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=lithium
    )
    from matching.services import matches_for

    matches_for(tenant=world.tenant, entry=demand)
    client.force_login(world.users["admin"])
    html = client.get(f"/t/{world.tenant.slug}/matches/").content.decode()
    assert html.count("network-match-card") == 1
    assert '<h2 class="h5 mt-4" id="network-matches">来自全省网络的推荐</h2>' in html
    badge = f'<span class="badge text-bg-info">{other_world.tenant.name}</span>'
    assert f"{badge} 一种高稳定性锂电池正极材料" in html
    # beta's page: its own published item suits nothing of beta's; alpha's
    # unpublished demand never shows there
    client.force_login(other_world.users["admin"])
    html = client.get(f"/t/{other_world.tenant.slug}/matches/").content.decode()
    assert "network-match-card" not in html and "锂电池隔膜涂覆工艺升级" not in html
    assert list(NetworkMatch.objects.values_list("tenant_id", "published_id")) == [
        (world.tenant.pk, item.pk)
    ]


def test_network_items_keep_their_own_top_ten(pair, world, other_world, settings):
    """Network suggestions are ranked apart: with a limit of one, the demand
    keeps its one local suggestion and gains one from the network, and
    unpublishing leaves the local one in place."""
    from matching.models import Match
    from matching.services import matches_for

    settings.MATCHING_LIMIT = 1
    demand, lithium, _hidden = pair
    local = _verified(world, "achievement", "锂电池正极材料中试成果", **LITHIUM)
    matches_for(tenant=world.tenant, entry=demand)
    assert list(Match.objects.filter(demand=demand).values_list("achievement_id", flat=True)) == [
        local.pk
    ]
    item = network_services.item_publish(
        tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=lithium
    )
    matches_for(tenant=world.tenant, entry=demand)
    assert list(Match.objects.filter(demand=demand).values_list("achievement_id", flat=True)) == [
        local.pk
    ]
    assert list(NetworkMatch.objects.values_list("published_id", flat=True)) == [item.pk]
    # the API merges both lists, best first
    assert {r["published"] for r in _rows(world, demand)} == {None, item.pk}
    network_services.item_unpublish(
        tenant=other_world.tenant, membership=_m(other_world, "admin"), item=item
    )
    assert [r["achievement"] for r in _rows(world, demand)] == [local.pk]


def _published_match(pair, world, other_world):
    """beta publishes its lithium achievement; alpha's demand is matched."""
    from matching.services import matches_for

    demand, lithium, _hidden = pair
    item = network_services.item_publish(
        tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=lithium
    )
    matches_for(tenant=world.tenant, entry=demand)
    return demand, item, NetworkMatch.objects.get(entry=demand)


def test_not_relevant_on_a_network_pair_keeps_the_item_out_of_that_entry(
    pair, world, other_world, client, django_capture_on_commit_callbacks
):
    from matching.models import NetworkFeedback
    from matching.services import matches_for

    demand, item, match = _published_match(pair, world, other_world)
    client.force_login(world.users["admin"])
    html = client.get(f"/t/{world.tenant.slug}/matches/").content.decode()
    action = f"/t/{world.tenant.slug}/matches/network/{match.pk}/not-relevant/"
    assert f'action="{action}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action)
    assert response.status_code == 302
    assert response["Location"] == f"/t/{world.tenant.slug}/matches/#network-matches"
    feedback = NetworkFeedback.objects.get()
    assert (feedback.tenant_id, feedback.entry_id, feedback.published_id, feedback.verdict) == (
        world.tenant.pk,
        demand.pk,
        item.pk,
        "not_relevant",
    )
    assert feedback.by == world.users["admin"]
    # matched again after commit, and every later run: the item stays out
    assert NetworkMatch.objects.count() == 0
    matches_for(tenant=world.tenant, entry=demand)
    assert NetworkMatch.objects.count() == 0
    assert [r for r in _rows(world, demand) if r["published"]] == []
    html = client.get(f"/t/{world.tenant.slug}/matches/").content.decode()
    assert "network-match-card" not in html
    # a second post: the pair is gone from the page, so 404
    assert client.post(action).status_code == 404


def test_network_feedback_in_the_api(pair, world, other_world):
    from matching.models import NetworkFeedback

    demand, item, _match = _published_match(pair, world, other_world)
    url = world.url("matches/feedback/")
    body = {"demand": demand.pk, "published": item.pk, "verdict": "not_relevant"}
    # both entries with a published item, or neither: 400, nothing written
    for bad in (
        {**body, "achievement": demand.pk},
        {"published": item.pk, "verdict": "not_relevant"},
        {"demand": demand.pk, "verdict": "not_relevant"},
    ):
        assert world.api("admin").post(url, bad, format="json").status_code == 400
    # the auditor gives no feedback; beta cannot judge alpha's pair
    assert world.api("auditor").post(url, body, format="json").status_code == 403
    assert (
        other_world.api("admin")
        .post(other_world.url("matches/feedback/"), body, format="json")
        .status_code
        == 404
    )
    # an item that is not a suggestion for the entry: 404
    missing = {**body, "published": item.pk + 1000}
    assert world.api("admin").post(url, missing, format="json").status_code == 404
    assert NetworkFeedback.objects.count() == 0
    first = world.api("admin").post(url, body, format="json")
    assert first.status_code == 201
    assert {k: first.json()[k] for k in ("demand", "published", "verdict")} == {
        "demand": demand.pk,
        "published": item.pk,
        "verdict": "not_relevant",
    }
    assert NetworkFeedback.objects.count() == 1 and NetworkMatch.objects.count() == 0
    # the suggestion is gone, so a repeat finds nothing to judge
    assert world.api("admin").post(url, body, format="json").status_code == 404


def test_a_published_demand_is_matched_against_the_members_entries_only(pair, world, other_world):
    """rematch_for_published ranks the item among the other member's opposite
    entries: a published demand meets achievements, never the member's
    expert or platform library (read no more to be dropped)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ledgers.models import Reference
    from matching.services import rematch_for_published

    _demand, lithium, _hidden = pair
    Reference.objects.create(
        tenant=other_world.tenant, library="expert", name="锂电池隔膜专家", field="新能源"
    )
    wanted = _verified(world, "demand", "锂电池正极材料产业化", **DEMAND)
    item = network_services.item_publish(
        tenant=world.tenant, membership=_m(world, "admin"), entry=wanted
    )
    NetworkMatch.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        assert rematch_for_published(item=item) == 2  # beta's two lithium achievements
    assert not [q for q in queries.captured_queries if 'FROM "ledgers_reference"' in q["sql"]]
    assert set(NetworkMatch.objects.values_list("entry_id", "published_id")) >= {
        (lithium.pk, item.pk)
    }


def test_the_network_feed_shows_the_newest_day_first_and_the_strongest_first_within_it(
    pair, world, other_world
):
    """A weak pair of an entry matched again a minute later no longer sits
    above the day's strong ones; yesterday's pairs come after today's (days
    in Asia/Shanghai: 23:30 UTC is the next morning there)."""
    from matching.selectors import network_feed

    demand, lithium, hidden = pair
    items = [
        network_services.item_publish(
            tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=e
        )
        for e in (lithium, hidden)
    ]
    other = _verified(world, "demand", "锂电池回收", **DEMAND)
    NetworkMatch.objects.all().delete()
    rows = [  # (entry, item, score, computed_at UTC)
        (demand, items[0], "0.9000", "2026-11-30T23:30:00Z"),  # 12-01 07:30 in Shanghai
        (other, items[0], "0.4500", "2026-12-01T02:00:00Z"),  # later that day, weak
        (demand, items[1], "0.7000", "2026-12-01T01:00:00Z"),
        (other, items[1], "0.9500", "2026-11-30T15:00:00Z"),  # 11-30 23:00 in Shanghai
    ]
    for entry, item, score, at in rows:
        NetworkMatch.objects.create(
            tenant=world.tenant, entry=entry, published=item, score=score, computed_at=at
        )
    feed = network_feed(membership=_m(world, "admin"))
    assert [str(m.score) for m in feed] == ["0.9000", "0.7000", "0.4500", "0.9500"]


def test_a_published_item_reaches_every_copy_of_an_entry(
    pair, world, other_world, django_capture_on_commit_callbacks
):
    """Officers who log one need each have an entry of their own: a newly
    published achievement that suits it enters every copy's list, not only
    the one the matcher would show once."""
    demand, lithium, _hidden = pair
    copy = _verified(world, "demand", "锂电池隔膜涂覆工艺升级", **DEMAND)  # the same need again
    NetworkMatch.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        item = network_services.item_publish(
            tenant=other_world.tenant, membership=_m(other_world, "admin"), entry=lithium
        )
    assert set(NetworkMatch.objects.filter(published=item).values_list("entry_id", flat=True)) == {
        demand.pk,
        copy.pk,
    }
