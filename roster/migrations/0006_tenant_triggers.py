"""The tenant triggers of the roster app's tables (liaison.tenant_triggers):
a row never references a row of another tenant, and rows never change tenant.
On SQLite they are also dropped before and re-installed after every
``migrate`` (table rebuilds drop them)."""

from django.db import migrations

from liaison.tenant_triggers import drop_for, install_for


class Migration(migrations.Migration):
    dependencies = [
        ('roster', '0005_database_constraints'),
    ]

    operations = [
        migrations.RunPython(install_for("roster"), drop_for("roster")),
    ]
