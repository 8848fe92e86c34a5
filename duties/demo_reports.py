"""Demo reports of the duties (filled by issue 13's reports slice)."""

from __future__ import annotations

import datetime as dt

from accounts.models import Tenant


def load_demo_reports(*, tenant: Tenant, today: dt.date) -> None:
    """Nothing yet."""
