"""The rankings and statement API against SPEC.md §6 and API.md, with exact
values: scores come from the ledger (verified entries only, by occurred-on
year), pools, ranks, excellence, bonus, statements and finalisation.

Entries are built through ``ledgers.services`` with the tenant admin's
membership (the admin is never credited, so they may verify).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from rest_framework.test import APIClient

from ledgers.services import entry_create, entry_return, entry_submit, entry_verify
from liaison.errors import Conflict
from roster.models import Officer
from roster.services import officer_create
from scoring.models import RankingSnapshot
from scoring.selectors import after_freeze_changes
from tests.world import TERM, World, centre

pytestmark = pytest.mark.django_db


YEAR_URL = "rankings/2025/"
ZERO_COUNTS = dict.fromkeys(("achievement", "demand", "event", "conversion", "case", "video"), 0)
_serial = iter(range(1, 10_000))


# --- helpers ---------------------------------------------------------------------------


def admin_membership(w: World):
    return w.users["admin"].memberships.get()


def entry(
    w: World,
    officers: list[Officer],
    *,
    kind: str = "event",
    occurred_on: dt.date = dt.date(2025, 5, 6),
    status: str = "verified",
):
    """An entry crediting ``officers``, logged and submitted by the centre's
    second admin, verified or returned by the tenant admin (four eyes)."""
    admin = admin_membership(w)
    logger = centre(w)
    e = entry_create(
        tenant=w.tenant,
        membership=logger,
        kind=kind,
        data={"title": f"{kind} {next(_serial)}", "occurred_on": occurred_on},
        officers=officers,
    )
    if status in ("submitted", "verified", "returned"):
        e = entry_submit(tenant=w.tenant, membership=logger, entry=e)
    if status == "verified":
        e = entry_verify(tenant=w.tenant, membership=admin, entry=e)
    elif status == "returned":
        e = entry_return(tenant=w.tenant, membership=admin, entry=e, reason="补充材料")
    return e


def officer(
    w: World,
    name: str,
    *,
    category: str = "city",
    district: str | None = None,
    term: tuple[dt.date, dt.date] = TERM,
) -> Officer:
    return officer_create(
        tenant=w.tenant,
        full_name=name,
        category=category,
        district=w.districts[district] if district else None,
        term_start=term[0],
        term_end=term[1],
    )


def ranking(w: World, who: str = "admin", year: int = 2025) -> dict:
    response = w.api(who).get(w.url(f"rankings/{year}/"))
    assert response.status_code == 200, response.content
    return response.json()


def pool(body: dict, name: str) -> dict:
    (found,) = [p for p in body["pools"] if p["pool"] == name]
    return found


def row(body: dict, o: Officer) -> dict:
    (found,) = [r for p in body["pools"] for r in p["rows"] if r["officer"] == o.id]
    return found


def statement(w: World, o: Officer, who: str = "admin", year: int = 2025) -> dict:
    response = w.api(who).get(w.url(f"officers/{o.id}/statement/?year={year}"))
    assert response.status_code == 200, response.content
    return response.json()


# --- who may read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "pools"),
    [
        ("admin", 200, ["city", "district:d1", "district:d2"]),
        ("auditor", 200, ["city", "district:d1", "district:d2"]),
        ("manager", 200, ["district:d1"]),
        ("reviewer", 403, None),
        ("officer", 403, None),
    ],
)
def test_ranking_role_matrix(world, role, status, pools):
    response = world.api(role).get(world.url(YEAR_URL))
    assert response.status_code == status, response.content
    if pools is not None:
        body = response.json()
        assert body["year"] == 2025
        assert body["status"] == "draft"
        assert [p["pool"] for p in body["pools"]] == pools


def test_ranking_of_another_tenant_is_404(world, other_world):
    response = world.api("admin").get(f"/api/v1/tenants/{other_world.tenant.slug}/{YEAR_URL}")
    assert response.status_code == 404


def test_ranking_anonymous_is_401(world):
    assert APIClient().get(world.url(YEAR_URL)).status_code == 401


# --- scores from the ledger --------------------------------------------------------------


def test_every_officer_of_the_pool_appears_with_zero_points(world):
    body = ranking(world)
    o = world.officers
    expected = {
        "city": [o["city"]],
        "district:d1": sorted([o["mine"], o["d1"]], key=lambda x: x.id),
        "district:d2": [o["d2"]],
    }
    assert [(p["pool"], p["size"], p["excellent_places"]) for p in body["pools"]] == [
        ("city", 1, 0),
        ("district:d1", 2, 0),
        ("district:d2", 1, 0),
    ]
    for p in body["pools"]:
        assert [r["officer"] for r in p["rows"]] == [x.id for x in expected[p["pool"]]]
        for r in p["rows"]:
            # the fixture's drafts crediting ``d1`` do not score
            assert r["points"] == "0.00"
            assert r["points_exact"] == "0"
            assert r["bonus"] == "0"
            assert r["rank"] == 1
            assert r["excellent"] is False
            assert r["counts"] == ZERO_COUNTS
    mine = row(body, o["mine"])
    assert mine["full_name"] == "张三"
    assert mine["category"] == "district"
    assert mine["district"] == "d1"
    assert row(body, o["city"])["district"] is None


def test_three_city_officers_share_an_event(world):
    a, b = officer(world, "城一"), officer(world, "城二")
    trio = [world.officers["city"], a, b]
    entry(world, trio, kind="event")
    body = ranking(world)
    city = pool(body, "city")
    assert city["size"] == 3
    for o in trio:
        r = row(body, o)
        assert r["points_exact"] == "10/3"
        assert r["points"] == "3.33"
        assert r["rank"] == 1
        assert r["counts"] == {**ZERO_COUNTS, "event": 1}
    assert sum(Fraction(r["points_exact"]) for r in city["rows"]) == 10


def test_conversion_split_by_scoring_group(world):
    """SPEC §6.2: 2 city and 1 district officer on a conversion: each city
    officer gets 50, the district officer 100."""
    other_city = officer(world, "城二")
    city, d1 = world.officers["city"], world.officers["d1"]
    entry(world, [city, other_city, d1], kind="conversion")
    body = ranking(world)
    assert row(body, city)["points_exact"] == "50"
    assert row(body, other_city)["points_exact"] == "50"
    assert row(body, d1)["points_exact"] == "100"
    assert row(body, d1)["points"] == "100.00"
    assert row(body, city)["counts"] == {**ZERO_COUNTS, "conversion": 1}


def test_conversion_one_city_one_district_officer_each_get_full_points(world):
    """One credited officer per group: each group receives the full 100."""
    city, d1 = world.officers["city"], world.officers["d1"]
    entry(world, [city, d1], kind="conversion")
    body = ranking(world)
    assert row(body, city)["points_exact"] == "100"
    assert row(body, d1)["points_exact"] == "100"


def test_only_verified_entries_score(world):
    d2 = world.officers["d2"]
    entry(world, [d2], kind="conversion", status="draft")
    entry(world, [d2], kind="conversion", status="submitted")
    entry(world, [d2], kind="conversion", status="returned")
    body = ranking(world)
    assert row(body, d2)["points_exact"] == "0"
    assert row(body, d2)["counts"] == ZERO_COUNTS
    # the fixture's draft of every kind credits d1: none scores
    assert row(body, world.officers["d1"])["points_exact"] == "0"
    entry(world, [d2], kind="event", status="verified")
    body = ranking(world)
    assert row(body, d2)["points_exact"] == "10"
    assert row(body, d2)["counts"] == {**ZERO_COUNTS, "event": 1}


def test_entries_count_in_the_year_they_occurred(world):
    long = officer(world, "长期", term=(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
    entry(world, [long], kind="conversion", occurred_on=dt.date(2024, 12, 31))
    entry(world, [long], kind="event", occurred_on=dt.date(2025, 1, 1))
    entry(world, [long], kind="achievement", occurred_on=dt.date(2025, 12, 31))
    entry(world, [long], kind="demand", occurred_on=dt.date(2026, 1, 1))
    assert row(ranking(world, year=2025), long)["points_exact"] == "15"
    assert row(ranking(world, year=2025), long)["counts"] == {
        **ZERO_COUNTS,
        "event": 1,
        "achievement": 1,
    }
    assert row(ranking(world, year=2024), long)["points_exact"] == "100"
    assert row(ranking(world, year=2026), long)["points_exact"] == "5"


def test_counts_per_kind(world):
    d2 = world.officers["d2"]
    for kind in ("achievement", "achievement", "demand", "event", "conversion", "case", "video"):
        entry(world, [d2], kind=kind)
    r = row(ranking(world), d2)
    assert r["counts"] == {
        "achievement": 2,
        "demand": 1,
        "event": 1,
        "conversion": 1,
        "case": 1,
        "video": 1,
    }
    assert r["points_exact"] == "125"  # 2×5 + 5 + 10 + 100 + 0 + 0
    assert r["points"] == "125.00"


def test_ranks_ties_and_excellence(world):
    """Pool d2 of 9 officers: places = floor(9 × 0.30) = 2. Totals 20, 10,
    10, 5, then five zeros: ranks 1, 2, 2, 4, 5…; the tie on the last place
    is included (wuhan), so three officers are excellent; 5 points is not."""
    d2 = world.officers["d2"]
    extra = [officer(world, f"二区{i}", category="district", district="d2") for i in range(8)]
    a, b, c, d = extra[0], extra[1], d2, extra[2]  # c (d2) has a lower id than b
    for o, events in ((a, 2), (b, 1), (c, 1)):
        for _ in range(events):
            entry(world, [o], kind="event")
    entry(world, [d], kind="achievement")
    p = pool(ranking(world), "district:d2")
    assert p["size"] == 9
    assert p["excellent_places"] == 2
    zeros = sorted(extra[3:], key=lambda x: x.id)
    order = [a, c, b, d, *zeros]  # ties ordered by officer id
    assert [r["officer"] for r in p["rows"]] == [o.id for o in order]
    assert [r["rank"] for r in p["rows"]] == [1, 2, 2, 4, 5, 5, 5, 5, 5]
    assert [r["points_exact"] for r in p["rows"]] == ["20", "10", "10", "5", *["0"] * 5]
    assert [r["excellent"] for r in p["rows"]] == [True, True, True, *[False] * 6]


def test_excellence_places_floor_of_30_percent(world):
    """Pool sizes 1..10 of city officers: places = floor(size × 0.30)."""
    city = [world.officers["city"]]
    for size in range(2, 11):
        city.append(officer(world, f"城{size}"))
    body = ranking(world)
    p = pool(body, "city")
    assert p["size"] == 10
    assert p["excellent_places"] == 3
    # distinct totals 10×k for the first four, so exactly 3 are excellent
    for k, o in enumerate(city[:4]):
        for _ in range(4 - k):
            entry(world, [o], kind="event")
    p = pool(ranking(world), "city")
    assert [r["officer"] for r in p["rows"][:4]] == [o.id for o in city[:4]]
    assert [r["points_exact"] for r in p["rows"][:4]] == ["40", "30", "20", "10"]
    assert [r["excellent"] for r in p["rows"]] == [True, True, True, *[False] * 7]
    assert sum(r["excellent"] for r in p["rows"]) == 3


def test_disqualified_officer_stays_in_pool_but_is_never_excellent(world):
    """City pool of 4: 1 place. The top officer is disqualified in 2025: still
    ranked first, not excellent; the place goes to the next one."""
    top = world.officers["city"]
    second, third, fourth = officer(world, "城二"), officer(world, "城三"), officer(world, "城四")
    entry(world, [top], kind="conversion")
    entry(world, [second], kind="event")
    entry(world, [third], kind="achievement")
    response = world.api("admin").post(
        world.url(f"officers/{top.id}/disqualify/"),
        {"reason": "fraud", "effective_on": "2025-06-01"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = ranking(world)
    p = pool(body, "city")
    assert p["size"] == 4
    assert p["excellent_places"] == 1
    assert [r["officer"] for r in p["rows"]] == [top.id, second.id, third.id, fourth.id]
    assert [r["rank"] for r in p["rows"]] == [1, 2, 3, 4]
    assert [r["points_exact"] for r in p["rows"]] == ["100", "10", "5", "0"]
    assert [r["excellent"] for r in p["rows"]] == [False, True, False, False]
    assert p["rows"][0]["eligible"] is False
    # disqualified during 2025: no longer in the 2026 pool
    assert top.id not in [r["officer"] for r in pool(ranking(world, year=2026), "city")["rows"]]


def test_disqualification_in_a_later_year_does_not_affect_2025(world):
    top = world.officers["city"]
    others = [officer(world, "城二"), officer(world, "城三"), officer(world, "城四")]
    entry(world, [top], kind="conversion")
    entry(world, [others[0]], kind="event")
    response = world.api("admin").post(
        world.url(f"officers/{top.id}/disqualify/"),
        {"reason": "fraud", "effective_on": "2026-03-01"},
        format="json",
    )
    assert response.status_code == 200, response.content
    r = row(ranking(world), top)
    assert r["eligible"] is True
    assert r["excellent"] is True


def test_officer_whose_term_ended_in_2024_is_absent_from_2025(world):
    gone = officer(world, "旧人", term=(dt.date(2023, 1, 1), dt.date(2024, 12, 31)))
    body = ranking(world)
    assert gone.id not in [r["officer"] for p in body["pools"] for r in p["rows"]]
    assert pool(body, "city")["size"] == 1
    assert gone.id in [r["officer"] for r in pool(ranking(world, year=2024), "city")["rows"]]


# --- bonus -------------------------------------------------------------------------------


def test_bonus_above_1000_with_a_conversion(world):
    d2 = world.officers["d2"]
    for _ in range(10):
        entry(world, [d2], kind="conversion")
    r = row(ranking(world), d2)
    assert (r["points_exact"], r["bonus"]) == ("1000", "0")  # exactly 1000 does not exceed
    entry(world, [d2], kind="event")
    r = row(ranking(world), d2)
    assert r["bonus"] == "100"
    assert r["points_exact"] == "1110"
    assert r["points"] == "1110.00"
    s = statement(world, d2)
    assert s["bonus"] == "100"
    assert s["total_exact"] == "1110"
    assert sum(Fraction(line["share_exact"]) for line in s["lines"]) + 100 == 1110


# --- statement ---------------------------------------------------------------------------


def test_statement_lines_sum_to_the_ranking(world):
    city = world.officers["city"]
    a, b = officer(world, "城一"), officer(world, "城二")
    d1 = world.officers["d1"]
    event = entry(world, [city, a, b], kind="event", occurred_on=dt.date(2025, 3, 1))
    conversion = entry(world, [city, a, d1], kind="conversion", occurred_on=dt.date(2025, 4, 2))
    entry(world, [city], kind="video", occurred_on=dt.date(2025, 5, 3))
    video = city.credits.get(entry__kind="video").entry
    s = statement(world, city)
    assert s["officer"] == city.id
    assert s["year"] == 2025
    assert [
        {k: line[k] for k in ("entry", "kind", "occurred_on", "credited", "share", "share_exact")}
        for line in s["lines"]
    ] == [
        {
            "entry": event.id,
            "kind": "event",
            "occurred_on": "2025-03-01",
            "credited": sorted([city.id, a.id, b.id]),
            "share": "3.33",
            "share_exact": "10/3",
        },
        {
            "entry": conversion.id,
            "kind": "conversion",
            "occurred_on": "2025-04-02",
            "credited": sorted([city.id, a.id, d1.id]),
            "share": "50.00",
            "share_exact": "50",
        },
        {
            "entry": video.id,
            "kind": "video",
            "occurred_on": "2025-05-03",
            "credited": [city.id],
            "share": "0.00",
            "share_exact": "0",
        },
    ]
    assert s["bonus"] == "0"
    assert s["total_exact"] == "160/3"
    assert s["total"] == "53.33"
    body = ranking(world)
    for o in (city, a, b, d1, world.officers["mine"]):
        st = statement(world, o)
        total = sum((Fraction(x["share_exact"]) for x in st["lines"]), Fraction(0))
        total += Fraction(st["bonus"])
        assert total == Fraction(st["total_exact"]) == Fraction(row(body, o)["points_exact"])
    assert statement(world, d1)["total_exact"] == "100"
    assert statement(world, world.officers["mine"])["lines"] == []


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("officer", "mine", 200),
        ("officer", "d1", 404),
        ("manager", "d1", 200),
        ("manager", "mine", 200),
        ("manager", "d2", 404),
        ("admin", "d2", 200),
        ("admin", "city", 200),
        ("auditor", "d2", 200),
        ("auditor", "city", 200),
        ("reviewer", "mine", 403),  # an officer of the reviewer's unit u1
        ("reviewer", "d1", 404),  # not of their unit
    ],
)
def test_statement_role_matrix(world, who, target, status):
    o = world.officers[target]
    response = world.api(who).get(world.url(f"officers/{o.id}/statement/?year=2025"))
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["officer"] == o.id


def test_statement_of_another_tenants_officer_is_404(world, other_world):
    o = other_world.officers["city"]
    response = world.api("admin").get(world.url(f"officers/{o.id}/statement/?year=2025"))
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["", "?year=", "?year=abc"])
def test_statement_needs_a_year(world, query):
    o = world.officers["mine"]
    response = world.api("admin").get(world.url(f"officers/{o.id}/statement/{query}"))
    assert response.status_code == 400
    assert "year" in response.json()


@pytest.mark.parametrize("year", ["0", "99999", "-5"])
def test_statement_year_out_of_range_is_400(world, year):
    o = world.officers["mine"]
    client = world.api("admin")
    client.raise_request_exception = False
    response = client.get(world.url(f"officers/{o.id}/statement/?year={year}"))
    assert response.status_code == 400
    assert "year" in response.json()


@pytest.mark.parametrize("year", ["0", "99999"])
def test_ranking_year_out_of_range_is_refused(world, year):
    client = world.api("admin")
    client.raise_request_exception = False
    response = client.get(world.url(f"rankings/{year}/"))
    assert response.status_code in (400, 404)


def test_statement_anonymous_is_401(world):
    o = world.officers["mine"]
    assert APIClient().get(world.url(f"officers/{o.id}/statement/?year=2025")).status_code == 401


# --- finalisation ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["auditor", "manager", "reviewer", "officer"])
def test_only_admin_finalizes_and_refusal_writes_nothing(world, who):
    response = world.api(who).post(world.url("rankings/2025/finalize/"))
    assert response.status_code == 403
    assert RankingSnapshot.objects.count() == 0
    assert ranking(world)["status"] == "draft"


def test_finalize_freezes_ranking_and_statements(world):
    city, d2 = world.officers["city"], world.officers["d2"]
    entry(world, [city], kind="event")
    entry(world, [d2], kind="conversion")
    late = entry(world, [city], kind="conversion", status="submitted")
    later = entry(world, [d2], kind="event", status="submitted")

    response = world.api("admin").post(world.url("rankings/2025/finalize/"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "final"
    assert RankingSnapshot.objects.filter(tenant=world.tenant, year=2025).count() == 1
    frozen = ranking(world)
    assert frozen["status"] == "final"
    frozen_statement = statement(world, city)
    assert frozen_statement["total_exact"] == "10"

    again = world.api("admin").post(world.url("rankings/2025/finalize/"))
    assert again.status_code == 409
    assert RankingSnapshot.objects.count() == 1

    entry_verify(tenant=world.tenant, membership=admin_membership(world), entry=late)
    entry_verify(tenant=world.tenant, membership=admin_membership(world), entry=later)
    with pytest.raises(Conflict):  # a finalised year takes no new entries
        entry(world, [d2], kind="event", status="draft")
    after = ranking(world)
    assert after["status"] == "final"
    assert after["pools"] == frozen["pools"]
    assert row(after, city)["points_exact"] == "10"
    assert row(after, d2)["points_exact"] == "100"
    assert statement(world, city) == frozen_statement

    changes = after_freeze_changes(tenant=world.tenant, year=2025)
    verified = [(c.entry_id, c.action) for c in changes if c.action == "verified"]
    assert (late.id, "verified") in verified
    assert len(verified) == 2
    assert all(c.entry.occurred_on.year == 2025 for c in changes)

    # the draft of another year is unaffected
    assert ranking(world, year=2026)["status"] == "draft"
    assert after_freeze_changes(tenant=world.tenant, year=2026) == []


def test_finalize_of_another_tenant_is_404(world, other_world):
    response = world.api("admin").post(
        f"/api/v1/tenants/{other_world.tenant.slug}/rankings/2025/finalize/"
    )
    assert response.status_code == 404
    assert RankingSnapshot.objects.count() == 0
