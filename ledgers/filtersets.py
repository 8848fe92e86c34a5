"""FilterSets shared by the ledger pages and API."""

import django_filters

from liaison.filters import IdFilter

from .choices import EntryStatus, Library
from .models import Entry, Reference


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
