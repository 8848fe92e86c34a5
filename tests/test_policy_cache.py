"""The policy in force is read once per request (roster2): the two-factor
check of every tenant request and the page share one read; a version saved
in the request is read afresh."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.selectors import policy_cache, policy_in_force
from accounts.services import policy_publish

pytestmark = pytest.mark.django_db

MIDDLEWARE = "accounts.middleware.PolicyCacheMiddleware"


def _policy_reads(queries) -> int:
    """Reads of the policy in force (the version lists are other queries)."""
    return sum(
        1
        for q in queries
        if '"accounts_policy"."effective_from" <=' in q["sql"] and "LIMIT 1" in q["sql"]
    )


def test_two_reads_in_a_request_cost_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(2):  # no request: each read queries
        policy_in_force(tenant=world.tenant)
        policy_in_force(tenant=world.tenant)
    with policy_cache(), django_assert_num_queries(1):
        first = policy_in_force(tenant=world.tenant)
        assert policy_in_force(tenant=world.tenant) is first


def test_a_version_published_in_the_request_is_read_afresh(world):
    with time_machine.travel(dt.datetime(2026, 5, 4, 9), tick=False), policy_cache():
        before = policy_in_force(tenant=world.tenant)
        rules = copy.deepcopy(before.rules)
        rules["dormant_days"] = 60
        published = policy_publish(
            tenant=world.tenant, rules=rules, effective_from=dt.date(2026, 5, 4), note="改"
        )
        after = policy_in_force(tenant=world.tenant)
        assert (after.pk, after.rules["dormant_days"]) == (published.pk, 60)
        assert after.pk != before.pk


@pytest.mark.parametrize("page", ["policy", "officer-list", "home"])
def test_pages_read_the_policy_once(world, page):
    url = reverse(page, kwargs={"tenant_slug": world.tenant.slug})
    without = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]

    def get(middleware) -> list[dict]:
        with override_settings(MIDDLEWARE=middleware):
            client = Client()  # a client builds its middleware chain once
            client.force_login(world.users["admin"])
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
        return queries.captured_queries

    uncached, cached = get(without), get(settings.MIDDLEWARE)
    assert (_policy_reads(uncached), _policy_reads(cached)) == (UNCACHED_READS[page], 1)
    assert len(uncached) - len(cached) == UNCACHED_READS[page] - 1


#: Reads of the policy in force by each page without the cache (the
#: two-factor check, then the page's own).
UNCACHED_READS = {"policy": 2, "officer-list": 3, "home": 2}
