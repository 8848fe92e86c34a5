"""API errors of the accounts app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class TwoFactorRequired(exceptions.PermissionDenied):
    """403 ``{"detail", "code": "mfa_required"}``: the tenant's policy requires
    two-factor for the caller's role and the caller has not turned it on."""

    default_detail = _(
        "This programme requires two-factor sign-in for your role. Turn it on "
        "(POST /api/v1/auth/mfa/setup/, then confirm), then try again."
    )
    default_code = "mfa_required"

    def __init__(self):
        # A dict detail is the body as it stands (DRF's exception handler).
        super().__init__(detail={"detail": self.default_detail, "code": self.default_code})


class LoginLocked(exceptions.APIException):
    """429 ``{"detail"}``: the username is locked after too many failures."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_locked"
