"""The role-aware navigation: which pages each role sees in the menu.
Later features add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import Role

A, AU, DM, UR, OF = (
    Role.ADMIN,
    Role.AUDITOR,
    Role.DISTRICT_MANAGER,
    Role.UNIT_REVIEWER,
    Role.OFFICER,
)

#: (url name, label, roles that see it, url-name prefixes of pages under it, menu)
#: Items with a menu name sit in a dropdown of that name.
ORGANISATION = pgettext_lazy("menu", "Organisation")
ASSESSMENT = pgettext_lazy("menu", "Assessment")
DUTIES = pgettext_lazy("menu", "Duties")  # issue 13: reports, agreements, days, trainings

NAV = [
    ("home", _("Home"), {A, AU, DM, UR, OF}, (), None),
    ("my-work", _("My work"), {OF}, ("entry-",), None),
    ("my-work", _("Ledgers"), {A, AU, DM, UR}, ("entry-",), None),
    ("review-queue", _("Review"), {A, DM}, (), None),
    ("ranking-current", _("Rankings"), {A, AU, DM}, ("ranking-",), ASSESSMENT),
    ("quota-list", _("Quotas"), {A, AU, DM}, ("quota-",), ASSESSMENT),
    ("assessment-current", _("Annual grades"), {A, AU, DM}, ("assessment-",), ASSESSMENT),
    ("rating-current", _("Ratings"), {A, AU, DM}, ("rating-",), ASSESSMENT),  # issue 12 ratings
    ("report-mine", _("My plans and reports"), {OF}, ("report-",), None),  # issue 13 reports
    ("match-list", _("Matches"), {OF}, ("match-",), None),  # issue 15 matches
    ("match-list", _("Matches"), {A, AU, DM}, ("match-",), ASSESSMENT),  # issue 15 matches
    ("report-review", _("Reports to review"), {A, DM}, ("report-review",), DUTIES),
    ("report-overdue", _("Overdue reports"), {A, AU, DM}, ("report-overdue",), DUTIES),
    ("agreement-list", _("Agreements"), {A, AU, DM, OF}, ("agreement-",), DUTIES),
    ("service-day-list", _("Service days"), {A, AU, DM, OF}, ("service-day-",), DUTIES),
    ("training-list", _("Trainings"), {A, AU, DM, OF}, ("training-",), DUTIES),
    (
        "nomination-list",
        _("Selection"),
        {A, AU, DM, UR},
        ("nomination-", "round-", "objection-"),
        None,
    ),
    ("officer-list", _("Officers"), {A, AU, DM, UR}, ("officer-", "statement-"), None),
    ("library", _("Libraries"), {A, AU, DM, UR, OF}, ("reference-",), ORGANISATION),
    ("district-list", _("Districts"), {A, AU, DM}, ("district-",), ORGANISATION),
    ("unit-list", _("Units"), {A, AU, UR}, ("unit-",), ORGANISATION),
    ("member-list", _("Members"), {A}, ("member-",), ORGANISATION),
    ("group-list", _("Groups"), {A, AU, DM, UR}, ("group-",), ORGANISATION),
    ("policy", _("Policy"), {A, AU, DM, UR, OF}, (), ORGANISATION),
    ("jobs", _("Scheduled jobs"), {A}, (), ORGANISATION),
    ("audit-list", _("Audit log"), {A, AU}, ("audit-",), ORGANISATION),  # issue 10 audit
    ("export-verify", _("Check a file"), {A, AU}, ("export-verify",), ORGANISATION),  # issue 14
    ("network-home", _("Province network"), {A}, ("network-",), ORGANISATION),  # issue 15
    # issue 17: the whole tenant as a zip
    ("tenant-export-list", _("Data export"), {A}, ("tenant-export-",), ORGANISATION),
]


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    active: bool
    children: tuple[NavItem, ...] = ()


def nav_items(membership, current_url_name: str | None) -> list[NavItem]:
    """The menu of a member's role: top-level items, and dropdowns whose
    children are the grouped items (a dropdown with one child is flattened)."""
    slug = membership.tenant.slug
    current = current_url_name or ""
    items: list[NavItem] = []
    groups: dict[str, list[NavItem]] = {}
    for name, label, roles, prefixes, menu in NAV:
        if membership.role not in roles:
            continue
        active = current == name or (bool(prefixes) and current.startswith(prefixes))
        item = NavItem(reverse(name, kwargs={"tenant_slug": slug}), label, active)
        if menu is None:
            items.append(item)
        else:
            groups.setdefault(menu, []).append(item)
    for menu, children in groups.items():
        if len(children) == 1:
            items.append(children[0])
        else:
            items.append(NavItem("", menu, any(c.active for c in children), tuple(children)))
    return items
