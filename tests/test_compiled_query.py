"""``liaison.compiled.CompiledQuery`` (issue 16): a queryset compiled once
and run with new values answers what the ORM answers for those values."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from accounts.models import Membership
from accounts.selectors import _membership, _membership_query, policy_in_force
from accounts.services import policy_publish
from liaison.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def _seen(memberships):
    return [
        (m.pk, m.tenant.slug, m.user_id, m.role, m.is_active, m.created_at, m.mfa_roles_in_force)
        for m in memberships
    ]


def test_each_caller_and_tenant_gets_what_the_orm_gets(world, other_world):
    """Every member of two tenants against both slugs and a missing one, on
    days before any policy, under the first version and under a later one
    requiring two-factor of managers: the compiled query's rows equal the
    ORM's, field for field, and the day decides the rule."""
    first = policy_in_force(tenant=world.tenant)
    with time_machine.travel(dt.datetime(2026, 5, 30, 9), tick=False):
        rules = {**copy.deepcopy(first.rules), "mfa_required_roles": ["district_manager"]}
        policy_publish(
            tenant=world.tenant, rules=rules, effective_from=dt.date(2026, 6, 1), note="两步"
        )
    users = [*world.users.values(), *other_world.users.values()]
    slugs = [world.tenant.slug, other_world.tenant.slug, "no-such-tenant"]
    Membership.objects.filter(user=world.users["auditor"]).update(is_active=False)
    manager = {"slug": world.tenant.slug, "user_id": world.users["manager"].pk}
    rule = {
        day: _membership_query.list(**manager, day=day)[0].mfa_roles_in_force
        for day in (dt.date(1999, 1, 1), dt.date(2026, 5, 31), dt.date(2026, 6, 1))
    }
    assert rule == {
        dt.date(1999, 1, 1): None,  # before the first version
        dt.date(2026, 5, 31): first.rules.get("mfa_required_roles"),
        dt.date(2026, 6, 1): ["district_manager"],
    }
    found = 0
    for day in (dt.date(1999, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 7, 1)):
        for user in users:
            for slug in slugs:
                values = {"slug": slug, "user_id": user.pk, "day": day}
                compiled = _membership_query.list(**values)
                assert _seen(compiled) == _seen(_membership(**values))
                found += len(compiled)
    # each active member finds their own tenant once per day; the inactive auditor nothing
    assert found == 3 * (len(users) - 1)


def test_the_tenant_comes_with_the_membership(world, django_assert_num_queries):
    user = world.users["manager"]
    with django_assert_num_queries(1):
        (membership,) = _membership_query.list(
            slug=world.tenant.slug, user_id=user.pk, day=dt.date(2025, 3, 1)
        )
        assert membership.tenant == world.tenant
        assert membership.role == "district_manager"


def test_a_sample_folded_into_the_sql_is_refused(world):
    """A sample the SQL does not carry as a parameter cannot be replaced:
    the query is refused when first run, not answered for the sample."""
    query = CompiledQuery(
        lambda *, slug, limit: Membership.objects.filter(tenant__slug=slug)[:limit],
        slug="\x00sample",
        limit=7,
    )
    with pytest.raises(ImproperlyConfigured, match="limit"):
        query.list(slug=world.tenant.slug, limit=1)


def test_a_constant_equal_to_a_sample_is_refused(world):
    """A sample that a constant of the query happens to equal would have the
    constant replaced too: compiling with a second sample shows it."""
    query = CompiledQuery(
        lambda *, slug, least: Membership.objects.filter(tenant__slug=slug, pk__gte=least).exclude(
            pk=7
        ),
        slug="\x00sample",
        least=7,
    )
    with pytest.raises(ImproperlyConfigured, match="one to one"):
        query.list(slug=world.tenant.slug, least=1)


def test_a_value_of_another_type_is_refused(world):
    """None (IS NULL to the ORM) or a model instance (its pk) is not put into
    the SQL as it is."""
    day = dt.date(2026, 3, 1)
    with pytest.raises(TypeError, match="user_id: NoneType, not int"):
        _membership_query.list(slug=world.tenant.slug, user_id=None, day=day)
    with pytest.raises(TypeError, match="user_id: User, not int"):
        _membership_query.list(slug=world.tenant.slug, user_id=world.users["admin"], day=day)
