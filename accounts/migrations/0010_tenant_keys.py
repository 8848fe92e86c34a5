"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of accounts gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations

from liaison.sharding import AddCompositeUnique


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("accounts", "0009_tenant_status_dates_agree"),
    ]

    operations = [
        AddCompositeUnique("accounts_jobrun"),
        AddCompositeUnique("accounts_membership"),
        AddCompositeUnique("accounts_notification"),
        AddCompositeUnique("accounts_notificationpreference"),
        AddCompositeUnique("accounts_policy"),
        AddCompositeUnique("accounts_tenantwebhook"),
    ]
