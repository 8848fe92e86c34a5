"""Template context shared by every page: the caller's memberships (for the
tenant switcher) and the current one (for the role-aware navigation)."""

from __future__ import annotations

from liaison.navigation import nav_items

from .notifications import unread
from .selectors import membership_list


def portal(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    match = getattr(request, "resolver_match", None)
    return {
        "my_memberships": membership_list(user=user),
        "current_membership": membership,
        "nav": nav_items(membership, match.url_name if match else None) if membership else [],
        "unread_count": unread(membership=membership).count()
        if membership and membership.pk
        else 0,
    }
