"""The tenant triggers of the scoring app's tables (liaison.tenant_triggers):
a row never references a row of another tenant, and rows never change tenant.
On SQLite they are also dropped before and re-installed after every
``migrate`` (table rebuilds drop them)."""

from django.db import migrations

from liaison.tenant_triggers import drop_for, install_for


class Migration(migrations.Migration):
    dependencies = [
        ('scoring', '0009_database_constraints'),
        ("ledgers", "0004_tenant_triggers"),
    ]

    operations = [
        migrations.RunPython(install_for("scoring"), drop_for("scoring")),
    ]
