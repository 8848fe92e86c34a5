"""FilterSets shared by the ledger pages and API."""

import django_filters

from liaison.filters import IdFilter

from .choices import EntryStatus, Library
from .models import Credit, Entry, Reference


class EntryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices)
    # issue 16 lists: a subquery on the credits, not a join made DISTINCT
    # (which sorted every credited row of the list before the page's LIMIT)
    officer = IdFilter(field_name="credits__officer", method="credited")
    district = django_filters.CharFilter(
        field_name="credits__officer__district__code", method="credited"
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

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, tenant=None):
        """``tenant``: the tenant whose entries are listed (else the one of
        ``request.membership``, set by the page and API views)."""
        super().__init__(data, queryset, request=request, prefix=prefix)
        membership = getattr(request, "membership", None)
        self.tenant = tenant if tenant is not None else getattr(membership, "tenant", None)

    def credited(self, queryset, name, value):
        """Entries crediting the officer (``officer``) or an officer of the
        district (``district``, by code)."""
        lookup = name.removeprefix("credits__")  # officer, officer__district__code
        credits = Credit.objects.filter(**{lookup: value})
        if lookup != "officer":
            # every tenant has its d1: the district's own tenant (on the join
            # the code already makes), else the listed entries
            credits = (
                credits.filter(officer__district__tenant=self.tenant)
                if self.tenant is not None
                else credits.filter(entry__in=queryset.values("id"))
            )
        credits = credits.values_list("entry_id", flat=True)
        if lookup == "officer":
            # One officer's lines (about 1,000 for the busiest at S) read first:
            # PostgreSQL then fetches them by key and sorts them (8 ms at S),
            # where with a subquery it walked the kind's index backwards
            # probing every entry's credits (38 ms).
            credits = list(credits)
        return queryset.filter(id__in=credits)


class ReferenceFilterSet(django_filters.FilterSet):
    library = django_filters.ChoiceFilter(choices=Library.choices)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Reference
        fields = ["library"]
