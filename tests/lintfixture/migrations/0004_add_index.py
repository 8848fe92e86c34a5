from django.db import migrations, models


class Migration(migrations.Migration):
    """Risky: CREATE INDEX without CONCURRENTLY blocks every write to the table
    while it builds."""

    dependencies = [("lintfixture", "0003_add_not_null")]
    operations = [
        migrations.AddIndex("thing", models.Index(fields=["name"], name="lintfixture_name_idx")),
    ]
