"""createtenant, presets loaded into policies, and policy versions by date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import Membership, Policy, Tenant, User
from accounts.presets import preset_rules
from accounts.selectors import policy_in_force, tenant_access
from accounts.services import policy_publish

pytestmark = pytest.mark.django_db

PW = "Adm1n-pass-word!"


def _create(slug="city", preset="wuhan", admin="city-admin"):
    call_command(
        "createtenant",
        slug,
        "--name",
        "某市科技局",
        "--preset",
        preset,
        "--admin",
        admin,
        "--password",
        PW,
    )


def test_createtenant_creates_tenant_policy_and_admin_login():
    _create()
    tenant = Tenant.objects.get(slug="city")
    assert (tenant.name, tenant.preset) == ("某市科技局", "wuhan")
    admin = User.objects.get(username="city-admin")
    assert admin.check_password(PW)
    assert list(Membership.objects.values_list("tenant__slug", "user__username", "role")) == [
        ("city", "city-admin", "admin")
    ]
    policy = Policy.objects.get(tenant=tenant)
    assert (policy.version, policy.preset, policy.rules) == (1, "wuhan", preset_rules("wuhan"))


def test_createtenant_duplicate_slug_fails_clearly_and_changes_nothing():
    _create()
    with pytest.raises(CommandError, match=r"“city”.*已存在"):
        _create(admin="someone-else")
    assert Tenant.objects.count() == 1
    assert not User.objects.filter(username="someone-else").exists()
    assert Policy.objects.count() == 1


def test_createtenant_refuses_a_taken_admin_username_and_writes_nothing():
    _create()
    with pytest.raises(CommandError, match="“city-admin”"):
        _create(slug="town", admin="city-admin")
    assert list(Tenant.objects.values_list("slug", flat=True)) == ["city"]


def test_createtenant_refuses_unknown_preset():
    with pytest.raises(CommandError):
        _create(preset="atlantis")
    assert Tenant.objects.count() == 0


def test_createtenant_refuses_a_weak_password_and_writes_nothing():
    with pytest.raises(CommandError, match="password: "):
        call_command(
            "createtenant",
            "weak",
            "--name",
            "W",
            "--preset",
            "wuhan",
            "--admin",
            "weak-admin",
            "--password",
            "123",
        )
    assert (Tenant.objects.count(), User.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("preset", "categories", "pools", "ratio", "tie", "term_years"),
    [
        ("wuhan", ["city", "district"], ["city", "district"], "0.30", "include", 2),
        ("yangquan", ["commissioner"], ["all"], None, None, 1),
        ("puyang", ["A", "B"], ["all", "all"], None, None, 2),
        ("suzhou", ["specialist"], ["district"], None, None, 2),
        ("hubei", ["A", "B"], ["all", "all"], None, None, 2),
    ],
)
def test_each_preset_loads_with_its_numbers(preset, categories, pools, ratio, tie, term_years):
    _create(slug=f"t-{preset}", preset=preset, admin=f"{preset}-admin")
    tenant = Tenant.objects.get(slug=f"t-{preset}")
    rules = policy_in_force(tenant=tenant).rules
    assert [c["code"] for c in rules["categories"]] == categories
    assert [c["pool"] for c in rules["categories"]] == pools
    excellence = rules["excellence"] or {}
    assert (excellence.get("ratio"), excellence.get("tie")) == (ratio, tie)
    assert rules["term_years"] == term_years
    assert (
        rules["points"] == {}
        if preset != "wuhan"
        else rules["points"]
        == {
            "achievement": 5,
            "demand": 5,
            "event": 10,
            "conversion": 100,
            "case": 0,
            "video": 0,
        }
    )


def test_policy_versions_apply_by_effective_date():
    _create()
    tenant = Tenant.objects.get(slug="city")
    first = Policy.objects.get(tenant=tenant)
    first.effective_from = dt.date(2025, 1, 1)
    first.save()
    rules = preset_rules("wuhan")
    rules["points"]["event"] = 12
    second = policy_publish(tenant=tenant, rules=rules, effective_from=dt.date(2026, 1, 1))
    assert second.version == 2
    assert policy_in_force(tenant=tenant, on=dt.date(2025, 12, 31)) == first
    assert policy_in_force(tenant=tenant, on=dt.date(2026, 1, 1)) == second
    assert policy_in_force(tenant=tenant, on=dt.date(2024, 6, 1)) == first  # before any version
    assert policy_in_force(tenant=tenant, on=dt.date(2025, 6, 1)).rules["points"]["event"] == 10
    assert policy_in_force(tenant=tenant, on=dt.date(2026, 6, 1)).rules["points"]["event"] == 12


def test_policy_publish_refuses_a_second_version_on_the_same_day():
    _create()
    tenant = Tenant.objects.get(slug="city")
    policy_publish(tenant=tenant, rules=preset_rules("wuhan"), effective_from=dt.date(2030, 1, 1))
    with pytest.raises(ValidationError):
        policy_publish(
            tenant=tenant, rules=preset_rules("wuhan"), effective_from=dt.date(2030, 1, 1)
        )
    assert Policy.objects.filter(tenant=tenant).count() == 2


def test_policy_of_one_tenant_never_answers_for_another():
    _create(slug="one", admin="one-admin")
    _create(slug="two", preset="yangquan", admin="two-admin")
    one, two = Tenant.objects.get(slug="one"), Tenant.objects.get(slug="two")
    assert policy_in_force(tenant=one).preset == "wuhan"
    assert policy_in_force(tenant=two).preset == "yangquan"


def test_tenant_access_same_404_for_missing_and_foreign():
    from django.http import Http404

    _create(slug="one", admin="one-admin")
    _create(slug="two", admin="two-admin")
    user = User.objects.get(username="one-admin")
    assert tenant_access(user=user, slug="one").role == "admin"
    with pytest.raises(Http404) as foreign:
        tenant_access(user=user, slug="two")
    with pytest.raises(Http404) as missing:
        tenant_access(user=user, slug="nowhere")
    assert str(foreign.value) == str(missing.value)


def test_inactive_membership_has_no_access():
    from django.http import Http404

    _create(slug="one", admin="one-admin")
    Membership.objects.update(is_active=False)
    with pytest.raises(Http404):
        tenant_access(user=User.objects.get(username="one-admin"), slug="one")
