from django.db import migrations, models


class Migration(migrations.Migration):
    """Safe: a nullable column, no default, no rewrite, old code unaffected."""

    dependencies = [("lintfixture", "0001_initial")]
    operations = [
        migrations.AddField("thing", "note", models.CharField(max_length=50, null=True)),
    ]
