"""Permission matrix of the ledger API: role × target entry × action, with
the exact status of each cell, and proof that a refused request changed
nothing. Also: the six URL prefixes, list visibility, tenant isolation,
filters and the list's query count."""

from __future__ import annotations

import datetime as dt

import pytest

from ledgers.models import Entry, EntryEvent

from .conftest import PREFIXES, ROLES, make_entry, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_worlds, db):
    """This module's many small tests share one ``alpha`` (see ``shared_worlds``)."""
    return shared_worlds[0]


@pytest.fixture
def other_world(shared_worlds, db):
    return shared_worlds[1]


TARGETS = ("own", "co", "district", "other_district", "other_tenant")

#: target -> officers the entry credits (names of ``world.officers``; the
#: other tenant's entry credits ``other_world``'s own ``mine``)
CREDITS = {
    "own": ["mine"],
    "co": ["mine", "d2"],
    "district": ["d1"],
    "other_district": ["d2"],
    "other_tenant": ["mine"],
}

#: action -> status the entry is in before the request
START = {
    "get": "draft",
    "patch": "draft",
    "submit": "draft",
    "withdraw": "submitted",
    "verify": "submitted",
    "return": "submitted",
}

# fmt: off
#: (action, role) -> expected status per target, in the order of TARGETS:
#:                     own   co-credited  same district  other district  other tenant
EXPECTED = {
    ("get", "admin"):        (200, 200, 200, 200, 404),
    ("get", "auditor"):      (200, 200, 200, 200, 404),
    ("get", "manager"):      (200, 200, 200, 404, 404),
    ("get", "reviewer"):     (200, 200, 404, 404, 404),
    ("get", "officer"):      (200, 200, 404, 404, 404),

    ("patch", "admin"):      (200, 200, 200, 200, 404),
    ("patch", "auditor"):    (403, 403, 403, 403, 404),
    ("patch", "manager"):    (200, 200, 200, 404, 404),
    ("patch", "reviewer"):   (403, 403, 404, 404, 404),
    ("patch", "officer"):    (200, 200, 404, 404, 404),

    ("submit", "admin"):     (200, 200, 200, 200, 404),
    ("submit", "auditor"):   (403, 403, 403, 403, 404),
    ("submit", "manager"):   (200, 200, 200, 404, 404),
    ("submit", "reviewer"):  (403, 403, 404, 404, 404),
    ("submit", "officer"):   (200, 200, 404, 404, 404),

    # a manager's or admin's withdraw of someone else's entry is a return (four eyes)
    ("withdraw", "admin"):   (200, 200, 200, 200, 404),
    ("withdraw", "auditor"): (403, 403, 403, 403, 404),
    ("withdraw", "manager"): (200, 403, 200, 404, 404),
    ("withdraw", "reviewer"): (403, 403, 404, 404, 404),
    ("withdraw", "officer"): (200, 200, 404, 404, 404),

    ("verify", "admin"):     (200, 200, 200, 200, 404),
    ("verify", "auditor"):   (403, 403, 403, 403, 404),
    ("verify", "manager"):   (200, 403, 200, 404, 404),  # co: d2 is not the manager's
    ("verify", "reviewer"):  (403, 403, 404, 404, 404),
    ("verify", "officer"):   (403, 403, 404, 404, 404),  # never an officer the entry credits

    ("return", "admin"):     (200, 200, 200, 200, 404),
    ("return", "auditor"):   (403, 403, 403, 403, 404),
    ("return", "manager"):   (200, 403, 200, 404, 404),
    ("return", "reviewer"):  (403, 403, 404, 404, 404),
    ("return", "officer"):   (403, 403, 404, 404, 404),  # never an officer the entry credits
}
# fmt: on

#: action -> the status after a successful request
AFTER = {
    "get": "draft",
    "patch": "draft",
    "submit": "submitted",
    "withdraw": "draft",
    "verify": "verified",
    "return": "returned",
}
NEW_TITLE = "改过的标题"
REASON = "证明材料不全"


def _request(client, base: str, entry: Entry, action: str):
    detail = f"{base}{entry.pk}/"
    if action == "get":
        return client.get(detail)
    if action == "patch":
        return client.patch(detail, {"title": NEW_TITLE}, format="json")
    if action in ("return", "withdraw"):
        return client.post(f"{detail}{action}/", {"reason": REASON}, format="json")
    return client.post(f"{detail}{action}/", {}, format="json")


def test_matrix_table_is_complete():
    assert set(EXPECTED) == {(a, r) for a in START for r in ROLES}


def _cases():
    """Every cell of EXPECTED."""
    for action in START:
        for role in ROLES:
            for target in TARGETS:
                yield pytest.param(action, role, target, id=f"{action}-{role}-{target}")


@pytest.mark.parametrize(("action", "role", "target"), list(_cases()))
def test_permission_matrix(request, world, action, role, target):
    expected = EXPECTED[(action, role)][TARGETS.index(target)]
    owner = request.getfixturevalue("other_world") if target == "other_tenant" else world
    # logged by the centre's second admin: none of the roles below logged it
    entry = make_entry(owner, CREDITS[target], status=START[action], by="centre")
    before = state(entry)

    response = _request(world.api(role), world.url("achievements/"), entry, action)
    if action == "withdraw" and role in ("admin", "manager"):
        action = "return"  # someone else's entry: the withdraw is a return

    assert response.status_code == expected, response.content
    after = state(entry)
    if expected != 200 or action == "get":
        assert after == before  # a refused request (or a read) changes nothing
        if expected == 404:
            assert "title" not in response.json()  # nothing of the entry leaks
        return
    body = response.json()
    assert body["id"] == entry.pk
    assert body["status"] == after["status"] == AFTER[action]
    assert after["events"] == before["events"] + 1
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert event.actor == world.users[role]
    assert (event.from_status, event.to_status) == (START[action], AFTER[action])
    assert after["officers"] == before["officers"]
    if action == "patch":
        assert after["title"] == body["title"] == NEW_TITLE
        assert event.action == "updated"
        assert event.changes == {"title": [before["title"], NEW_TITLE]}
    else:
        assert after["title"] == before["title"]
        assert (
            event.action
            == {
                "submit": "submitted",
                "withdraw": "withdrawn",
                "verify": "verified",
                "return": "returned",
            }[action]
        )
    if action == "verify":
        assert after["verified_by"] == world.users[role].pk
    if action == "return":
        assert after["return_reason"] == body["return_reason"] == REASON
        assert event.reason == REASON


@pytest.mark.parametrize("role", ROLES)
def test_other_tenant_slug_is_404_for_every_verb(world, other_world, role):
    entry = make_entry(other_world, ["mine"], status="submitted")
    before = state(entry)
    client = world.api(role)
    base = other_world.url("achievements/")
    assert client.get(base).status_code == 404
    assert (
        client.post(
            base,
            {
                "title": "x",
                "occurred_on": "2025-01-01",
                "officers": [other_world.officers["mine"].pk],
            },
            format="json",
        ).status_code
        == 404
    )
    for action in START:
        assert _request(client, base, entry, action).status_code == 404, action
    assert state(entry) == before
    assert Entry.objects.filter(tenant=other_world.tenant).count() == 7


#: (start status, action) -> 409 expected: submit needs draft or returned;
#: withdraw, verify and return need submitted.
WRONG_STATE = [
    ("submitted", "submit"),
    ("verified", "submit"),
    ("draft", "withdraw"),
    ("returned", "withdraw"),
    ("verified", "withdraw"),
    ("draft", "verify"),
    ("returned", "verify"),
    ("verified", "verify"),
    ("draft", "return"),
    ("returned", "return"),
    ("verified", "return"),
]


@pytest.mark.parametrize("role", ["admin", "manager"])
@pytest.mark.parametrize(("start", "action"), WRONG_STATE)
def test_transition_from_wrong_state_is_409_and_changes_nothing(world, role, start, action):
    entry = make_entry(world, ["d1"], status=start, by="centre")
    before = state(entry)
    body = {"reason": REASON} if action in ("return", "withdraw") else {}
    response = world.api(role).post(
        world.url(f"achievements/{entry.pk}/{action}/"), body, format="json"
    )
    assert response.status_code == 409, response.content
    assert state(entry) == before


# --- the six collections ---------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "kind"), list(PREFIXES.items()))
def test_each_prefix_serves_its_own_kind(world, prefix, kind):
    client = world.api("admin")
    listed = client.get(world.url(prefix)).json()
    assert listed["count"] == 1
    assert [(e["id"], e["kind"]) for e in listed["results"]] == [(world.entries[kind].pk, kind)]
    # an entry of another kind is not found under this prefix
    other = world.entries["video" if kind != "video" else "case"]
    assert client.get(world.url(f"{prefix}{other.pk}/")).status_code == 404
    assert client.post(world.url(f"{prefix}{other.pk}/submit/")).status_code == 404
    assert Entry.objects.get(pk=other.pk).status == "draft"

    created = client.post(
        world.url(prefix),
        {"title": f"新 {kind}", "occurred_on": "2025-04-01", "officers": [world.officers["d1"].pk]},
        format="json",
    )
    assert created.status_code == 201, created.content
    entry = Entry.objects.get(pk=created.json()["id"])
    assert (entry.kind, entry.status) == (kind, "draft")
    assert created.json()["kind"] == kind

    # the whole review cycle works under every prefix (verified by another member)
    for action, status_after, who in (
        ("submit", "submitted", "admin"),
        ("verify", "verified", "manager"),
    ):
        response = world.api(who).post(world.url(f"{prefix}{entry.pk}/{action}/"))
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status_after
    assert Entry.objects.get(pk=entry.pk).status == "verified"


def test_list_visibility_by_role(world, other_world):
    entries = {t: make_entry(world, CREDITS[t]) for t in TARGETS if t != "other_tenant"}
    foreign = make_entry(other_world, ["mine"])
    fixture_entry = world.entries["achievement"].pk  # credits d1

    def ids(role):
        body = world.api(role).get(world.url("achievements/?page_size=100")).json()
        return {e["id"] for e in body["results"]}

    everything = {e.pk for e in entries.values()} | {fixture_entry}
    assert ids("admin") == everything
    assert ids("auditor") == everything
    assert ids("manager") == {
        entries["own"].pk,
        entries["co"].pk,
        entries["district"].pk,
        fixture_entry,
    }
    assert ids("reviewer") == {entries["own"].pk, entries["co"].pk}
    assert ids("officer") == {entries["own"].pk, entries["co"].pk}
    for role in ROLES:
        assert foreign.pk not in ids(role)


def test_unauthenticated_is_401(world):
    from rest_framework.test import APIClient

    entry = world.entries["achievement"]
    before = state(entry)
    client = APIClient()
    assert client.get(world.url("achievements/")).status_code == 401
    assert client.post(world.url(f"achievements/{entry.pk}/submit/")).status_code == 401
    assert state(entry) == before


# --- filters ---------------------------------------------------------------------------


@pytest.fixture
def filtered(world):
    """Entries with distinct statuses, officers, dates and titles (plus the
    fixture's draft achievement ``alpha achievement`` of 2025-03-03 crediting d1)."""
    return {
        "a": make_entry(world, ["mine"], title="智能传感器", occurred_on=dt.date(2025, 1, 10)),
        "b": make_entry(
            world,
            ["mine", "d2"],
            title="传感器封装工艺",
            occurred_on=dt.date(2025, 2, 20),
            status="submitted",
        ),
        "c": make_entry(
            world, ["d2"], title="Smart Grid", occurred_on=dt.date(2025, 6, 1), status="verified"
        ),
        "d": make_entry(
            world,
            ["city"],
            title="smart glass",
            occurred_on=dt.date(2025, 6, 30),
            status="returned",
        ),
        "fixture": world.entries["achievement"],
    }


def _ids(world, query: str, role: str = "admin") -> set[int]:
    response = world.api(role).get(world.url(f"achievements/?page_size=100&{query}"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return {e["id"] for e in body["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=draft", {"a", "fixture"}),
        ("status=submitted", {"b"}),
        ("status=verified", {"c"}),
        ("status=returned", {"d"}),
        ("officer={mine}", {"a", "b"}),
        ("officer={d2}", {"b", "c"}),
        ("officer={d1}", {"fixture"}),
        ("officer={city}", {"d"}),
        ("occurred_on__gte=2025-02-20", {"b", "c", "d", "fixture"}),
        ("occurred_on__lte=2025-02-20", {"a", "b"}),
        ("occurred_on__gte=2025-03-01&occurred_on__lte=2025-06-01", {"c", "fixture"}),
        ("q=传感器", {"a", "b"}),
        ("q=SMART", {"c", "d"}),
        ("q=smart&status=verified", {"c"}),
        ("officer={mine}&status=submitted", {"b"}),
        ("q=nothing-like-this", set()),
    ],
)
def test_filters_give_exact_result_sets(world, filtered, query, expected):
    query = query.format(**{name: o.pk for name, o in world.officers.items()})
    assert _ids(world, query) == {filtered[name].pk for name in expected}


def test_filters_stay_inside_reach(world, filtered):
    """Filtering by an officer out of reach shows nothing, not their entries."""
    assert _ids(world, f"officer={world.officers['d2'].pk}", role="officer") == {filtered["b"].pk}
    assert _ids(world, f"officer={world.officers['d2'].pk}", role="manager") == {filtered["b"].pk}
    assert _ids(world, "status=verified", role="manager") == set()


def test_the_district_filter_reads_the_tenants_credits_only(world, other_world, filtered):
    """Every tenant has a district ``d2``: the filter's subquery on the
    credits names the tenant (on the district it joins), so another tenant's
    credits are not read at all."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fixture = world.entries["achievement"]
    assert _ids(world, "district=d1") == {filtered["a"].pk, filtered["b"].pk, fixture.pk}
    with CaptureQueriesContext(connection) as queries:
        assert _ids(world, "district=d2") == {filtered["b"].pk, filtered["c"].pk}
    tenant = re.compile(rf'\."code" = .?d2.? AND U\d+\."tenant_id" = {world.tenant.id}\)')
    assert sum(bool(tenant.search(q["sql"])) for q in queries) == 2  # the count and the page


def test_bad_filter_value_is_400(world):
    response = world.api("admin").get(world.url("achievements/?status=approved"))
    assert response.status_code == 400
    assert "status" in response.json()


# --- query count -----------------------------------------------------------------------

LIST_QUERY_CAP = 7  # measured: 5 (token, membership, count, page, officers prefetch)


def _populate(world, n: int) -> None:
    for i in range(n):
        make_entry(
            world,
            ["mine", "d1", "d2"],
            title=f"成果 {i}",
            institution=f"大学 {i}",
            occurred_on=dt.date(2025, 1, 1) + dt.timedelta(days=i),
        )


@pytest.mark.parametrize("role", ROLES)
def test_list_query_count_is_capped_and_flat(world, django_assert_max_num_queries, role):
    client = world.api(role)
    url = world.url("achievements/?page_size=100")
    _populate(world, 10)
    client.get(url)  # warm-up (content types, policy caches)
    with django_assert_max_num_queries(LIST_QUERY_CAP) as small:
        response = client.get(url)
    assert response.status_code == 200
    mine = [e for e in response.json()["results"] if e["id"] != world.entries["achievement"].pk]
    assert len(mine) == 10  # every role sees them: they credit ``mine`` (d1, unit u1)
    assert all(len(e["officers"]) == 3 for e in mine)

    _populate(world, 20)
    with django_assert_max_num_queries(LIST_QUERY_CAP) as large:
        response = client.get(url)
    assert response.status_code == 200
    # the fixture's achievement credits d1: seen by admin, auditor and d1's manager
    assert response.json()["count"] == 30 + (role in ("admin", "auditor", "manager"))
    assert len(large.captured_queries) == len(small.captured_queries)
