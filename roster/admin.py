from django.contrib import admin
from django.db import transaction

from scoring.ranking_version import ranking_changed

from .models import District, Officer, Unit


class RankingInputAdmin(admin.ModelAdmin):
    """An admin edit of a row the rankings read (an officer's name or
    district, a district's code) makes the tenant's cached rankings old, in
    the edit's own transaction."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            ranking_changed(tenant=obj.tenant_id)

    def delete_model(self, request, obj):
        with transaction.atomic():
            tenant_id = obj.tenant_id
            super().delete_model(request, obj)
            ranking_changed(tenant=tenant_id)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            tenants = set(queryset.values_list("tenant_id", flat=True))
            super().delete_queryset(request, queryset)
            for tenant_id in sorted(tenants):
                ranking_changed(tenant=tenant_id)


@admin.register(District)
class DistrictAdmin(RankingInputAdmin):
    list_display = ("tenant", "code", "name")
    list_filter = ("tenant",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("tenant", "name", "kind", "district")
    list_filter = ("tenant", "kind")


@admin.register(Officer)
class OfficerAdmin(RankingInputAdmin):
    list_display = ("tenant", "full_name", "category", "district", "status", "term_end")
    list_filter = ("tenant", "category", "status")
    # changed only through roster services (disqualify, replace), which re-score
    # the officer's verified entries with a history row
    readonly_fields = ("category", "term_start", "term_end", "status", "disqualified_on")
