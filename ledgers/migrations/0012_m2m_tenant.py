"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): the tables Django
made for ledgers' many-to-many fields become declared through models (same tables,
same model names: nothing changes in the database), then get a tenant_id filled
from the owning row (accounts.models.TenantChildModel)."""

import django.db.models.deletion
from django.db import migrations, models

from liaison.sharding import BackfillTenant


class Migration(migrations.Migration):
    dependencies = [
        ("ledgers", "0011_child_tenant_keys"),
        ("accounts", "0010_tenant_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Entry_matched",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("from_entry", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="ledgers.entry")),
                        ("to_entry", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="ledgers.entry")),
                    ],
                    options={"db_table": "ledgers_entry_matched", "unique_together": {("from_entry", "to_entry")}},
                ),
                migrations.AlterField(
                    model_name="entry",
                    name="matched",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="matched_in",
                        through="ledgers.Entry_matched",
                        through_fields=("from_entry", "to_entry"),
                        to="ledgers.entry",
                        verbose_name="achievements and demands matched",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="entry_matched",
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
        BackfillTenant("ledgers_entry_matched", "from_entry_id", "ledgers_entry"),
    ]
