"""Stored shares: written when an entry is verified, changed only through a
recorded change (a correction, a re-scoring), never in place; a finalised
year's statements read them as they stood at its finalisation."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.presets import preset_rules
from accounts.services import policy_publish
from ledgers.models import EntryEvent
from ledgers.services import entry_update, entry_verify
from liaison.errors import Conflict
from roster.services import officer_create, officer_disqualify
from scoring import shares
from scoring.models import Share, ShareTally
from scoring.selectors import (
    pool_months,
    ranking_for,
    snapshot_get,
    statement_for,
    tallies_match_shares,
    year_result,
)
from scoring.services import ranking_finalize
from scoring.tasks import rescore_years
from tests.world import TERM

from .test_rankings_api import admin_membership, entry

pytestmark = pytest.mark.django_db


def live(entry_) -> list[tuple]:
    """(officer, points, group size) of the entry's live shares."""
    return list(
        Share.objects.filter(entry=entry_, superseded_at__isnull=True)
        .order_by("officer_id")
        .values_list("officer_id", "points", "group_size")
    )


def correct(world, entry_, *, data=None, officers=None, reason: str):
    """The admin corrects a verified entry."""
    return entry_update(
        tenant=world.tenant,
        membership=admin_membership(world),
        entry=entry_,
        data=data or {},
        officers=officers,
        reason=reason,
    )


def city_officer(world, name: str):
    return officer_create(
        tenant=world.tenant,
        full_name=name,
        category="city",
        district=None,
        term_start=TERM[0],
        term_end=TERM[1],
    )


def test_verifying_stores_each_officers_points_and_group_size(world):
    city, d1, d2 = world.officers["city"], world.officers["d1"], world.officers["d2"]
    other_city = city_officer(world, "钱七")
    conversion = entry(world, [city, other_city, d1], kind="conversion")
    event = entry(world, [d1, d2], kind="event")

    assert live(conversion) == sorted([(city.id, 100, 2), (other_city.id, 100, 2), (d1.id, 100, 1)])
    assert live(event) == sorted([(d1.id, 10, 2), (d2.id, 10, 2)])
    assert set(Share.objects.filter(entry=conversion).values_list("year", "kind")) == {
        (2025, "conversion")
    }


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_entries_not_verified_have_no_shares(world, status):
    e = entry(world, [world.officers["city"]], kind="event", status=status)
    assert Share.objects.filter(entry=e).count() == 0


def test_verifying_leaves_other_entries_shares_alone(world):
    first = entry(world, [world.officers["city"]], kind="event")
    before = list(Share.objects.filter(entry=first).values_list("id", "created_at"))
    entry(world, [world.officers["city"]], kind="demand")
    assert list(Share.objects.filter(entry=first).values_list("id", "created_at")) == before


def test_a_correction_supersedes_the_shares_and_records_why(world):
    city, d1 = world.officers["city"], world.officers["d1"]
    other_city = city_officer(world, "钱七")
    e = entry(world, [city], kind="event")
    old_id = Share.objects.get(entry=e).id

    correct(world, e, officers=[city, other_city, d1], reason="补记协作人")

    assert live(e) == sorted([(city.id, 10, 2), (other_city.id, 10, 2), (d1.id, 10, 1)])
    old = Share.objects.get(id=old_id)
    assert (old.points, old.group_size, old.superseded_at is not None) == (10, 1, True)
    event = EntryEvent.objects.filter(entry=e).latest("at")
    assert (event.action, event.reason) == ("corrected", "补记协作人")
    statement = statement_for(tenant=world.tenant, officer=city, year=2025)
    assert [(line["share_exact"], line["credited"]) for line in statement["lines"]] == [
        ("5", sorted([city.id, other_city.id, d1.id]))
    ]


def test_a_correction_that_changes_nothing_scored_keeps_the_shares(world):
    e = entry(world, [world.officers["city"]], kind="event")
    before = list(Share.objects.filter(entry=e).values_list("id", "superseded_at"))
    correct(world, e, data={"title": "更正标题"}, reason="标题笔误")
    assert list(Share.objects.filter(entry=e).values_list("id", "superseded_at")) == before


def test_moving_an_entry_to_another_year_moves_its_shares(world):
    city = world.officers["city"]
    e = entry(world, [city], kind="event")
    correct(world, e, data={"occurred_on": dt.date(2026, 1, 5)}, reason="日期填错")
    assert list(
        Share.objects.filter(entry=e, superseded_at__isnull=True).values_list("year", flat=True)
    ) == [2026]
    assert year_result(tenant=world.tenant, year=2025).scores[city.id].total == 0
    assert year_result(tenant=world.tenant, year=2026).scores[city.id].total == 10


def test_finalised_statements_keep_the_shares_as_they_were(world):
    city, d1 = world.officers["city"], world.officers["d1"]
    other_city = city_officer(world, "钱七")
    e = entry(world, [city], kind="event")
    entry(world, [city, d1], kind="demand")
    entry(world, [city], kind="conversion", status="submitted")  # awaiting review: unscored
    ranking_finalize(membership=admin_membership(world), year=2025)
    frozen = statement_for(tenant=world.tenant, officer=city, year=2025)

    correct(world, e, officers=[city, other_city], reason="补记协作人")

    assert statement_for(tenant=world.tenant, officer=city, year=2025) == frozen
    assert frozen["status"] == "final"
    assert (frozen["total_exact"], [line["share_exact"] for line in frozen["lines"]]) == (
        "15",
        ["10", "5"],
    )
    pools = ranking_for(membership=admin_membership(world), year=2025)["pools"]
    row = next(r for p in pools for r in p["rows"] if r["officer"] == city.id)
    assert row["points_exact"] == frozen["total_exact"]
    # the chart of a finalised year adds up to its frozen totals
    months = pool_months(
        tenant=world.tenant, year=2025, final=snapshot_get(tenant=world.tenant, year=2025)
    )
    assert sum(months["city"], start=0) == 15
    assert months["city"][4] == 15  # May
    # the live figures moved on
    assert year_result(tenant=world.tenant, year=2025).scores[city.id].total == 10
    assert sum(pool_months(tenant=world.tenant, year=2025)["city"], start=0) == 15  # 5 + 5 + 5


def test_a_new_policy_version_rescores_the_years_it_rules_once(world):
    city = world.officers["city"]
    e2025 = entry(world, [city], kind="event")
    e2026 = entry(world, [city], kind="event", occurred_on=dt.date(2026, 3, 1))
    rules = preset_rules("wuhan")
    rules["points"]["event"] = 20
    policy_publish(tenant=world.tenant, rules=rules, effective_from=dt.date(2026, 2, 1))

    assert rescore_years(tenant_id=world.tenant.id, from_year=2026, reason="新政策") == 1
    assert live(e2025) == [(city.id, 10, 1)]
    assert live(e2026) == [(city.id, 20, 1)]
    events = EntryEvent.objects.filter(action="rescored")
    assert [(ev.entry_id, ev.reason) for ev in events] == [(e2026.id, "新政策")]
    assert rescore_years(tenant_id=world.tenant.id, from_year=2026, reason="新政策") == 0
    assert year_result(tenant=world.tenant, year=2026).scores[city.id].total == 20


def test_publishing_a_policy_queues_the_rescoring(world, django_capture_on_commit_callbacks):
    city = world.officers["city"]
    e = entry(world, [city], kind="event")
    rules = preset_rules("wuhan")
    rules["points"]["event"] = 30
    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(tenant=world.tenant, rules=rules, effective_from=dt.date(2025, 6, 1))
    assert live(e) == [(city.id, 30, 1)]
    assert EntryEvent.objects.filter(entry=e, action="rescored").count() == 1


def test_disqualification_before_the_year_takes_the_officer_out_of_its_splits(world):
    city = world.officers["city"]
    gone = officer_create(
        tenant=world.tenant,
        full_name="孙八",
        category="city",
        district=None,
        term_start=dt.date(2024, 1, 1),
        term_end=TERM[1],
    )
    e = entry(world, [city, gone], kind="event")
    assert live(e) == sorted([(city.id, 10, 2), (gone.id, 10, 2)])

    officer_disqualify(
        tenant=world.tenant,
        officer=gone,
        reason=preset_rules("wuhan")["disqualification_reasons"][0]["code"],
        effective_on=dt.date(2024, 12, 1),
        by=world.users["admin"],
    )

    assert live(e) == [(city.id, 10, 1)]
    event = EntryEvent.objects.get(entry=e, action="rescored")
    assert event.reason == "孙八自2024-12-01起被取消资格。"
    assert event.actor == world.users["admin"]


def test_the_backfill_migration_stores_what_verifying_stores(world):
    city, d1 = world.officers["city"], world.officers["d1"]
    entry(world, [city, d1], kind="conversion")
    entry(world, [d1, world.officers["d2"]], kind="event")
    entry(world, [city], kind="demand", status="submitted")
    fields = ("entry_id", "officer_id", "year", "kind", "occurred_on", "points", "group_size")
    stored = sorted(Share.objects.values_list(*fields))
    Share.objects.all().delete()

    importlib.import_module("scoring.migrations.0005_backfill_shares").backfill(apps, None)

    assert sorted(Share.objects.values_list(*fields)) == stored
    assert len(stored) == 4

    tallies = sorted(ShareTally.objects.values_list("officer_id", "kind", "count"))
    ShareTally.objects.all().delete()
    importlib.import_module("scoring.migrations.0006_share_tally").tally(apps, None)
    assert sorted(ShareTally.objects.values_list("officer_id", "kind", "count")) == tallies
    d2 = world.officers["d2"]
    assert tallies == sorted(
        [
            (city.id, "conversion", 1),
            (d1.id, "conversion", 1),
            (d1.id, "event", 1),
            (d2.id, "event", 1),
        ]
    )


def test_tallies_follow_verification_correction_and_rescoring(world):
    city, d1 = world.officers["city"], world.officers["d1"]
    other_city = city_officer(world, "钱七")

    def tally():
        return sorted(
            ShareTally.objects.filter(count__gt=0).values_list(
                "officer_id", "kind", "points", "group_size", "count"
            )
        )

    first = entry(world, [city], kind="event")
    entry(world, [city], kind="event")
    assert tally() == [(city.id, "event", 10, 1, 2)]
    correct(world, first, officers=[city, other_city, d1], reason="补记协作人")
    assert tally() == sorted(
        [
            (city.id, "event", 10, 1, 1),
            (city.id, "event", 10, 2, 1),
            (other_city.id, "event", 10, 2, 1),
            (d1.id, "event", 10, 1, 1),
        ]
    )
    assert tallies_match_shares(tenant=world.tenant, year=2025)


def test_two_verifications_of_one_entry_store_one_set_of_shares(world):
    e = entry(world, [world.officers["city"]], kind="event", status="submitted")
    entry_verify(tenant=world.tenant, membership=admin_membership(world), entry=e)
    with pytest.raises(Conflict):
        entry_verify(tenant=world.tenant, membership=admin_membership(world), entry=e)
    assert Share.objects.filter(entry=e).count() == 1


def test_the_entry_page_shows_what_the_entry_gives_each_officer(world, client):
    city, d1 = world.officers["city"], world.officers["d1"]
    other_city = city_officer(world, "钱七")
    e = entry(world, [city, other_city, d1], kind="event")
    client.force_login(world.users["admin"])
    page = client.get(f"/t/{world.tenant.slug}/entries/{e.pk}/").content.decode()
    assert 'id="entry-shares">李四 10.00、赵六 5.00、钱七 5.00</dd>' in page
    assert "积分" in page


def test_rescoring_goes_batch_by_batch_over_every_entry(world, monkeypatch):
    monkeypatch.setattr("scoring.shares.BATCH", 2)
    city = world.officers["city"]
    made = [entry(world, [city], kind="event") for _ in range(5)]
    rules = preset_rules("wuhan")
    rules["points"]["event"] = 15
    policy_publish(tenant=world.tenant, rules=rules, effective_from=dt.date(2025, 3, 1))

    assert rescore_years(tenant_id=world.tenant.id, from_year=2025, reason="新政策") == 5
    assert [live(e) for e in made] == [[(city.id, 15, 1)]] * 5
    assert EntryEvent.objects.filter(action="rescored").count() == 5
    assert tallies_match_shares(tenant=world.tenant, year=2025)


def _bumped(queries) -> list[int]:
    """The years of the ranking counters bumped, in the order they were."""
    bump = re.compile(r"INSERT INTO scoring_rankingversion .* VALUES \(\d+, (\d+), 1, ")
    return [int(m.group(1)) for q in queries if (m := bump.search(q["sql"].replace("\n", " ")))]


def test_a_refresh_of_several_batches_bumps_each_year_once_in_order(world, monkeypatch):
    """Bumped per batch, a later batch could lock an earlier year than one
    already locked (and deadlock against a writer taking them in order)."""
    city = world.officers["city"]
    later, earlier = (
        entry(world, [city], occurred_on=dt.date(2026, 3, 2)),  # the smaller id
        entry(world, [city], occurred_on=dt.date(2025, 3, 2)),
    )
    Share.objects.filter(entry__in=[later, earlier]).update(superseded_at=dt.datetime.now(dt.UTC))
    monkeypatch.setattr(shares, "BATCH", 1)
    with CaptureQueriesContext(connection) as queries:
        changed = shares.shares_refresh(tenant=world.tenant, entries=[later.id, earlier.id])
    assert (changed, _bumped(queries)) == ([later.id, earlier.id], [2025, 2026])


def test_a_rescoring_of_several_batches_in_a_transaction_bumps_once_in_order(world, monkeypatch):
    city = world.officers["city"]
    gone = officer_create(
        tenant=world.tenant,
        full_name="孙八",
        category="city",
        district=None,
        term_start=dt.date(2024, 1, 1),
        term_end=TERM[1],
    )
    later = entry(world, [city, gone], occurred_on=dt.date(2026, 3, 2))
    earlier = entry(world, [city, gone], occurred_on=dt.date(2025, 3, 2))
    monkeypatch.setattr(shares, "BATCH", 1)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        officer_disqualify(
            tenant=world.tenant,
            officer=gone,
            reason=preset_rules("wuhan")["disqualification_reasons"][0]["code"],
            effective_on=dt.date(2024, 12, 1),
            by=world.users["admin"],
        )
    assert (live(later), live(earlier)) == ([(city.id, 10, 1)], [(city.id, 10, 1)])
    assert _bumped(queries) == [2025, 2026, 0]  # the shares' years, then every year
