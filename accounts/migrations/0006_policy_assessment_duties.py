"""Existing policy versions gain ``assessment: null`` (issue 12) and
``duties: []`` (issue 13); no other key changes (issue 11). Tenants keep
their points and quotas: only new tenants get the faithful presets."""

from django.db import migrations


def add_keys(apps, schema_editor):
    Policy = apps.get_model("accounts", "Policy")
    for policy in Policy.objects.all().iterator():
        rules = dict(policy.rules)
        missing = {k: v for k, v in (("assessment", None), ("duties", [])) if k not in rules}
        if missing:
            rules.update(missing)
            Policy.objects.filter(pk=policy.pk).update(rules=rules)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_merge_sessions_constraints")]

    operations = [migrations.RunPython(add_keys, migrations.RunPython.noop)]
