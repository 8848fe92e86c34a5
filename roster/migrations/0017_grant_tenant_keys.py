"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): the grants'
tenant_id NOT NULL, UNIQUE (tenant_id, id), guardian's (user, permission, object)
unique with the tenant (built first, then the old one goes) and the composite
foreign keys to the district or unit (PostgreSQL only: see liaison.sharding)."""

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
        ("roster", "0016_grant_tenant"),
    ]

    operations = [
        SetNotNull(
            model_name="districtuserobjectpermission",
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
            model_name="unituserobjectpermission",
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
        AddCompositeUnique("roster_districtuserobjectpermission"),
        AddCompositeUnique("roster_unituserobjectpermission"),
        AddUniqueConstraint(
            "districtuserobjectpermission",
            models.UniqueConstraint(
                fields=["tenant", "user", "permission", "content_object"],
                name="district_grant_unique_tenant",
            ),
        ),
        DropUniqueTogether(
            "districtuserobjectpermission", ("user_id", "permission_id", "content_object_id")
        ),
        AddUniqueConstraint(
            "unituserobjectpermission",
            models.UniqueConstraint(
                fields=["tenant", "user", "permission", "content_object"],
                name="unit_grant_unique_tenant",
            ),
        ),
        DropUniqueTogether(
            "unituserobjectpermission", ("user_id", "permission_id", "content_object_id")
        ),
        AddCompositeForeignKey("roster_districtuserobjectpermission", "content_object_id", "roster_district"),
        AddCompositeForeignKey("roster_unituserobjectpermission", "content_object_id", "roster_unit"),
    ]
