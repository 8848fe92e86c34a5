"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of duties gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations

from liaison.sharding import AddCompositeForeignKey, AddCompositeUnique


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("duties", "0003_agreement_file_type"),
        ("roster", "0013_tenant_keys"),
    ]

    operations = [
        AddCompositeUnique("duties_agreement"),
        AddCompositeUnique("duties_report"),
        AddCompositeUnique("duties_serviceday"),
        AddCompositeUnique("duties_training"),
        # the tenant's twin of the single-column unique renews_id
        AddCompositeUnique("duties_agreement", ("tenant_id", "renews_id")),
        AddCompositeForeignKey("duties_agreement", "officer_id", "roster_officer"),
        AddCompositeForeignKey("duties_agreement", "host_unit_id", "roster_unit"),
        AddCompositeForeignKey("duties_agreement", "renews_id", "duties_agreement"),
        AddCompositeForeignKey("duties_report", "officer_id", "roster_officer"),
        AddCompositeForeignKey("duties_serviceday", "officer_id", "roster_officer"),
        AddCompositeForeignKey("duties_serviceday", "host_unit_id", "roster_unit"),
    ]
