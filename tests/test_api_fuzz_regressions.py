"""Regressions found by running schemathesis against the served schema
(issue 10): every 5xx it found is reproduced here and must now be a 4xx."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

#: Larger than any 64-bit integer column (SQLite raises OverflowError on it).
HUGE = "-2310369096987821735936"


@pytest.mark.parametrize("prefix", ["videos/", "achievements/", "events/"])
@pytest.mark.parametrize("param", ["officer", "enterprise"])
def test_entry_list_refuses_an_id_filter_out_of_range(world, prefix, param):
    response = world.api("admin").get(world.url(prefix), {param: HUGE})
    assert response.status_code == 400
    assert response.json() == {param: ["不是有效的编号。"]}


@pytest.mark.parametrize("value", ["1.5", "0", "abc"])
def test_entry_list_refuses_an_officer_filter_that_is_no_id(world, value):
    response = world.api("admin").get(world.url("achievements/"), {"officer": value})
    assert response.status_code == 400
    assert response.json() == {"officer": ["不是有效的编号。"]}


def test_entry_list_still_filters_by_officer(world):
    api = world.api("admin")
    credited = api.get(world.url("achievements/"), {"officer": world.officers["d1"].pk})
    other = api.get(world.url("achievements/"), {"officer": world.officers["d2"].pk})
    assert [row["id"] for row in credited.json()["results"]] == [world.entries["achievement"].pk]
    assert other.json()["results"] == []
