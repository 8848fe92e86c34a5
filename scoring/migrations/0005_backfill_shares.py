"""Store the shares of entries verified before shares were stored.

Self-contained (historical models, no app code): the same rules as
``scoring.shares`` at the time of writing — officers who held an appointment
in the entry's year, grouped by the policy in force at the year's end, each
group's credited officers sharing the entry's points equally.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.db import migrations
from django.utils import timezone


def _policy_rules(Policy, tenant_id, year):
    versions = Policy.objects.filter(tenant_id=tenant_id)
    end = dt.date(year, 12, 31)
    policy = versions.filter(effective_from__lte=end).order_by("-effective_from").first()
    policy = policy or versions.order_by("effective_from").first()
    rules = policy.rules
    return (
        {k: int(v) for k, v in rules["points"].items()},
        {c["code"]: c["scoring_group"] for c in rules["categories"]},
    )


def backfill(apps, schema_editor):
    Entry = apps.get_model("ledgers", "Entry")
    Credit = apps.get_model("ledgers", "Credit")
    Officer = apps.get_model("roster", "Officer")
    Policy = apps.get_model("accounts", "Policy")
    Share = apps.get_model("scoring", "Share")
    now = timezone.now()
    officers = {
        row[0]: row
        for row in Officer.objects.values_list(
            "id", "category", "term_start", "term_end", "status", "disqualified_on"
        )
    }
    credits = defaultdict(list)
    for entry_id, officer_id in (
        Credit.objects.filter(entry__status="verified")
        .order_by("entry_id", "id")
        .values_list("entry_id", "officer_id")
    ):
        credits[entry_id].append(officer_id)
    rules = {}
    rows = []
    for entry_id, tenant_id, kind, occurred_on, verified_at in Entry.objects.filter(
        status="verified"
    ).values_list("id", "tenant_id", "kind", "occurred_on", "verified_at"):
        year = occurred_on.year
        if (tenant_id, year) not in rules:
            rules[tenant_id, year] = _policy_rules(Policy, tenant_id, year)
        points, mapping = rules[tenant_id, year]
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        groups = {}
        for o in dict.fromkeys(credits[entry_id]):
            _id, category, start, end, status, disqualified_on = officers[o]
            if start > last or end < first:
                continue
            if status == "disqualified" and disqualified_on and disqualified_on < first:
                continue
            groups[o] = mapping.get(category, category)
        sizes = Counter(groups.values())
        for o, group in groups.items():
            rows.append(
                Share(
                    tenant_id=tenant_id,
                    entry_id=entry_id,
                    officer_id=o,
                    year=year,
                    kind=kind,
                    occurred_on=occurred_on,
                    points=points.get(kind, 0),
                    group_size=sizes[group],
                    created_at=verified_at or now,
                )
            )
    Share.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0004_share"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
