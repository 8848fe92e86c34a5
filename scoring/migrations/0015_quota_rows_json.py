"""A quota report's rows are kept as PostgreSQL ``json`` instead of ``jsonb``
(issue 16 item 1): building the ``jsonb`` of a report at L (162,520 rows,
57 MB) took about 2 s of its 5 s; ``json`` only checks the text. The rows are
written whole and read whole, never searched by key, so nothing is lost.

Changing the type rewrites the column and drops its compression setting, so
lz4 (0014) is set again after the change, each way. Reports are a dozen
rows per tenant and year: the rewrite is short."""

import importlib

from django.db import migrations

import scoring.models

lz4 = importlib.import_module("scoring.migrations.0014_quota_rows_lz4").forwards


class Migration(migrations.Migration):
    dependencies = [("scoring", "0014_quota_rows_lz4")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, lz4, elidable=True),
        migrations.AlterField(
            model_name="quotareport",
            name="rows",
            field=scoring.models.JSONTextField(default=list, verbose_name="rows"),
        ),
        migrations.RunPython(lz4, migrations.RunPython.noop, elidable=True),
    ]
