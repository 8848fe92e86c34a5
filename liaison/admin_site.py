"""Django's admin site under the portal's sign-in rules.

The admin edits every tenant, like the platform pages, so it asks what they
ask (:func:`accounts.auth_views.operator_redirect`): a superuser must have
two-factor sign-in on and this session must have given its code. Its own
login form asked for a password alone, so a superuser with two-factor on
signed in there without a code (and was then signed in to the whole
portal): it now sends everyone to the portal's sign-in (lockout, then the
code) and back.
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index", current_app=self.name),
            login_url=reverse("login"),
        )

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            from accounts.auth_views import operator_redirect

            if request.user.is_active and request.user.is_staff and view.__name__ != "logout":
                refused = operator_redirect(request)
                if refused is not None:
                    return refused
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)
