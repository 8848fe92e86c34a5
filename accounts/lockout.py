"""Login lockout (django-axes), shared by the web login and the token API.

Axes records every failed ``authenticate()`` (Django's ``user_login_failed``
signal, with the username in ``credentials`` and the request) and refuses a
locked username in its backend, first in ``AUTHENTICATION_BACKENDS``. These
helpers add what the views need around it: whether the username was locked
*before* this attempt (the attempt that reaches the limit still answers
"wrong credentials"), a failed second factor counted like a wrong password,
and the reset after a successful login. The answer never depends on whether
the username exists.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def locked_message() -> str:
    """The one message of a lockout, the same for every username."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-ins for this username. It is locked for %(minutes)d "
        "minutes; try again later or ask the programme's administrator."
    ) % {"minutes": minutes}


def lockout_parameters(request, credentials=None) -> list[str]:
    """``AXES_LOCKOUT_PARAMETERS``: per username only, never per address (a
    bureau's staff share one address behind its gateway)."""
    return ["username"]


def login_locked(request: HttpRequest, username: str) -> bool:
    """Is ``username`` locked out now (known or not)?"""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def login_failed(request: HttpRequest, username: str, *, locked: bool = False) -> None:
    """A failed login that did not go through ``authenticate()`` (a wrong or
    missing second factor): sent as Django's ``user_login_failed`` so axes
    counts it and the audit log sees it. ``locked``: the username was already
    locked; axes then sends ``user_locked_out`` and records nothing more."""
    if locked:
        request.axes_locked_out = True
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def login_succeeded(username: str) -> None:
    """A login that needs no session (the token API): forget its failures,
    as ``AXES_RESET_ON_SUCCESS`` does for a session login."""
    reset(username=username)


def mark_handled(request: HttpRequest) -> None:
    """The view answers a lockout itself; see :func:`lockout_response`."""
    request.lockout_handled = True


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials=None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: keep the response of a view that answered
    the lockout itself (the login page, the token API); elsewhere (the admin
    site's login) a plain 429 with the same message."""
    if original_response is not None and getattr(request, "lockout_handled", False):
        return original_response
    return HttpResponse(locked_message(), status=429, content_type="text/plain; charset=utf-8")
