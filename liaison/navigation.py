"""The role-aware navigation: which pages each role sees in the menu.
Later features add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

A, AU, DM, UR, OF = (
    Role.ADMIN,
    Role.AUDITOR,
    Role.DISTRICT_MANAGER,
    Role.UNIT_REVIEWER,
    Role.OFFICER,
)

#: (url name, label, roles that see it)
NAV = [
    ("home", _("Home"), {A, AU, DM, UR, OF}),
    ("officer-list", _("Officers"), {A, AU, DM, UR}),
    ("district-list", _("Districts"), {A, AU, DM}),
    ("unit-list", _("Units"), {A, AU, UR}),
    ("member-list", _("Members"), {A}),
    ("policy", _("Policy"), {A, AU, DM, UR, OF}),
]


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    active: bool


def nav_items(membership, current_url_name: str | None) -> list[NavItem]:
    slug = membership.tenant.slug
    return [
        NavItem(
            reverse(name, kwargs={"tenant_slug": slug}),
            label,
            current_url_name == name
            or (current_url_name or "").startswith(name.split("-")[0] + "-"),
        )
        for name, label, roles in NAV
        if membership.role in roles
    ]
