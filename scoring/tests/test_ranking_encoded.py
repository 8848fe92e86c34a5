"""The ranking API's JSON body served from the cache (issue 16 item 3): the
body of ``rankings/{year}/`` is encoded once per version of the year's
ranking and per caller's reach, then sent as those bytes; the bytes are the
body DRF renders from a fresh computation, a district manager's hold their
pools only, and whatever makes the ranking stale makes the bytes stale."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from scoring.ranking_version import ranking_slot
from scoring.selectors import pools_in_reach, ranking_reach
from scoring.selectors import ranking as ranking_module
from scoring.services import ranking_finalize
from scoring.tests.test_rankings_api import admin_membership, entry, officer, row

pytestmark = pytest.mark.django_db

URL = "rankings/2025/"


def _get(w, who: str = "admin"):
    response = w.api(who).get(w.url(URL))
    assert response.status_code == 200, response.content
    return response


def _fresh(w, who: str = "admin") -> bytes:
    """The body as DRF renders ``ranking_for`` computed now (the cache
    emptied first), checked against the uncached computation."""
    membership = w.users[who].memberships.get(tenant=w.tenant)
    saved = dict(cache._cache), dict(cache._expire_info)  # local memory's own store
    cache.clear()
    body = ranking_module.ranking_for(membership=membership, year=2025)
    cache.clear()
    cache._cache.update(saved[0])
    cache._expire_info.update(saved[1])
    computed = ranking_module._year_ranking(tenant=w.tenant, year=2025)
    assert body == {
        **computed,
        "pools": pools_in_reach(membership=membership, pools=computed["pools"]),
    }
    return JSONRenderer().render(body, "application/json", {})


def _encoded_copies(w) -> dict[str, tuple]:
    key, _version = ranking_slot(tenant=w.tenant, year=2025)
    names = [n.split(":", 2)[2] for n in cache._cache if f"{key}:encoded:" in n]
    return {name: cache.get(name) for name in names}


def test_the_body_is_the_one_computed_fresh(world):
    entry(world, [world.officers["city"]])
    first = _get(world)
    assert first["Content-Type"] == "application/json"
    assert first.content == _fresh(world)
    assert row(json.loads(first.content), world.officers["city"])["points"] == "10.00"
    # read again: the same bytes, from the cache, neither computed nor encoded
    copies = _encoded_copies(world)
    assert len(copies) == 1
    assert next(iter(copies.values()))[1] == first.content
    with CaptureQueriesContext(connection) as queries:
        again = _get(world)
    assert again.content == first.content
    assert not any("scoring_sharetally" in q["sql"] for q in queries)


def test_a_hit_does_not_encode_again(world, monkeypatch):
    body = _get(world).content

    def refuse(*args, **kwargs):
        raise AssertionError("the ranking was read again")

    monkeypatch.setattr(ranking_module, "ranking_for", refuse)
    monkeypatch.setattr(JSONRenderer, "render", refuse)
    assert _get(world).content == body


def test_a_district_manager_gets_their_pools_only(world):
    admin = _get(world).content  # the admin's bytes are cached first
    manager = _get(world, "manager")
    assert [p["pool"] for p in manager.json()["pools"]] == ["district:d1"]
    assert manager.content == _fresh(world, "manager")
    assert manager.content != admin
    assert [p["pool"] for p in _get(world).json()["pools"]] == [
        "city",
        "district:d1",
        "district:d2",
    ]
    assert len(_encoded_copies(world)) == 2  # one per reach
    membership = world.users["manager"].memberships.get(tenant=world.tenant)
    assert ranking_reach(membership=membership) == "districts:d1"
    assert ranking_reach(membership=admin_membership(world)) == "all"


def test_the_bytes_go_stale_when_shares_change(world):
    city = world.officers["city"]
    before = _get(world).content
    assert row(json.loads(before), city)["points"] == "0.00"
    entry(world, [city], kind="event")  # verified: the year's version is bumped
    after = _get(world).content
    assert after != before
    assert row(json.loads(after), city)["points"] == "10.00"
    assert after == _fresh(world)
    (stored,) = _encoded_copies(world).values()  # overwritten, not kept beside the old one
    assert stored == (ranking_slot(tenant=world.tenant, year=2025)[1], after)


def test_a_finalised_year_serves_the_snapshot(world):
    city = world.officers["city"]
    entry(world, [city], kind="event")
    draft = _get(world).json()
    assert draft["status"] == "draft"
    ranking_finalize(membership=admin_membership(world), year=2025)
    final = _get(world)
    body = final.json()
    assert (body["status"], body["policy_version"]) == ("final", 1)
    assert body["pools"] == draft["pools"]
    assert final.content == _fresh(world)
    version = ranking_slot(tenant=world.tenant, year=2025)[1]
    officer(world, "城二")  # a new officer: every year's version is bumped
    assert ranking_slot(tenant=world.tenant, year=2025)[1] != version
    later = _get(world)  # encoded again, from the snapshot, which stands
    assert "城二" not in {r["full_name"] for p in later.json()["pools"] for r in p["rows"]}
    assert row(later.json(), city)["points"] == "10.00"
    assert later.content == final.content == _fresh(world)


def test_an_indented_json_asked_for_is_its_own_copy(world):
    plain = _get(world).content
    response = world.api("admin").get(world.url(URL), HTTP_ACCEPT="application/json; indent=2")
    assert response.status_code == 200
    assert response.content != plain
    assert json.loads(response.content) == json.loads(plain)
    assert response.content.startswith(b'{\n  "year"')
    assert _get(world).content == plain
