"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of audit gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations

from liaison.sharding import AddCompositeUnique


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("audit", "0002_export_record"),
    ]

    operations = [
        AddCompositeUnique("audit_auditevent"),
        AddCompositeUnique("audit_exportrecord"),
        # the tenant's twin of the single-column unique export_id
        AddCompositeUnique("audit_exportrecord", ("tenant_id", "export_id")),
    ]
