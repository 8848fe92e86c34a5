"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): the tables Django
made for roster' many-to-many fields become declared through models (same tables,
same model names: nothing changes in the database), then get a tenant_id filled
from the owning row (accounts.models.TenantChildModel)."""

import django.db.models.deletion
from django.db import migrations, models

from liaison.sharding import BackfillTenant


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0017_grant_tenant_keys"),
        ("accounts", "0010_tenant_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Officer_host_units",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("officer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="roster.officer")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="roster.unit")),
                    ],
                    options={"db_table": "roster_officer_host_units", "unique_together": {("officer", "unit")}},
                ),
                migrations.AlterField(
                    model_name="officer",
                    name="host_units",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="hosted_officers",
                        through="roster.Officer_host_units",
                        to="roster.unit",
                        verbose_name="host units",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OfficerGroup_members",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("officergroup", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="roster.officergroup")),
                        ("officer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="roster.officer")),
                    ],
                    options={"db_table": "roster_officergroup_members", "unique_together": {("officergroup", "officer")}},
                ),
                migrations.AlterField(
                    model_name="officergroup",
                    name="members",
                    field=models.ManyToManyField(
                        related_name="officer_groups",
                        through="roster.OfficerGroup_members",
                        to="roster.officer",
                        verbose_name="members",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OfficerGroup_host_units",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("officergroup", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="roster.officergroup")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="roster.unit")),
                    ],
                    options={"db_table": "roster_officergroup_host_units", "unique_together": {("officergroup", "unit")}},
                ),
                migrations.AlterField(
                    model_name="officergroup",
                    name="host_units",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="roster.OfficerGroup_host_units",
                        to="roster.unit",
                        verbose_name="host institutions",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="officer_host_units",
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
            model_name="officergroup_members",
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
            model_name="officergroup_host_units",
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
        BackfillTenant("roster_officer_host_units", "officer_id", "roster_officer"),
        BackfillTenant("roster_officergroup_members", "officergroup_id", "roster_officergroup"),
        BackfillTenant("roster_officergroup_host_units", "officergroup_id", "roster_officergroup"),
    ]
