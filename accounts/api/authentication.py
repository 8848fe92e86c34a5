"""API authentication: DRF tokens that expire.

``Authorization: Token KEY`` as before (API.md), but a token older than
``API_TOKEN_TTL_SECONDS`` (7 days by default) is refused with 401; the client
asks ``POST /api/v1/auth/token/`` again for a new key.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)


def token_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing expired tokens."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("The token has expired. Ask for a new one with POST /api/v1/auth/token/.")
            )
        return user, token
