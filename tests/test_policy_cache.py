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

from accounts.models import Policy
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


#: Reads of the policy in force by each page without the cache: the page's
#: own (the two-factor check reads its rule with the membership, issue 16).
UNCACHED_READS = {"policy": 1, "officer-list": 2, "home": 1}


def test_the_api_reads_no_policy_for_the_two_factor_check(world):
    with CaptureQueriesContext(connection) as queries:
        assert world.api("admin").get(world.url("officers/")).status_code == 200
    assert _policy_reads(queries.captured_queries) == 0


def test_the_two_factor_rule_read_with_the_membership_is_the_one_in_force(world):
    """tenant_access reads the rule of the latest version in force today; a
    version from tomorrow is not, and a day before the first version (or a
    version without the rule) is read from the policy itself."""
    from accounts.selectors import mfa_missing, tenant_access

    slug, user = world.tenant.slug, world.users["admin"]
    today = policy_in_force(tenant=world.tenant).rules.get("mfa_required_roles", [])
    with time_machine.travel(dt.datetime(2026, 5, 4, 9), tick=False):
        rules = copy.deepcopy(policy_in_force(tenant=world.tenant).rules)
        rules["mfa_required_roles"] = ["admin"]
        policy_publish(
            tenant=world.tenant, rules=rules, effective_from=dt.date(2026, 5, 5), note="两步"
        )
        membership = tenant_access(user=user, slug=slug)
        assert membership.mfa_roles_on == (dt.date(2026, 5, 4), today)
        assert mfa_missing(membership=membership) is ("admin" in today)
    with time_machine.travel(dt.datetime(2026, 5, 5, 9), tick=False):
        membership = tenant_access(user=user, slug=slug)
        assert membership.mfa_roles_on == (dt.date(2026, 5, 5), ["admin"])
        assert mfa_missing(membership=membership) is True
        assert world.api("admin").get(world.url("officers/")).status_code == 403
    first = Policy.objects.filter(tenant=world.tenant).order_by("effective_from").first()
    with time_machine.travel(
        dt.datetime.combine(first.effective_from - dt.timedelta(days=1), dt.time(9)), tick=False
    ):
        membership = tenant_access(user=user, slug=slug)
        assert membership.mfa_roles_on[1] is None  # no version yet: the first one is read
        with CaptureQueriesContext(connection) as queries:
            assert mfa_missing(membership=membership) is (
                user.memberships.get().role in first.rules.get("mfa_required_roles", [])
            )
        assert _policy_reads(queries.captured_queries) == 1


def test_a_policy_saved_in_the_request_replaces_the_rule_read_with_the_membership(world):
    """tenant_access keeps the two-factor rule in the request's cache; a
    version published later in the same request empties it, so the check
    reads the new rule instead of the one read with the membership."""
    from accounts.selectors import mfa_missing, tenant_access

    slug, user = world.tenant.slug, world.users["admin"]
    rules = copy.deepcopy(policy_in_force(tenant=world.tenant).rules)  # outside the request
    assert "admin" not in rules.get("mfa_required_roles", [])
    with time_machine.travel(dt.datetime(2026, 5, 4, 9), tick=False), policy_cache():
        membership = tenant_access(user=user, slug=slug)
        with CaptureQueriesContext(connection) as queries:
            assert mfa_missing(membership=membership) is False
        assert _policy_reads(queries.captured_queries) == 0  # the rule read with the membership
        rules["mfa_required_roles"] = ["admin"]
        policy_publish(
            tenant=world.tenant, rules=rules, effective_from=dt.date(2026, 5, 4), note="两步"
        )
        assert mfa_missing(membership=membership) is True
