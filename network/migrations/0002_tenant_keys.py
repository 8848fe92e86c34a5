"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of network gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations
from django.db import models

from liaison.sharding import AddCompositeForeignKey, AddCompositeUnique, ReplaceUniqueConstraint


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("network", "0001_initial"),
        ("ledgers", "0009_tenant_keys"),
    ]

    operations = [
        AddCompositeUnique("network_network"),
        AddCompositeUnique("network_networkmember"),
        AddCompositeUnique("network_publisheditem"),
        ReplaceUniqueConstraint(
            "publisheditem",
            "published_item_once",
            models.UniqueConstraint(fields=["tenant", "network", "entry"], name="published_item_once_tenant"),
        ),
        AddCompositeForeignKey("network_publisheditem", "entry_id", "ledgers_entry"),
    ]
