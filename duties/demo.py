"""Demo duties (``manage.py demo``): a month of plans and reports, agreements,
service days and trainings on the demo tenants, dated from today so the
overdue list and reminders have something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Tenant


def load_demo_duties(*, tenant: Tenant, today: dt.date | None = None) -> None:
    from .demo_records import load_demo_records
    from .demo_reports import load_demo_reports

    today = today or timezone.localdate()
    load_demo_reports(tenant=tenant, today=today)
    load_demo_records(tenant=tenant, today=today)
