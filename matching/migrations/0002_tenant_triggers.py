"""The tenant triggers of the matcher's tables (liaison.tenant_triggers): a
match, a feedback or a run never references a row of another tenant."""

from django.db import migrations

from liaison.tenant_triggers import drop_for, install_for


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_matching"),
        ("ledgers", "0004_tenant_triggers"),
    ]

    operations = [
        migrations.RunPython(install_for("matching"), drop_for("matching")),
    ]
