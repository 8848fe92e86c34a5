"""Issue 11: every stored policy gains ``selection`` (per category: its
review stages, public notice on/off, self-nomination on/off) and structured
``eligibility`` rules (POLICY-SHAPE). Only missing keys are added; no other
rule is changed.

``selection`` is derived from the policy's ``review_stages``: notice on and
self-nomination off, unless the tenant's preset says otherwise (frozen here
from accounts/presets.py: wuhan's city officers and suzhou's specialists have
no notice; yangquan's commissioners and puyang's A/B may apply themselves).
"""

from django.db import migrations

NO_NOTICE = {("wuhan", "city"), ("suzhou", "specialist")}
SELF_NOMINATION = {("yangquan", "commissioner"), ("puyang", "A"), ("puyang", "B")}
CERTIFICATES = ["patent_agent", "technology_manager", "technology_broker"]

#: Pre-issue-11 check codes and the structured rule each one becomes.
RULES = {
    "retirement_margin": lambda old: {"rule": "retirement_margin", "years": old.get("years", 2)},
    "new_staff_preferred": lambda old: {"rule": "service_months", "months": old.get("months", 3)},
    "degree_or_title": lambda old: {
        "rule": "degree_or_title",
        "degree": "master",
        "title_level": "intermediate",
    },
    "integrity_record": lambda old: {"rule": "no_integrity_record"},
    "park_experience": lambda old: {"rule": "park_years", "years": old.get("years", 3)},
    "certificate_preferred": lambda old: {"rule": "certificates", "any_of": CERTIFICATES},
}


def _structured(check: dict) -> dict | None:
    if "rule" in check:
        return check
    make = RULES.get(check.get("code"))
    if make is None:
        return None
    kept = {k: check[k] for k in ("code", "label", "level") if k in check}
    return {**kept, **make(check)}


def forwards(apps, schema_editor):
    Policy = apps.get_model("accounts", "Policy")
    for policy in Policy.objects.all():
        rules = dict(policy.rules)
        changed = False
        if "selection" not in rules:
            rules["selection"] = {
                code: {
                    "stages": stages,
                    "notice": (policy.preset, code) not in NO_NOTICE,
                    "self_nomination": (policy.preset, code) in SELF_NOMINATION,
                }
                for code, stages in (rules.get("review_stages") or {}).items()
            }
            changed = True
        eligibility = rules.get("eligibility") or {}
        if any("rule" not in c for checks in eligibility.values() for c in checks):
            rules["eligibility"] = {
                code: [r for r in map(_structured, checks) if r is not None]
                for code, checks in eligibility.items()
            }
            changed = True
        if changed:
            Policy.objects.filter(pk=policy.pk).update(rules=rules)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_merge_sessions_constraints"),
        ("roster", "0008_nomination_structured_fields_round_chain"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
