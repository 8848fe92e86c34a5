"""Fixtures for every test folder: the tenants of ``tests/world.py``, the
default language, and a clean cache."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

pytest_plugins = ["tests.world"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request that switched to
    English must not leak into the next test through the thread's state."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and throttles count per test, not across the whole run."""
    cache.clear()
    yield
