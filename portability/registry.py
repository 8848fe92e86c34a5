"""Which tables a tenant's export holds, how their rows are found, and in
which order an import writes them.

Every concrete model of the project's apps (``audit.triggers.project_models``)
is either carried or named in :data:`NOT_CARRIED` with its reason
(``portability/tests/test_registry.py`` fails on a model that is neither):

- a model with a ``tenant`` column (every ``TenantOwnedModel``, the audit log
  and the record of exported files): the tenant's rows;
- a tenant-less child (credits, evidence, histories, guardian grants,
  many-to-many rows): the rows whose tenant-owned parent is the tenant's;
- users: those the carried rows point at (see ``portability.services``).

A row that points at a tenant-owned row of *another* tenant (a city's
network membership and published items point at the province's network; a
match may suggest another tenant's published achievement) is not the
tenant's alone and is left out: the manifest counts what was carried.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

#: label_lower -> why the rows are not in a tenant's export.
NOT_CARRIED: dict[str, str] = {
    "accounts.user": "carried apart: the users the tenant's rows name (users.jsonl)",
    "accounts.tenant": "carried apart: the tenant itself (tenant.json); import names a new one",
    "accounts.idempotencykey": "a replay cache of POST answers per user, not the tenant's data",
    "accounts.user_groups": "Django groups are unused (roles are memberships)",
    "accounts.user_user_permissions": "Django global permissions are unused",
    "platformadmin.tenantpurge": "the operator's record of purged tenants, not a tenant's data",
    "matching.networkmatch": "derived, and names other members' published items: the copy "
    "is matched again once it rejoins a network",
    "matching.networkfeedback": "names other members' published items, which the copy "
    "does not hold: its officers judge the network's suggestions again once it rejoins",
    "scoring.rankingversion": "derived: counters naming the cached rankings; the imported "
    "tenant (a new creation time, new cache keys) starts its own at its first change",
}

#: Tables whose rows are history: the import inserts them as they were (the
#: database refuses UPDATE and DELETE on them, never INSERT).
HISTORY = ("audit.auditevent", "audit.exportrecord", "ledgers.entryevent")


@dataclass(frozen=True)
class Carried:
    """One carried table. ``scope`` is the lookup that finds the tenant's
    rows (``tenant`` or ``<parent fk>__tenant``); ``links`` the foreign keys
    to tenant-owned rows that must be the tenant's too."""

    label: str
    model: type[models.Model]
    scope: str
    links: tuple[str, ...]

    @property
    def fields(self) -> list[models.Field]:
        return list(self.model._meta.concrete_fields)


def project_models() -> list[type[models.Model]]:
    from audit.triggers import project_models as found

    return found()


def _has_tenant(model) -> bool:
    try:
        field = model._meta.get_field("tenant")
    except FieldDoesNotExist:
        return False
    return field.is_relation and field.related_model._meta.label_lower == "accounts.tenant"


def _scope(model) -> str | None:
    if _has_tenant(model):
        return "tenant"
    for field in model._meta.concrete_fields:
        if field.is_relation and field.many_to_one and _has_tenant(field.related_model):
            return f"{field.name}__tenant"
    return None


def target_label(field: models.Field) -> str:
    return field.related_model._meta.label_lower


@cache
def carried() -> tuple[Carried, ...]:
    """The carried tables in an order that writes every parent before its
    children (a table's references to itself are fixed up after it)."""
    specs: dict[str, Carried] = {}
    for model in project_models():
        label = model._meta.label_lower
        if label in NOT_CARRIED:
            continue
        scope = _scope(model)
        if scope is None:
            raise LookupError(f"{label}: neither carried nor in NOT_CARRIED")
        links = tuple(
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation
            and f.db_constraint
            and f.name != "tenant"
            and _has_tenant(f.related_model)
        )
        specs[label] = Carried(label=label, model=model, scope=scope, links=links)
    order: list[str] = []
    visiting: set[str] = set()

    def visit(label: str) -> None:
        if label in order:
            return
        if label in visiting:
            raise LookupError(f"foreign keys form a cycle through {label}")
        visiting.add(label)
        for field in specs[label].model._meta.concrete_fields:
            if field.is_relation:
                target = target_label(field)
                if target != label and target in specs:
                    visit(target)
        visiting.discard(label)
        order.append(label)

    # the audit log last: its object ids name rows of every other table
    for label in sorted(specs, key=lambda label: (label.startswith("audit."), label)):
        visit(label)
    return tuple(specs[label] for label in order)


def by_label() -> dict[str, Carried]:
    return {spec.label: spec for spec in carried()}


def user_label() -> str:
    return settings.AUTH_USER_MODEL.lower()
