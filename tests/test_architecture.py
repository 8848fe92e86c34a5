"""Architecture rules that keep tenants apart by construction."""

from __future__ import annotations

import pytest
from rest_framework import mixins

from liaison.api.viewsets import TenantScopedMixin, TenantScopedViewSet
from liaison.views import TenantPageMixin
from roster.models import District

from .test_isolation import tenant_patterns


def _view_class(pattern_callback):
    return getattr(pattern_callback, "cls", None) or getattr(pattern_callback, "view_class", None)


def test_every_tenant_url_goes_through_a_scoping_base_class():
    from django.urls import get_resolver

    from .test_isolation import _walk

    offenders = []
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if "tenant_slug" not in route:
            continue
        cls = _view_class(pattern.callback)
        base = TenantScopedMixin if (name or "").startswith("api:") else TenantPageMixin
        if cls is None or not issubclass(cls, base):
            offenders.append((name, route))
    assert offenders == []
    assert len(tenant_patterns()) >= 16


def test_a_viewset_cannot_override_get_queryset():
    with pytest.raises(TypeError, match="must not set queryset or override get_queryset"):

        class Leaky(mixins.ListModelMixin, TenantScopedViewSet):
            model = District

            def get_queryset(self):
                return District.objects.all()


def test_a_viewset_cannot_set_a_class_queryset():
    with pytest.raises(TypeError):

        class Leaky(mixins.ListModelMixin, TenantScopedViewSet):
            model = District
            queryset = District.objects.all()


@pytest.mark.django_db
def test_scope_hook_cannot_widen_past_the_tenant(world, other_world):
    class Widening(mixins.ListModelMixin, TenantScopedViewSet):
        model = District

        def scope_queryset(self, queryset):
            return District.objects.all()  # a mistake the base class must undo

    view = Widening()
    view.tenant = world.tenant
    assert set(view.get_queryset()) == set(world.districts.values())


def test_every_app_with_tests_is_collected():
    """A project app whose tests pytest never collects is a suite that cannot
    fail: each app folder holding tests is listed in pyproject's testpaths."""
    import tomllib
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    root = Path(settings.BASE_DIR)
    testpaths = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"
    ]["testpaths"]
    with_tests = sorted(
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).parent == root and (Path(config.path) / "tests").is_dir()
    )
    assert with_tests, "no project app found"
    assert [label for label in with_tests if label not in testpaths] == []
