"""The tenant triggers of the duties app's tables (liaison.tenant_triggers):
an agreement, report, service-day row or attendance never references a row of
another tenant."""

from django.db import migrations

from liaison.tenant_triggers import drop_for, install_for


class Migration(migrations.Migration):
    dependencies = [
        ("duties", "0001_duties"),
        ("roster", "0006_tenant_triggers"),
    ]

    operations = [
        migrations.RunPython(install_for("duties"), drop_for("duties")),
    ]
