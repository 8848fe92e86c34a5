"""Helpers of the audit tests: the rows a block of code added."""

from __future__ import annotations

import contextlib

import pytest

from audit.models import AuditEvent


class Recorded(list):
    """The audit rows written inside ``recording()``, oldest first."""

    def one(self, **match) -> AuditEvent:
        found = [e for e in self if all(getattr(e, k) == v for k, v in match.items())]
        assert len(found) == 1, (match, [(e.action, e.object_type, e.object_id) for e in self])
        return found[0]

    def keys(self) -> list[tuple[str, str, str]]:
        return [(e.action, e.object_type, e.object_id) for e in self]


@contextlib.contextmanager
def recording(tenant=None):
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = Recorded()
    yield rows
    query = AuditEvent.objects.filter(id__gt=last).order_by("id")
    if tenant is not None:
        query = query.filter(tenant=tenant)
    rows.extend(query)


@pytest.fixture
def record():
    return recording
