"""A tenant's status and its dates agree in the database (platform-admin
review): in use means neither suspended nor due for deletion, so the daily
purge, which reads only the date, can never take a tenant in use; suspended
means a date since when. The migration puts disagreeing rows right first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Tenant
from accounts.services import tenant_create
from audit import triggers

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
BEFORE = ("accounts", "0008_tenant_status")


def _refused(**values) -> bool:
    try:
        with transaction.atomic():
            Tenant.objects.filter(slug="one").update(**values)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_the_status_and_its_dates_must_agree():
    tenant_create(
        slug="one", name="一号", preset="wuhan", admin_username="one-admin", admin_password=None
    )
    # in use: no date of suspension or deletion
    assert _refused(deletion_due_at=NOW)
    assert _refused(suspended_at=NOW)
    # suspended: since when
    assert _refused(status="suspended")
    assert _refused(status="suspended", deletion_due_at=NOW)
    assert not _refused(status="suspended", suspended_at=NOW)
    assert not _refused(deletion_due_at=NOW + dt.timedelta(days=30))
    # back in use only with both dates cleared
    assert _refused(status="active", deletion_due_at=None)
    assert not _refused(status="active", suspended_at=None, deletion_due_at=None)
    assert Tenant.objects.filter(slug="one").values_list(
        "status", "suspended_at", "deletion_due_at"
    ).get() == ("active", None, None)


@pytest.mark.django_db(transaction=True)
def test_the_migration_puts_disagreeing_rows_right_on_the_side_that_loses_nothing():
    triggers.drop_row_triggers()  # as ``migrate`` does (SQLite rebuilds the table)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE])
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        OldTenant = old.get_model("accounts", "Tenant")
        for slug, status, suspended, due in (
            ("in-use-but-due", "active", NOW, NOW),  # would have been purged
            ("paused-undated", "suspended", None, None),
            ("paused-and-due", "suspended", NOW, NOW),
            ("in-use", "active", None, None),
        ):
            OldTenant.objects.create(
                slug=slug,
                name=slug,
                preset="wuhan",
                status=status,
                suspended_at=suspended,
                deletion_due_at=due,
                deletion_requested_by="root" if due else "",
            )
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # 0009 and whatever came after
    finally:
        triggers.install()
    rows = {
        slug: (status, suspended is not None, due, by)
        for slug, status, suspended, due, by in Tenant.objects.values_list(
            "slug", "status", "suspended_at", "deletion_due_at", "deletion_requested_by"
        )
    }
    assert rows == {
        "in-use-but-due": ("active", False, None, ""),
        "paused-undated": ("suspended", True, None, ""),
        "paused-and-due": ("suspended", True, NOW, "root"),
        "in-use": ("active", False, None, ""),
    }
    assert Tenant.objects.get(slug="paused-and-due").suspended_at == NOW
    # the constraint is in force after the migration
    with pytest.raises(IntegrityError), transaction.atomic():
        Tenant.objects.filter(slug="in-use").update(deletion_due_at=NOW)
