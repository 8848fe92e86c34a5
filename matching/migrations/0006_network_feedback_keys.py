"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): the network
feedback table gets UNIQUE (tenant_id, id) and a composite key to its entry
(PostgreSQL only: see liaison.sharding). ``published_id`` names another
member's item by design, like a network match's: no composite twin."""

from django.db import migrations

from liaison.sharding import AddCompositeForeignKey, AddCompositeUnique


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("matching", "0005_network_feedback"),
    ]

    operations = [
        AddCompositeUnique("matching_networkfeedback"),
        AddCompositeForeignKey("matching_networkfeedback", "entry_id", "ledgers_entry"),
    ]
