"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): the tenant-less
child rows of duties get a tenant_id, filled from their parent (the model
fills it on every new row: accounts.models.TenantChildModel)."""

import django.db.models.deletion
from django.db import migrations, models

from liaison.sharding import BackfillTenant


class Migration(migrations.Migration):
    dependencies = [
        ("duties", "0004_tenant_keys"),
        ("accounts", "0010_tenant_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="tenant",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.tenant",
                verbose_name="tenant",
            ),
        ),
        BackfillTenant("duties_attendance", "training_id", "duties_training"),
    ]
