"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of scoring gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations

from liaison.sharding import AddCompositeForeignKey, AddCompositeUnique


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("scoring", "0012_ranking_version"),
        ("ledgers", "0009_tenant_keys"),
        ("roster", "0013_tenant_keys"),
    ]

    operations = [
        AddCompositeUnique("scoring_exportjob"),
        AddCompositeUnique("scoring_quotareport"),
        AddCompositeUnique("scoring_rankingsnapshot"),
        AddCompositeUnique("scoring_rankingversion"),
        AddCompositeUnique("scoring_share"),
        AddCompositeUnique("scoring_sharetally"),
        AddCompositeForeignKey("scoring_share", "entry_id", "ledgers_entry"),
        AddCompositeForeignKey("scoring_share", "officer_id", "roster_officer"),
        AddCompositeForeignKey("scoring_sharetally", "officer_id", "roster_officer"),
    ]
