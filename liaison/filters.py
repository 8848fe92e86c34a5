"""Filters shared by the apps' FilterSets."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class IdFilter(django_filters.Filter):
    """An object id: a whole number an id column can hold. Anything else
    (``1.5``, ``-1``, a number past 64 bits) is refused with a message
    instead of reaching the database, which overflows on it (a 500 that
    schemathesis found)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        message = _("Not a valid id.")
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault(
            "error_messages", {"invalid": message, "min_value": message, "max_value": message}
        )
        super().__init__(*args, **kwargs)
