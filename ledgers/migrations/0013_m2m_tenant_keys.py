"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): the many-to-many
rows' tenant_id NOT NULL, UNIQUE (tenant_id, id), the pair unique with the tenant
(built first, then Django's goes) and the composite foreign keys to both sides
(PostgreSQL only: see liaison.sharding)."""

import django.db.models.deletion
from django.db import migrations, models

from liaison.sharding import (
    AddCompositeForeignKey,
    AddCompositeUnique,
    AddUniqueConstraint,
    DropUniqueTogether,
    SetNotNull,
)


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("ledgers", "0012_m2m_tenant"),
    ]

    operations = [
        SetNotNull(
            model_name="entry_matched",
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
        AddCompositeUnique("ledgers_entry_matched"),
        AddUniqueConstraint(
            "entry_matched",
            models.UniqueConstraint(
                fields=["tenant", "from_entry", "to_entry"], name="entry_matched_unique_tenant"
            ),
        ),
        DropUniqueTogether("entry_matched", ("from_entry_id", "to_entry_id")),
        AddCompositeForeignKey("ledgers_entry_matched", "from_entry_id", "ledgers_entry"),
        AddCompositeForeignKey("ledgers_entry_matched", "to_entry_id", "ledgers_entry"),
    ]
