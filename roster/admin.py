from django.contrib import admin

from .models import District, Officer, Unit


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("tenant", "code", "name")
    list_filter = ("tenant",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("tenant", "name", "kind", "district")
    list_filter = ("tenant", "kind")


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("tenant", "full_name", "category", "district", "status", "term_end")
    list_filter = ("tenant", "category", "status")
    # changed only through roster services (disqualify, replace), which re-score
    # the officer's verified entries with a history row
    readonly_fields = ("category", "term_start", "term_end", "status", "disqualified_on")
