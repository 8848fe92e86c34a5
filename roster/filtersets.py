"""FilterSets shared by the roster's pages and API."""

import django_filters
from django.db.models import Q

from liaison.filters import IdFilter

from .choices import OfficerStatus
from .models import ChangeRequest, Nomination, Objection, Officer


class OfficerFilterSet(django_filters.FilterSet):
    category = django_filters.CharFilter()
    district = django_filters.CharFilter(field_name="district__code")
    status = django_filters.ChoiceFilter(choices=OfficerStatus.choices)
    q = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains")

    class Meta:
        model = Officer
        fields = ["category", "district", "status"]


# Related objects are filtered by id (``IdFilter``), not by a model choice
# over every tenant's rows: another tenant's id then answers like an id that
# exists nowhere (an empty list), never differently.


class NominationFilterSet(django_filters.FilterSet):
    round = IdFilter(field_name="round_id")
    stage = django_filters.CharFilter()
    category = django_filters.CharFilter()
    # issue 14 "Lists": the nominations page searches and filters like the roster
    district = django_filters.CharFilter(field_name="district__code")
    unit = IdFilter(field_name="unit_id")
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = Nomination
        fields = ["round", "stage", "category", "district", "unit"]

    def search(self, queryset, name, value):
        """Name, unit or mobile contains the text."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value)
            | Q(unit__name__icontains=value)
            | Q(mobile__icontains=value)
        )


class ObjectionFilterSet(django_filters.FilterSet):
    status = django_filters.CharFilter()
    notice = IdFilter(field_name="notice_id")

    class Meta:
        model = Objection
        fields = ["status", "notice"]


class ChangeRequestFilterSet(django_filters.FilterSet):
    status = django_filters.CharFilter()
    kind = django_filters.CharFilter()
    officer = IdFilter(field_name="officer_id")

    class Meta:
        model = ChangeRequest
        fields = ["status", "kind", "officer"]
