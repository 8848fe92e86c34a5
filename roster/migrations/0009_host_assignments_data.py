"""Existing host units become host assignments starting at the officer's
term start; policies gain the ``headcount`` and
``hosts_required`` keys (SPEC.md §4.2); the tenant
triggers cover the new tables."""

from django.db import migrations

from liaison.tenant_triggers import drop_for, install_for

#: The document's minimum per district (suzhou 003 二（一）1（1）: 不少于4名).
HEADCOUNT = {"suzhou": 4}
#: Programmes whose every officer serves a host (yangquan 001 第十三条（四）).
HOSTS_REQUIRED = {"yangquan"}


def hosts_forward(apps, schema_editor):
    Officer = apps.get_model("roster", "Officer")
    HostAssignment = apps.get_model("roster", "HostAssignment")
    rows = []
    for officer in Officer.objects.prefetch_related("host_units").iterator(chunk_size=500):
        for unit in officer.host_units.all():
            if not HostAssignment.objects.filter(officer=officer, unit=unit).exists():
                rows.append(
                    HostAssignment(
                        tenant_id=officer.tenant_id,
                        officer=officer,
                        unit=unit,
                        start=officer.term_start,
                    )
                )
    HostAssignment.objects.bulk_create(rows)


def headcount_forward(apps, schema_editor):
    Policy = apps.get_model("accounts", "Policy")
    for policy in Policy.objects.all():
        missing = {
            "headcount": {"min_per_district": HEADCOUNT.get(policy.preset)},
            "hosts_required": policy.preset in HOSTS_REQUIRED,
        }
        missing = {k: v for k, v in missing.items() if k not in policy.rules}
        if missing:
            policy.rules.update(missing)
            policy.save(update_fields=["rules"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("roster", "0008_host_assignments_change_requests"),
    ]

    operations = [
        migrations.RunPython(hosts_forward, migrations.RunPython.noop),
        migrations.RunPython(headcount_forward, migrations.RunPython.noop),
        migrations.RunPython(install_for("roster"), drop_for("roster")),
    ]
