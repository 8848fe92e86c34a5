"""The roster API's first page costs a fixed number of queries (issue 16
lists: the fixed cost of a list, beside its bare DRF floor)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_the_first_page_of_officers_for_an_admin(world):
    client = world.api("admin")
    assert client.get(world.url("officers/")).status_code == 200  # the token's first use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(world.url("officers/"))
    assert response.status_code == 200
    assert response.json()["count"] == len(response.json()["results"]) > 0
    sql = [q["sql"] for q in queries.captured_queries]
    # the token with its user; the membership with its tenant and the
    # two-factor rule in force (no policy read of its own); the count; the page
    assert len(sql) == 4, sql
    assert sql[0].startswith('SELECT "authtoken_token"')
    assert sql[1].startswith('SELECT "accounts_membership"')
    assert "mfa_roles_in_force" in sql[1] and 'INNER JOIN "accounts_tenant"' in sql[1]
    assert sql[2].startswith('SELECT COUNT(*) AS "__count" FROM "roster_officer"')
    assert sql[3].startswith('SELECT "roster_officer"')


def test_a_filter_named_in_the_query_string_still_filters_and_validates(world):
    client = world.api("admin")
    every = client.get(world.url("officers/")).json()["count"]
    city = client.get(world.url("officers/?category=city")).json()
    assert 0 < city["count"] < every
    assert {o["category"] for o in city["results"]} == {"city"}
    assert client.get(world.url("officers/?status=nonsense")).status_code == 400
    # a parameter no filter names: the whole list, as before
    assert client.get(world.url("officers/?nothing=1")).json()["count"] == every
