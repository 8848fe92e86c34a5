"""FilterSets shared by the roster's pages and API."""

import django_filters

from .choices import OfficerStatus
from .models import Officer


class OfficerFilterSet(django_filters.FilterSet):
    category = django_filters.CharFilter()
    district = django_filters.CharFilter(field_name="district__code")
    status = django_filters.ChoiceFilter(choices=OfficerStatus.choices)
    q = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains")

    class Meta:
        model = Officer
        fields = ["category", "district", "status"]
