"""`manage.py demo` loads the demo tenants once and a login for every role."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Membership, Policy, Tenant
from ledgers.models import Entry
from roster.models import Officer

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Tenant.objects.count(),
        Officer.objects.count(),
        Entry.objects.count(),
        Membership.objects.count(),
    )


def test_demo_is_idempotent_and_has_every_role(capsys):
    call_command("demo")
    first = _counts()
    call_command("demo")
    assert _counts() == first
    assert first[:2] == (2, 73)
    roles = dict(
        Membership.objects.filter(tenant__slug="wuhan-demo").values_list("user__username", "role")
    )
    assert {
        roles[u]
        for u in (
            "demo-admin",
            "demo-auditor",
            "demo-manager",
            "demo-reviewer",
            "demo-officer",
            "demo-city-officer",
        )
    } == {"admin", "auditor", "district_manager", "unit_reviewer", "officer"}
    assert sorted(
        Membership.objects.filter(user__username="demo-auditor").values_list(
            "tenant__slug", flat=True
        )
    ) == ["wuhan-demo", "yangquan-demo"]
    statuses = set(Entry.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "verified", "returned"}
    assert "demo-officer" in capsys.readouterr().out
    # issue 10: the demo programme requires two-factor of admins and auditors
    rules = Policy.objects.get(tenant__slug="wuhan-demo").rules
    assert rules["mfa_required_roles"] == ["admin", "auditor"]
