"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): the many-to-many
rows' tenant_id NOT NULL, UNIQUE (tenant_id, id), the pair unique with the tenant
(built first, then Django's goes) and the composite foreign keys to both sides
(PostgreSQL only: see liaison.sharding)."""

import django.db.models.deletion
from django.db import migrations, models

from liaison.sharding import (
    AddCompositeForeignKey,
    AddCompositeUnique,
    AddUniqueConstraint,
    DropUniqueTogether,
    SetNotNull,
)


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("roster", "0018_m2m_tenant"),
    ]

    operations = [
        SetNotNull(
            model_name="officer_host_units",
            name="tenant",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.tenant",
                verbose_name="tenant",
            ),
        ),
        SetNotNull(
            model_name="officergroup_members",
            name="tenant",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.tenant",
                verbose_name="tenant",
            ),
        ),
        SetNotNull(
            model_name="officergroup_host_units",
            name="tenant",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.tenant",
                verbose_name="tenant",
            ),
        ),
        AddCompositeUnique("roster_officer_host_units"),
        AddCompositeUnique("roster_officergroup_members"),
        AddCompositeUnique("roster_officergroup_host_units"),
        AddUniqueConstraint(
            "officer_host_units",
            models.UniqueConstraint(
                fields=["tenant", "officer", "unit"], name="officer_host_unit_unique_tenant"
            ),
        ),
        DropUniqueTogether("officer_host_units", ("officer_id", "unit_id")),
        AddUniqueConstraint(
            "officergroup_members",
            models.UniqueConstraint(
                fields=["tenant", "officergroup", "officer"], name="officergroup_member_unique_tenant"
            ),
        ),
        DropUniqueTogether("officergroup_members", ("officergroup_id", "officer_id")),
        AddUniqueConstraint(
            "officergroup_host_units",
            models.UniqueConstraint(
                fields=["tenant", "officergroup", "unit"], name="officergroup_host_unit_unique_tenant"
            ),
        ),
        DropUniqueTogether("officergroup_host_units", ("officergroup_id", "unit_id")),
        AddCompositeForeignKey("roster_officer_host_units", "officer_id", "roster_officer"),
        AddCompositeForeignKey("roster_officer_host_units", "unit_id", "roster_unit"),
        AddCompositeForeignKey("roster_officergroup_members", "officergroup_id", "roster_officergroup"),
        AddCompositeForeignKey("roster_officergroup_members", "officer_id", "roster_officer"),
        AddCompositeForeignKey("roster_officergroup_host_units", "officergroup_id", "roster_officergroup"),
        AddCompositeForeignKey("roster_officergroup_host_units", "unit_id", "roster_unit"),
    ]
