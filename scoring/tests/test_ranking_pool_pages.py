"""One pool at a time (issue 16 item 3): the API's opt-in page of a pool's
rows with the whole pool's figures in a header object (the default body is
unchanged), and the ranking page's pool picker and paginated table."""

from __future__ import annotations

import re

import pytest

from scoring.tests.test_ranking_pages import ROW, client_for
from scoring.tests.test_rankings_api import entry, officer, ranking

pytestmark = pytest.mark.django_db

URL = "rankings/2025/"


@pytest.fixture
def city_of_seven(world):
    """City pool of 7 (30% → 2 places): 赵六 100, 城1 10, 城2 10, 城3 5, 城4–城6 0."""
    o = world.officers
    o.update({f"c{n}": officer(world, f"城{n}") for n in range(1, 7)})
    entry(world, [o["city"]], kind="conversion")
    entry(world, [o["c1"]], kind="event")
    entry(world, [o["c2"]], kind="event")
    entry(world, [o["c3"]], kind="achievement")
    return world


def _get(w, who: str = "admin", **params):
    return w.api(who).get(w.url(URL), params)


def test_the_default_body_is_every_pool_with_every_row(city_of_seven):
    body = ranking(city_of_seven)
    assert list(body) == ["year", "status", "pools"]
    assert [(p["pool"], p["size"], len(p["rows"])) for p in body["pools"]] == [
        ("city", 7, 7),
        ("district:d1", 2, 2),
        ("district:d2", 1, 1),
    ]


def test_a_page_of_a_pool_with_the_whole_pools_figures(city_of_seven):
    w, o = city_of_seven, city_of_seven.officers
    whole = [r for p in ranking(w)["pools"] if p["pool"] == "city" for r in p["rows"]]
    response = _get(w, pool="city", page_size=3)
    assert response.status_code == 200, response.content
    body = response.json()
    base = "http://testserver/api/v1/tenants/alpha/rankings/2025/"
    assert (
        body
        == {
            "year": 2025,
            "status": "draft",
            "pool": {
                "pool": "city",
                "size": 7,
                "excellent_places": 2,
                "excellent": 3,  # 城1 and 城2 tie for the last place (ties included)
                "with_points": 4,
                "line": "10.00",
                "line_exact": "10",
            },
            "count": 7,
            "next": f"{base}?page=2&page_size=3&pool=city",
            "previous": None,
            "results": whole[:3],
        }
    )
    assert [r["officer"] for r in body["results"]] == [o["city"].id, o["c1"].id, o["c2"].id]
    second = w.api("admin").get(body["next"]).json()
    assert [r["officer"] for r in second["results"]] == [r["officer"] for r in whole[3:6]]
    assert second["next"] == f"{base}?page=3&page_size=3&pool=city"
    assert second["previous"] == f"{base}?page_size=3&pool=city"
    last = w.api("admin").get(second["next"]).json()
    assert (last["results"], last["next"]) == (whole[6:], None)
    assert last["previous"] == f"{base}?page=2&page_size=3&pool=city"


def test_the_default_page_size_is_fifty(city_of_seven):
    body = _get(city_of_seven, pool="district:d1").json()
    assert (body["count"], len(body["results"]), body["next"]) == (2, 2, None)
    assert body["pool"]["line"] is None  # no excellence place in a pool of 2


def test_a_final_ranking_names_its_finalisation_on_each_page(city_of_seven):
    from scoring.services import ranking_finalize

    w = city_of_seven
    ranking_finalize(membership=w.users["admin"].memberships.get(), year=2025)
    body = _get(w, pool="city", page=2, page_size=5).json()
    assert (body["status"], body["policy_version"], body["count"]) == ("final", 1, 7)
    assert "finalized_at" in body and len(body["results"]) == 2


def test_a_manager_pages_only_their_districts_pools(city_of_seven):
    w = city_of_seven
    assert _get(w, "manager", pool="district:d1").status_code == 200
    for name in ("city", "district:d2", "district:nowhere"):
        response = _get(w, "manager", pool=name)
        assert response.status_code == 404, name
    assert _get(w, "admin", pool="district:nowhere").status_code == 404


def test_a_page_past_the_last_is_404(city_of_seven):
    assert _get(city_of_seven, pool="city", page=2).status_code == 404
    assert _get(city_of_seven, pool="city", page=3, page_size=3).status_code == 200


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "2"}, "pool", "请指明要分页查看的排名范围（例如 pool=city）。"),
        ({"pool": "city", "page": "0"}, "page", "请填写从 1 起的整数。"),
        ({"pool": "city", "page": "x"}, "page", "请填写从 1 起的整数。"),
        ({"pool": "city", "page_size": "501"}, "page_size", "请填写 1 到 500 之间的整数。"),
    ],
)
def test_bad_paging_is_400_with_the_field_named(city_of_seven, params, field, message):
    response = _get(city_of_seven, **params)
    assert response.status_code == 400
    assert response.json()[field] == [message]


# --- the page ------------------------------------------------------------------------------

PAGE = "/t/alpha/rankings/2025/"
OPTION = re.compile(
    r'<option value="\?pool=([^"]+)" data-pool="([^"]+)"( selected)?>([^<]+)</option>'
)


def test_the_page_shows_one_pool_a_page_at_a_time(city_of_seven, settings):
    settings.RANKING_PAGE_SIZE = 3
    w, o = city_of_seven, city_of_seven.officers
    admin = client_for(w, "admin")
    html = admin.get(PAGE).content.decode()
    assert OPTION.findall(html) == [
        ("city", "city", " selected", "市派联络员 (7)"),
        ("district%3Ad1", "district:d1", "", "一区 (2)"),
        ("district%3Ad2", "district:d2", "", "二区 (1)"),
    ]
    assert [int(i) for _c, i in ROW.findall(html)] == [o["city"].id, o["c1"].id, o["c2"].id]
    assert '<span class="text-body-secondary small page-total">共 7 条</span>' in html
    assert 'href="?page=2" data-page="2"' in html
    second = admin.get(PAGE, {"pool": "city", "page": 2}).content.decode()
    assert [(c, int(i)) for c, i in ROW.findall(second)] == [
        ("", o["c3"].id),
        ("", o["c4"].id),
        ("", o["c5"].id),
    ]
    assert second.count('title="并列"') == 2  # 城4 and 城5 at 0 (城6 on page 3)
    assert 'class="boundary-line"' not in second
    assert 'class="boundary-line"' in html
    d1 = admin.get(PAGE, {"pool": "district:d1"}).content.decode()
    assert [int(i) for _c, i in ROW.findall(d1)] == sorted([o["mine"].id, o["d1"].id])
    assert admin.get(PAGE, {"pool": "district:nowhere"}).status_code == 404


def test_a_manager_picks_only_their_pools(city_of_seven):
    manager = client_for(city_of_seven, "manager")
    html = manager.get(PAGE).content.decode()
    assert [m[1] for m in OPTION.findall(html)] == ["district:d1"]
    assert manager.get(PAGE, {"pool": "city"}).status_code == 404


def test_ties_and_the_boundary_reach_across_a_pages_edge(city_of_seven, settings):
    """城1 (page 1) ties with 城2 (page 2) for the last excellence place."""
    settings.RANKING_PAGE_SIZE = 2
    w, o = city_of_seven, city_of_seven.officers
    admin = client_for(w, "admin")
    first = admin.get(PAGE).content.decode()
    assert [i for _c, i in ROW.findall(first)] == [str(o["city"].id), str(o["c1"].id)]
    assert first.count('title="并列"') == 1
    assert 'class="boundary-line"' not in first
    second = admin.get(PAGE, {"page": 2}).content.decode()
    assert ROW.findall(second) == [
        ("table-success boundary", str(o["c2"].id)),
        ("", str(o["c3"].id)),
    ]
    assert second.count('title="并列"') == 1
