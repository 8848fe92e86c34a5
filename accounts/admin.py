from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction

from .models import Membership, Policy, Tenant, User
from .services import user_end_sessions


class EndSessionsPasswordChangeForm(AdminPasswordChangeForm):
    """A platform admin's password reset ends every session of the user and
    revokes their API token (issue 10)."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            user_end_sessions(user=user)
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_staff", "is_superuser")
    change_password_form = EndSessionsPasswordChangeForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_end_sessions(user=obj)  # a deactivated login: its sessions end


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "preset", "created_at")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "tenant", "role", "is_active")
    list_filter = ("tenant", "role")


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("tenant", "version", "effective_from", "preset")
    list_filter = ("tenant",)

    def save_model(self, request, obj, form, change):
        # the rules rule the rankings: their cached copies are old (same transaction)
        from scoring.ranking_version import ranking_changed

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            ranking_changed(tenant=obj.tenant_id)

    def delete_model(self, request, obj):
        from scoring.ranking_version import ranking_changed

        with transaction.atomic():
            tenant_id = obj.tenant_id
            super().delete_model(request, obj)
            ranking_changed(tenant=tenant_id)

    def delete_queryset(self, request, queryset):
        from scoring.ranking_version import ranking_changed

        with transaction.atomic():
            tenants = set(queryset.values_list("tenant_id", flat=True))
            super().delete_queryset(request, queryset)
            for tenant_id in sorted(tenants):
                ranking_changed(tenant=tenant_id)
