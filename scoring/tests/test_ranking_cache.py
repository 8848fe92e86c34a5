"""Rankings served, not recomputed (issue 16 item 3): a year's ranking is
computed once per version of its inputs and read from the cache after that;
every writer of its inputs bumps the version in its own transaction, so a
read after a change gives the new figures (never a stale copy); no copy is
shared between tenants or years; a rolled-back change leaves no copy
behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin as django_admin
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.services import policy_version_create
from assessment.ratings import assessment_mark_record
from ledgers.services import entry_update
from roster.admin import OfficerAdmin
from roster.models import Officer
from roster.services import district_update, officer_disqualify, officer_end
from scoring.models import RankingVersion
from scoring.ranking_version import ranking_changed, ranking_key, ranking_slot
from scoring.selectors import officer_standing, year_ranking
from scoring.services import ranking_finalize
from scoring.tests.test_rankings_api import admin_membership, entry, officer, pool, ranking, row

pytestmark = pytest.mark.django_db


def _reads_tallies(queries) -> int:
    return sum("scoring_sharetally" in q["sql"] for q in queries)


def _city(w, year: int = 2025) -> dict[str, tuple[str, bool]]:
    """The city pool through the API: name → (points, excellent)."""
    city = [p for p in ranking(w, year=year)["pools"] if p["pool"] == "city"]
    return {r["full_name"]: (r["points"], r["excellent"]) for p in city for r in p["rows"]}


def _city_read(w, year: int = 2025) -> dict[str, tuple[str, bool]]:
    """The city pool read through the cached ranking itself (the API keeps
    its encoded body beside it: test_ranking_encoded)."""
    city = [p for p in year_ranking(tenant=w.tenant, year=year)["pools"] if p["pool"] == "city"]
    return {r["full_name"]: (r["points"], r["excellent"]) for p in city for r in p["rows"]}


# --- served from the cache -----------------------------------------------------------------


def test_a_second_read_is_served_from_the_cache(world):
    entry(world, [world.officers["city"]])
    with CaptureQueriesContext(connection) as first:
        body = ranking(world)
    with CaptureQueriesContext(connection) as second:
        assert ranking(world) == body
    assert (_reads_tallies(first), _reads_tallies(second)) == (1, 0)
    assert row(body, world.officers["city"])["points"] == "10.00"


def test_the_key_names_the_tenant_the_year_and_their_versions(world, other_world):
    def versions(tenant, year):
        return ranking_key(tenant=tenant, year=year).split(":")[4:]

    key = ranking_key(tenant=world.tenant, year=2025)
    assert key.startswith(f"ranking:1:{world.tenant.id}:")
    every = RankingVersion.objects.get(tenant=world.tenant, year=0)  # the world's officers
    assert versions(world.tenant, 2025) == ["2025", "0.", f"{every.version}.{every.stamp}"]
    assert ranking_key(tenant=other_world.tenant, year=2025) != key
    with transaction.atomic():
        ranking_changed(tenant=world.tenant, years=[2025])
        ranking_changed(tenant=world.tenant, years=[2025])
        ranking_changed(tenant=world.tenant)
    own = RankingVersion.objects.get(tenant=world.tenant, year=2025)
    after = RankingVersion.objects.get(tenant=world.tenant, year=0)
    assert (own.version, after.version - every.version, len(own.stamp)) == (2, 1, 16)
    assert after.stamp != every.stamp
    assert versions(world.tenant, 2025) == [
        "2025",
        f"2.{own.stamp}",
        f"{after.version}.{after.stamp}",
    ]
    # another tenant's and another year's versions are their own
    theirs = RankingVersion.objects.get(tenant=other_world.tenant, year=0)
    assert versions(other_world.tenant, 2025) == ["2025", "0.", f"{theirs.version}.{theirs.stamp}"]
    assert versions(world.tenant, 2026)[1] == "0."


def _copies(tenant, year: int = 2025) -> dict[str, tuple[str, str]]:
    """The cache's entries of the tenant's year: key → (version, copy)."""
    key, _version = ranking_slot(tenant=tenant, year=year)
    names = [  # local memory's keys (the encoded bodies: test_ranking_encoded)
        name for name in cache._cache if f"{key}:" in name and f"{key}:encoded:" not in name
    ]
    return {name.split(":", 2)[2]: cache.get(name.split(":", 2)[2])[:2] for name in names}


def test_two_versions_leave_one_copy(world):
    key, first = ranking_slot(tenant=world.tenant, year=2025)
    ranking(world)
    before = _copies(world.tenant)
    assert sorted(before) == [f"{key}:index", f"{key}:pool:0", f"{key}:pool:1", f"{key}:pool:2"]
    assert {version for version, _copy in before.values()} == {first}
    entry(world, [world.officers["city"]], kind="event")  # the year's next version
    _key, second = ranking_slot(tenant=world.tenant, year=2025)
    assert second != first
    assert _city(world)["赵六"] == ("10.00", False)
    after = _copies(world.tenant)
    assert sorted(after) == sorted(before)  # overwritten, not kept beside the old one
    assert len({copy for _version, copy in after.values()}) == 1
    assert {version for version, _copy in after.values()} == {second}
    with CaptureQueriesContext(connection) as queries:
        ranking(world)
    assert _reads_tallies(queries) == 0  # the new copy is read


def test_a_copy_of_another_version_is_not_read(world):
    city = world.officers["city"]
    key, _version = ranking_slot(tenant=world.tenant, year=2025)
    assert _city(world)["赵六"] == ("0.00", False)
    old = cache.get(f"{key}:index")
    entry(world, [city], kind="event")
    assert _city(world)["赵六"] == ("10.00", False)
    cache.set(f"{key}:index", old)  # an older copy's index put back (a late writer)
    with CaptureQueriesContext(connection) as queries:
        assert _city_read(world)["赵六"] == ("10.00", False)
    assert _reads_tallies(queries) == 1  # computed again, and the copy overwritten
    assert cache.get(f"{key}:index")[0] == ranking_slot(tenant=world.tenant, year=2025)[1]
    # an index of this version read with pools of another copy: computed again
    index = cache.get(f"{key}:index")
    cache.set(f"{key}:index", (index[0], "another copy", index[2]))
    with CaptureQueriesContext(connection) as queries:
        assert _city_read(world)["赵六"] == ("10.00", False)
    assert _reads_tallies(queries) == 1


def test_two_tenants_never_share_a_copy(world, other_world):
    entry(world, [world.officers["city"]], kind="conversion")
    ours = ranking(world)
    theirs = ranking(other_world)
    assert row(ours, world.officers["city"])["points"] == "100.00"
    assert {r["officer"] for p in theirs["pools"] for r in p["rows"]}.isdisjoint(
        {r["officer"] for p in ours["pools"] for r in p["rows"]}
    )
    assert all(r["points"] == "0.00" for p in theirs["pools"] for r in p["rows"])


def test_a_rolled_back_change_leaves_no_copy_behind(world):
    city = world.officers["city"]
    assert _city(world)["赵六"] == ("0.00", False)
    with pytest.raises(RuntimeError), transaction.atomic():
        entry(world, [city], kind="conversion")
        # read inside the writing transaction: its own uncommitted figures
        assert year_ranking(tenant=world.tenant, year=2025)["pools"][0]["rows"][0]["points"] == (
            "100.00"
        )
        raise RuntimeError("rolled back")
    assert _city(world)["赵六"] == ("0.00", False)
    entry(world, [city], kind="event")  # the counter comes back to the same number
    assert _city(world)["赵六"] == ("10.00", False)


# --- each writer of the inputs makes the next read new -----------------------------------------


def test_verifying_an_entry(world):
    assert _city(world)["赵六"] == ("0.00", False)
    entry(world, [world.officers["city"]], kind="event")
    assert _city(world)["赵六"] == ("10.00", False)


def test_correcting_a_verified_entry(world):
    city, b = world.officers["city"], officer(world, "城二")
    e = entry(world, [city], kind="event")
    assert (_city(world)["赵六"], _city(world)["城二"]) == (("10.00", False), ("0.00", False))
    entry_update(
        tenant=world.tenant,
        membership=admin_membership(world),
        entry=e,
        data={},
        officers=[city, b],
        reason="漏记一名联络员",
    )
    assert (_city(world)["赵六"], _city(world)["城二"]) == (("5.00", False), ("5.00", False))


def test_a_new_officer(world):
    assert set(_city(world)) == {"赵六"}
    officer(world, "城二")
    assert _city(world) == {"赵六": ("0.00", False), "城二": ("0.00", False)}


def test_a_disqualification(world):
    city = world.officers["city"]
    entry(world, [city], kind="event")
    assert row(ranking(world), city)["eligible"] is True
    officer_disqualify(
        tenant=world.tenant,
        officer=city,
        reason="fraud",
        effective_on=dt.date(2025, 9, 1),
        by=world.users["admin"],
    )
    after = row(ranking(world), city)
    assert (after["eligible"], after["reason"]) == (False, "disqualified in the year")


def test_an_appointment_ended_early(world):
    city = world.officers["city"]
    assert "赵六" in _city(world, year=2026)
    officer_end(
        tenant=world.tenant, officer=city, last_day=dt.date(2025, 12, 31), reason="withdrawn"
    )
    assert _city(world, year=2026) == {}  # the city pool is empty in 2026
    assert "赵六" in _city(world, year=2025)


def test_a_district_renamed(world):
    names = [p["pool"] for p in ranking(world)["pools"]]
    assert names == ["city", "district:d1", "district:d2"]
    district_update(tenant=world.tenant, district=world.districts["d1"], code="x1", name="新一区")
    assert [p["pool"] for p in ranking(world)["pools"]] == ["city", "district:d2", "district:x1"]


def test_a_policy_version(world):
    for name in ("城二", "城三", "城四"):
        officer(world, name)
    assert pool(ranking(world), "city")["excellent_places"] == 1  # 30% of 4, rounded down
    policy_version_create(
        tenant=world.tenant,
        effective_from=dt.date(2025, 6, 1),
        changes={"excellence": {"ratio": "0.50", "rounding": "floor", "tie": "include"}},
        by=world.users["admin"],
        note="半数评优",
    )
    assert pool(ranking(world), "city")["excellent_places"] == 2


def test_a_discipline_mark(world):
    from assessment.tests.test_grades_points import _wuhan_city_pool

    o = _wuhan_city_pool(world)
    assert _city(world)["赵六"] == ("30.00", True)
    assessment_mark_record(
        membership=admin_membership(world),
        officer=o["city"],
        year=2025,
        kind="discipline_violation",
        note="违反工作纪律",
    )
    assert (_city(world)["赵六"], _city(world)["城二"]) == (("30.00", False), ("20.00", True))


def test_the_finalisation(world):
    assert ranking(world)["status"] == "draft"
    ranking_finalize(membership=admin_membership(world), year=2025)
    body = ranking(world)
    assert (body["status"], body["policy_version"]) == ("final", 1)


def test_an_officer_renamed_in_the_admin(world, rf):
    assert "赵六" in _city(world)
    city = Officer.objects.get(pk=world.officers["city"].pk)
    city.full_name = "赵六六"
    OfficerAdmin(Officer, django_admin.site).save_model(rf.post("/"), city, None, True)
    assert set(_city(world)) == {"赵六六"}


def test_the_officer_home_reads_the_cached_ranking(world):
    mine = world.officers["mine"]
    year_ranking(tenant=world.tenant, year=2025)  # computed and cached
    with CaptureQueriesContext(connection) as queries:
        standing = officer_standing(tenant=world.tenant, officer_id=mine.id, year=2025)
    assert _reads_tallies(queries) == 0
    assert (standing.pool, standing.rank, standing.points) == ("district:d1", 1, "0.00")
    entry(world, [mine], kind="event")
    standing = officer_standing(tenant=world.tenant, officer_id=mine.id, year=2025)
    assert (standing.rank, standing.points) == (1, "10.00")


def _pool_names(w, year: int, name: str) -> set[str]:
    body = ranking(w, year=year)
    return {r["full_name"] for p in body["pools"] if p["pool"] == name for r in p["rows"]}


@pytest.mark.parametrize("renewing", [True, False])
def test_an_appointment_from_a_selection_round(world, renewing):
    from tests.test_roster_renewal import _appoint_api, _verified

    mine = world.officers["mine"]  # 张三, d1, term 2025–2026
    assert _pool_names(world, 2027, "district:d1") == set()
    selection, _nomination = _verified(world, mine if renewing else None, name="张三丰")
    _appoint_api(world, selection)  # a renewal takes the nomination's name
    assert _pool_names(world, 2027, "district:d1") == {"张三丰"}
    assert ("张三丰" in _pool_names(world, 2025, "district:d1")) is renewing


def test_a_policy_edited_in_the_admin(world, rf):
    from accounts.admin import PolicyAdmin
    from accounts.models import Policy

    for name in ("城二", "城三", "城四"):
        officer(world, name)
    assert pool(ranking(world), "city")["excellent_places"] == 1
    policy = Policy.objects.get(tenant=world.tenant, version=1)
    policy.rules["excellence"]["ratio"] = "0.50"
    PolicyAdmin(Policy, django_admin.site).save_model(rf.post("/"), policy, None, True)
    assert pool(ranking(world), "city")["excellent_places"] == 2
