"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of ledgers gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations

from liaison.sharding import AddCompositeForeignKey, AddCompositeUnique


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("ledgers", "0008_list_indexes_no_join_ordering"),
        ("roster", "0013_tenant_keys"),
    ]

    operations = [
        AddCompositeUnique("ledgers_entry"),
        AddCompositeUnique("ledgers_reference"),
        AddCompositeForeignKey("ledgers_entry", "expert_id", "ledgers_reference"),
        AddCompositeForeignKey("ledgers_entry", "enterprise_id", "ledgers_reference"),
        AddCompositeForeignKey("ledgers_entry", "achievement_id", "ledgers_entry"),
        AddCompositeForeignKey("ledgers_entry", "conversion_id", "ledgers_entry"),
        AddCompositeForeignKey("ledgers_entry", "duplicate_of_id", "ledgers_entry"),
        AddCompositeForeignKey("ledgers_reference", "district_id", "roster_district"),
    ]
