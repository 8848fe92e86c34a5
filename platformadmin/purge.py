"""Deleting a tenant for good, with every row that belongs to it.

``Tenant.delete()`` cannot do it: many foreign keys PROTECT (an entry's
officer, a report's author), and the append-only tables (the audit log, an
entry's history, a nomination's steps, the export records) refuse DELETE
in the database. The purge therefore

1. finds the rows of the tenant: every row with the tenant's column, every
   tenant-less child of such a row (credits, evidence, history rows, grants,
   many-to-many rows) and, in any tenant, rows that CASCADE from them;
2. deletes them table by table, children first, under
   :func:`audit.context.purging`, which lets the append-only triggers pass
   and keeps the row triggers quiet (on PostgreSQL the flag travels in the
   ``audit.context`` setting every write already carries, so the database
   user needs no superuser right, unlike ``session_replication_role``);
3. deletes the logins that belonged to this tenant only (never a platform
   admin or staff account), through Django so that their tokens, devices
   and grants go too;
4. deletes the tenant row and, once committed, its files;
5. writes a :class:`~platformadmin.models.TenantPurge` and an audit event
   outside any tenant, both of which survive.

All of it is one transaction: a row that another tenant still PROTECTs
stops the purge and nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from functools import partial

from django.db import models, router, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from accounts.models import Membership, Tenant, User
from audit.choices import AuditAction
from audit.context import purging
from audit.services import audit_record
from audit.triggers import project_models

from .models import TenantPurge

log = logging.getLogger(__name__)

#: ids per ``IN (...)`` (SQLite's limit on bound variables is far above it).
CHUNK = 500
#: Models the purge never selects from: the tenant and users (their own
#: steps) and the purge records themselves.
SKIPPED = {"accounts.tenant", "accounts.user", "platformadmin.tenantpurge"}


def _tenant_column(model) -> str | None:
    """The field naming a row's tenant directly, if any."""
    for field in model._meta.concrete_fields:
        if field.is_relation and field.many_to_one and field.related_model is Tenant:
            return field.name
    return None


def _chunks(ids: list) -> list[list]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _select(model, field: str, ids) -> set:
    found: set = set()
    for chunk in _chunks(sorted(ids)):
        found.update(
            model._base_manager.filter(**{f"{field}__in": chunk}).values_list("pk", flat=True)
        )
    return found


def doomed_rows(tenant: Tenant) -> dict[type[models.Model], set]:
    """Primary keys of every row that goes with ``tenant``, by model."""
    candidates = [m for m in project_models() if m._meta.label_lower not in SKIPPED]
    doomed: dict[type[models.Model], set] = defaultdict(set)
    for model in candidates:
        column = _tenant_column(model)
        if column is not None:
            doomed[model] |= set(
                model._base_manager.filter(**{column: tenant.pk}).values_list("pk", flat=True)
            )
    # Children and cascades, until nothing more is found (chains are short).
    changed = True
    while changed:
        changed = False
        for model in candidates:
            direct = _tenant_column(model) is not None
            for field in model._meta.concrete_fields:
                if not (field.is_relation and field.many_to_one):
                    continue
                parent = field.related_model
                if parent is Tenant or not doomed.get(parent):
                    continue
                # a tenant-less row belongs to its parent's tenant; a row of
                # another tenant goes only where the database would cascade
                if direct and field.remote_field.on_delete is not models.CASCADE:
                    continue
                new = _select(model, field.name, doomed[parent]) - doomed[model]
                if new:
                    doomed[model] |= new
                    changed = True
    return {model: ids for model, ids in doomed.items() if ids}


def _order(models_: list) -> list:
    """Children before parents (self-references ignored; the database checks
    foreign keys at commit, so a cycle only costs the order, not the purge)."""
    remaining = set(models_)
    ordered = []
    while remaining:
        leaves = [
            m
            for m in remaining
            if not any(
                other is not m
                and any(
                    f.is_relation and f.many_to_one and f.related_model is m
                    for f in other._meta.concrete_fields
                )
                for other in remaining
            )
        ]
        if not leaves:  # a cycle: take the rest in name order
            leaves = list(remaining)
        for m in sorted(leaves, key=lambda m: m._meta.label_lower):
            ordered.append(m)
            remaining.discard(m)
    return ordered


def _files(model, ids: set) -> list[tuple]:
    """(storage, name) of the files of the rows about to go."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    found = []
    for field in fields:
        for chunk in _chunks(sorted(ids)):
            for name in model._base_manager.filter(pk__in=chunk).values_list(field.name, flat=True):
                if name:
                    found.append((field.storage, name))
    return found


def _users_of_tenant_only(tenant: Tenant) -> list[int]:
    """Logins whose every membership is in ``tenant`` (no platform admin)."""
    members = set(Membership.objects.filter(tenant=tenant).values_list("user_id", flat=True))
    elsewhere = set(
        Membership.objects.filter(user_id__in=members)
        .exclude(tenant=tenant)
        .values_list("user_id", flat=True)
    )
    return sorted(
        User.objects.filter(
            pk__in=members - elsewhere, is_superuser=False, is_staff=False
        ).values_list("pk", flat=True)
    )


def _delete_users(ids: list[int]) -> int:
    """Delete the logins through Django (tokens, devices, grants go along);
    a login another tenant's rows still PROTECT is kept."""
    try:
        with transaction.atomic():
            _total, per_model = User.objects.filter(pk__in=ids).delete()
            return per_model.get(User._meta.label, 0)
    except (ProtectedError, RestrictedError):
        pass
    deleted = 0
    for pk in ids:
        try:
            with transaction.atomic():
                deleted += User.objects.filter(pk=pk).delete()[1].get(User._meta.label, 0)
        except (ProtectedError, RestrictedError):
            log.warning("purge: user %s kept, another tenant's rows refer to it", pk)
    return deleted


def tenant_purge(
    *, tenant: Tenant, actor: User | None = None, now: dt.datetime | None = None
) -> TenantPurge | None:
    """Delete ``tenant`` and everything of it; return the surviving record.

    The locked row decides, not the ``tenant`` passed in (the daily job lists
    the due tenants once, then purges them one by one): a tenant whose
    deletion was cancelled or postponed meanwhile, or that is gone already,
    is left alone and ``None`` returned."""
    using = router.db_for_write(Tenant)
    now = now or timezone.now()
    files: list[tuple] = []
    with transaction.atomic(using=using), purging():
        tenant = Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        if tenant is None or tenant.deletion_due_at is None or tenant.deletion_due_at > now:
            return None
        users = _users_of_tenant_only(tenant)
        doomed = doomed_rows(tenant)
        counts: dict[str, int] = {}
        for model in _order(list(doomed)):
            ids = doomed[model]
            files += _files(model, ids)
            deleted = 0
            for chunk in _chunks(sorted(ids)):
                deleted += model._base_manager.filter(pk__in=chunk)._raw_delete(using)
            counts[model._meta.label_lower] = deleted
        deleted_users = _delete_users(users) if users else 0
        if deleted_users:
            counts["accounts.user"] = deleted_users
        counts["accounts.tenant"] = Tenant.objects.filter(pk=tenant.pk)._raw_delete(using)
        record = TenantPurge.objects.create(
            tenant_id=tenant.pk,
            slug=tenant.slug,
            name=tenant.name,
            requested_by=tenant.deletion_requested_by,
            due_at=tenant.deletion_due_at,
            purged_at=timezone.now(),
            purged_by=actor.get_username() if actor is not None else "",
            counts=dict(sorted(counts.items())),
            files=len(files),
        )
        # the files go only once the rows are gone for good: a purge rolled
        # back (a row another tenant PROTECTs) keeps every file
        transaction.on_commit(partial(_delete_files, files, record.slug), using=using)
    # outside the purge: the event outside any tenant is a normal audit row
    audit_record(
        tenant_ids=[None],
        action=AuditAction.DELETE,
        object_type="tenantpurge",
        object_id=str(record.pk),
        extra={
            "tenant_id": record.tenant_id,
            "slug": record.slug,
            "name": record.name,
            "requested_by": record.requested_by,
            "rows": record.total_rows,
            "files": record.files,
        },
        actor=actor,
    )
    return record


def _delete_files(files: list[tuple], slug: str) -> None:
    """After the purge's commit: the purged rows' files (one that cannot be
    deleted is logged; the rows are gone either way)."""
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            log.warning("purge of %s: could not delete file %s", slug, name)


def tenants_due(*, now=None):
    """Tenants whose deletion date has passed."""
    now = now or timezone.now()
    return Tenant.objects.filter(deletion_due_at__isnull=False, deletion_due_at__lte=now)
