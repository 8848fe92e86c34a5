"""Role permissions of the tenant-scoped API.

A view names the roles allowed per action (``roles_for``). List and create
actions are checked before any object is read; detail actions only after the
object was found in the caller's scope, so an object out of reach answers
404 and a visible one the caller may not touch answers 403.
"""

from __future__ import annotations

from rest_framework import permissions

from accounts.choices import Role

ALL_ROLES = frozenset(Role.values)
ADMIN = frozenset({Role.ADMIN})
READERS = frozenset({Role.ADMIN, Role.AUDITOR})


class ActionRole(permissions.BasePermission):
    """Allows an action when the caller's role is listed for it."""

    def _allowed(self, request, view) -> bool:
        return view.membership.role in view.roles_for(request)

    def has_permission(self, request, view) -> bool:
        if getattr(view, "detail", False):
            return True  # decided in has_object_permission, once the object is in scope
        return self._allowed(request, view)

    def has_object_permission(self, request, view, obj) -> bool:
        return self._allowed(request, view) and view.may_act_on(obj)
