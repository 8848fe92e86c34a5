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

#: (url name, label, roles that see it, url-name prefixes of pages under it)
NAV = [
    ("home", _("Home"), {A, AU, DM, UR, OF}, ()),
    ("my-work", _("My work"), {OF}, ("entry-",)),
    ("my-work", _("Ledgers"), {A, AU, DM, UR}, ("entry-",)),
    ("review-queue", _("Review"), {A, DM}, ()),
    ("officer-list", _("Officers"), {A, AU, DM, UR}, ("officer-",)),
    ("district-list", _("Districts"), {A, AU, DM}, ("district-",)),
    ("unit-list", _("Units"), {A, AU, UR}, ("unit-",)),
    ("member-list", _("Members"), {A}, ("member-",)),
    ("library", _("Libraries"), {A, AU, DM, UR, OF}, ("reference-",)),
    ("policy", _("Policy"), {A, AU, DM, UR, OF}, ()),
]


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    active: bool


def nav_items(membership, current_url_name: str | None) -> list[NavItem]:
    slug = membership.tenant.slug
    current = current_url_name or ""
    return [
        NavItem(
            reverse(name, kwargs={"tenant_slug": slug}),
            label,
            current == name or current.startswith(prefixes) if prefixes else current == name,
        )
        for name, label, roles, prefixes in NAV
        if membership.role in roles
    ]
