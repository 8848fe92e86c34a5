"""``?on=YYYY-MM-DD``: the day an API read looks at (a report's due list,
the officers due for rotation, the headcount), one parser for them all."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

#: The years a day asked about may fall in: every schedule of the portal
#: answers for them (duties.schedule names periods of 1900-2199, a rotation
#: looks years back).
FIRST_YEAR, LAST_YEAR = 1901, 2198


def day_param(request, name: str = "on") -> dt.date:
    """``?<name>=YYYY-MM-DD`` as a date; today (the portal's time zone) when
    absent or empty; 400 in the user's language when malformed or out of
    :data:`FIRST_YEAR`–:data:`LAST_YEAR`."""
    raw = request.query_params.get(name, "")
    if not raw:
        return timezone.localdate()
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            {name: [_("Enter a valid date as YYYY-MM-DD, e.g. 2026-03-31.")]}
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        years = {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise ValidationError({name: [_("Enter a date from %(first)s to %(last)s.") % years]})
    return day
