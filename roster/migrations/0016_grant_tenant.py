"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): guardian's grants
on districts and units get a tenant_id, filled from the district or unit (the
model fills it on every new grant: accounts.models.TenantChildModel)."""

import django.db.models.deletion
from django.db import migrations, models

from liaison.sharding import BackfillTenant


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0015_child_tenant_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="districtuserobjectpermission",
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
        migrations.AddField(
            model_name="unituserobjectpermission",
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
        BackfillTenant("roster_districtuserobjectpermission", "content_object_id", "roster_district"),
        BackfillTenant("roster_unituserobjectpermission", "content_object_id", "roster_unit"),
    ]
