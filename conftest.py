"""Fixtures for every test folder: the tenants of ``tests/world.py`` and the
default language."""

import pytest
from django.conf import settings
from django.utils import translation

pytest_plugins = ["tests.world"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request that switched to
    English must not leak into the next test through the thread's state."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
