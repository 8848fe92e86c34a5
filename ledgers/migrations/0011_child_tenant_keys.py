"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): the child rows'
tenant_id NOT NULL, UNIQUE (tenant_id, id), their unique keys with the tenant and
the composite foreign keys (PostgreSQL only: see liaison.sharding)."""

import django.db.models.deletion
from django.db import migrations, models

from liaison.sharding import (
    AddCompositeForeignKey,
    AddCompositeUnique,
    ReplaceUniqueConstraint,
    SetNotNull,
)


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("ledgers", "0010_child_tenant"),
        ("roster", "0015_child_tenant_keys"),
    ]

    operations = [
        SetNotNull(
            model_name="credit",
            name="tenant",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.tenant",
                verbose_name="tenant",
            ),
        ),
        SetNotNull(
            model_name="evidence",
            name="tenant",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.tenant",
                verbose_name="tenant",
            ),
        ),
        SetNotNull(
            model_name="entryevent",
            name="tenant",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.tenant",
                verbose_name="tenant",
            ),
        ),
        AddCompositeUnique("ledgers_credit"),
        AddCompositeUnique("ledgers_evidence"),
        AddCompositeUnique("ledgers_entryevent"),
        ReplaceUniqueConstraint(
            "credit",
            "credit_unique_officer",
            models.UniqueConstraint(
                fields=["tenant", "entry", "officer"], name="credit_unique_officer_tenant"
            ),
        ),
        AddCompositeForeignKey("ledgers_credit", "entry_id", "ledgers_entry"),
        AddCompositeForeignKey("ledgers_credit", "officer_id", "roster_officer"),
        AddCompositeForeignKey("ledgers_evidence", "entry_id", "ledgers_entry"),
        AddCompositeForeignKey("ledgers_entryevent", "entry_id", "ledgers_entry"),
    ]
