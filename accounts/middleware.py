"""Middleware of the accounts app."""

from __future__ import annotations

from .selectors import policy_cache


class PolicyCacheMiddleware:
    """Each request reads a tenant's policy in force once (the two-factor
    check of every tenant request, then the page or API view); the cache
    ends with the request and is emptied when a policy is saved in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with policy_cache():
            return self.get_response(request)
