from django.db import migrations, models


class Migration(migrations.Migration):
    """Risky: NOT NULL with a default only Django knows (dropped after the
    ALTER): the release still running inserts rows without it and fails."""

    dependencies = [("lintfixture", "0002_add_nullable")]
    operations = [
        migrations.AddField("thing", "size", models.IntegerField(default=0)),
    ]
