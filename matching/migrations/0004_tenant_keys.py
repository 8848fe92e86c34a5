"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of matching gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations

from liaison.sharding import AddCompositeForeignKey, AddCompositeUnique


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("matching", "0003_network_match"),
        ("ledgers", "0009_tenant_keys"),
    ]

    operations = [
        AddCompositeUnique("matching_match"),
        AddCompositeUnique("matching_matchfeedback"),
        AddCompositeUnique("matching_matchrun"),
        AddCompositeUnique("matching_networkmatch"),
        AddCompositeForeignKey("matching_match", "demand_id", "ledgers_entry"),
        AddCompositeForeignKey("matching_match", "achievement_id", "ledgers_entry"),
        AddCompositeForeignKey("matching_match", "reference_id", "ledgers_reference"),
        AddCompositeForeignKey("matching_matchfeedback", "demand_id", "ledgers_entry"),
        AddCompositeForeignKey("matching_matchfeedback", "achievement_id", "ledgers_entry"),
        AddCompositeForeignKey("matching_matchfeedback", "reference_id", "ledgers_reference"),
        AddCompositeForeignKey("matching_matchrun", "entry_id", "ledgers_entry"),
        AddCompositeForeignKey("matching_networkmatch", "entry_id", "ledgers_entry"),
    ]
