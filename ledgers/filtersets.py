"""FilterSets shared by the ledger pages and API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import EntryStatus, Library
from .models import Entry, Reference


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


class EntryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices)
    officer = IdFilter(field_name="credits__officer", distinct=True)
    district = django_filters.CharFilter(
        field_name="credits__officer__district__code", distinct=True
    )
    occurred_on__gte = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_on__lte = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains")
    # kind-specific
    enterprise = IdFilter()
    institution = django_filters.CharFilter(lookup_expr="icontains")
    field = django_filters.CharFilter(lookup_expr="icontains")
    event_type = django_filters.CharFilter()
    mode = django_filters.CharFilter()
    platform = django_filters.CharFilter()
    is_valid = django_filters.BooleanFilter()

    class Meta:
        model = Entry
        fields = ["status", "officer", "occurred_on__gte", "occurred_on__lte"]


class ReferenceFilterSet(django_filters.FilterSet):
    library = django_filters.ChoiceFilter(choices=Library.choices)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Reference
        fields = ["library"]
