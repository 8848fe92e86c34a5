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
        ("duties", "0005_child_tenant"),
    ]

    operations = [
        SetNotNull(
            model_name="attendance",
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
        AddCompositeUnique("duties_attendance"),
        ReplaceUniqueConstraint(
            "attendance",
            "attendance_once",
            models.UniqueConstraint(
                fields=["tenant", "training", "officer"], name="attendance_once_tenant"
            ),
        ),
        AddCompositeForeignKey("duties_attendance", "training_id", "duties_training"),
        AddCompositeForeignKey("duties_attendance", "officer_id", "roster_officer"),
    ]
