"""Issue 16 lists: the ledgers and the roster keep API.md's page-number
contract by default and offer cursor pages as an opt-in (``?cursor=``),
in the same order, with no ``count``; the orderings need no join."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import Membership
from ledgers.models import Entry
from ledgers.selectors import entry_list
from ledgers.services import entry_create
from roster.models import Officer
from roster.selectors import officer_list
from roster.services import officer_create

from .world import TERM

pytestmark = pytest.mark.django_db


def _cursor(url: str | None) -> str | None:
    return None if url is None else parse_qs(urlsplit(url).query)["cursor"][0]


def _walk(client, path: str, *, page_size: int) -> tuple[list[int], list[dict]]:
    """Every id of the list, following ``next`` from ``?cursor=``; and each page."""
    ids, pages, url = [], [], f"{path}?cursor=&page_size={page_size}"
    while url:
        body = client.get(url).json()
        pages.append(body)
        assert "count" not in body
        ids += [row["id"] for row in body["results"]]
        url = body["next"]
    return ids, pages


@pytest.fixture
def ledger(world):
    """Eleven more achievements, several on one day (ties broken by id)."""
    admin = Membership.objects.get(user=world.users["admin"])
    for i, day in enumerate([1, 5, 5, 5, 9, 9, 12, 3, 3, 20, 1]):
        entry_create(
            tenant=world.tenant,
            membership=admin,
            kind="achievement",
            data={"title": f"成果 {i}", "occurred_on": dt.date(2025, 4, day)},
            officers=[world.officers["d1" if i % 2 else "d2"]],
        )
    return world


def test_page_numbers_stay_the_default(ledger):
    body = ledger.api("admin").get("/api/v1/tenants/alpha/achievements/?page_size=5").json()
    assert sorted(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 12
    assert body["next"].endswith("/api/v1/tenants/alpha/achievements/?page=2&page_size=5")
    expected = list(
        Entry.objects.filter(tenant=ledger.tenant, kind="achievement")
        .order_by("-occurred_on", "-id")
        .values_list("id", flat=True)
    )
    assert [row["id"] for row in body["results"]] == expected[:5]


def test_cursor_pages_walk_the_same_order_forwards_and_back(ledger):
    client = ledger.api("admin")
    path = "/api/v1/tenants/alpha/achievements/"
    every = [row["id"] for row in client.get(f"{path}?page_size=500").json()["results"]]
    assert len(every) == 12
    ids, pages = _walk(client, path, page_size=5)
    assert ids == every
    assert [len(p["results"]) for p in pages] == [5, 5, 2]
    assert pages[0]["previous"] is None and pages[-1]["next"] is None
    # previous from the last page is the second page, exactly
    back = client.get(pages[-1]["previous"]).json()
    assert back["results"] == pages[1]["results"]
    assert _cursor(back["next"]) == _cursor(pages[1]["next"])
    first = client.get(back["previous"]).json()
    assert first["results"] == pages[0]["results"]
    assert first["previous"] is None
    assert pages[1]["next"].startswith("http://testserver/api/v1/tenants/alpha/achievements/?")


def test_cursor_pages_keep_the_filters(ledger):
    client = ledger.api("admin")
    officer = ledger.officers["d1"].pk
    path = "/api/v1/tenants/alpha/achievements/"
    expected = list(
        entry_list(membership=Membership.objects.get(user=ledger.users["admin"]))
        .filter(kind="achievement", credits__officer=officer, occurred_on__gte="2025-04-02")
        .values_list("id", flat=True)
    )
    assert len(expected) == 5
    url = f"{path}?cursor=&page_size=3&officer={officer}&occurred_on__gte=2025-04-02"
    page = client.get(url).json()
    assert [row["id"] for row in page["results"]] == expected[:3]
    rest = client.get(page["next"]).json()
    assert [row["id"] for row in rest["results"]] == expected[3:]
    assert rest["next"] is None


def test_cursor_pages_stay_in_the_callers_reach(ledger):
    """The manager holds d1: a cursor walk shows d1's entries only."""
    manager = Membership.objects.get(user=ledger.users["manager"])
    expected = list(entry_list(membership=manager, kind="achievement").values_list("id", flat=True))
    ids, _pages = _walk(ledger.api("manager"), "/api/v1/tenants/alpha/achievements/", page_size=2)
    assert ids == expected
    assert len(ids) == 6  # the world's achievement and the five crediting d1


def test_officer_cursor_pages_walk_the_roster_order_through_empty_districts(world):
    """City officers have no district (NULL sorts last): the keyset steps over them."""
    for name, category, district in [
        ("甲", "city", None),
        ("乙", "district", "d2"),
        ("丙", "city", None),
        ("丁", "district", "d1"),
    ]:
        officer_create(
            tenant=world.tenant,
            full_name=name,
            category=category,
            district=world.districts[district] if district else None,
            term_start=TERM[0],
            term_end=TERM[1],
        )
    admin = Membership.objects.get(user=world.users["admin"])
    expected = list(officer_list(membership=admin).values_list("id", flat=True))
    assert len(expected) == Officer.objects.filter(tenant=world.tenant).count() == 8
    client = world.api("admin")
    path = "/api/v1/tenants/alpha/officers/"
    for size in (1, 3):
        ids, _pages = _walk(client, path, page_size=size)
        assert ids == expected
    every = [row["id"] for row in client.get(f"{path}?page_size=500").json()["results"]]
    assert every == expected


def test_a_bad_cursor_is_a_400_with_a_message(world):
    client = world.api("admin")
    for bad in ("nonsense", "eyJwIjpbMV0sInIiOjB9", "eyJwIjpbIngiLDFdLCJyIjowfQ"):
        response = client.get(f"/api/v1/tenants/alpha/achievements/?cursor={bad}")
        assert response.status_code == 400
        assert list(response.json()) == ["cursor"]


def test_the_schema_documents_the_cursor_where_it_is_offered(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]

    def params(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    assert {"cursor", "page", "page_size"} <= params("/api/v1/tenants/{tenant_slug}/achievements/")
    assert "cursor" in params("/api/v1/tenants/{tenant_slug}/officers/")
    assert "cursor" not in params("/api/v1/tenants/{tenant_slug}/districts/")
    name = paths["/api/v1/tenants/{tenant_slug}/achievements/"]["get"]["responses"]["200"]
    ref = name["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    body = schema["components"]["schemas"][ref]
    assert body["required"] == ["results"]
    assert sorted(body["properties"]) == ["count", "next", "previous", "results"]
