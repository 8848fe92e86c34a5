"""The tenant's status and its dates agree (a CHECK): a tenant in use has
neither ``suspended_at`` nor ``deletion_due_at`` (the daily purge reads only
the date), a suspended one has ``suspended_at``.

The platform admin's services always kept them so; a row edited by hand
that disagrees is first put right on the side that loses nothing: a tenant
in use keeps being used (its stray dates are cleared, so it is not purged),
a suspended one without a date is taken as suspended now. The tenants table
holds one row per programme (tens): adding the CHECK scans it in
milliseconds under its lock, so no NOT VALID + VALIDATE split is needed
(``make lint-migrations`` accepts it)."""

from django.db import migrations, models
from django.db.models.functions import Now


def agree(apps, schema_editor):
    Tenant = apps.get_model("accounts", "Tenant")
    rows = Tenant.objects.using(schema_editor.connection.alias)
    rows.filter(status="active").exclude(
        suspended_at__isnull=True, deletion_due_at__isnull=True
    ).update(suspended_at=None, deletion_due_at=None, deletion_requested_by="")
    rows.filter(status="suspended", suspended_at__isnull=True).update(suspended_at=Now())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_tenant_status"),
    ]

    operations = [
        migrations.RunPython(agree, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="tenant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        models.Q(("status", "active"), _negated=True),
                        models.Q(("deletion_due_at__isnull", True), ("suspended_at__isnull", True)),
                        _connector="OR",
                    ),
                    models.Q(
                        models.Q(("status", "suspended"), _negated=True),
                        ("suspended_at__isnull", False),
                        _connector="OR",
                    ),
                ),
                name="tenant_status_dates_agree",
            ),
        ),
    ]
