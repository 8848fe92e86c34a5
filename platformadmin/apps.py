from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformAdminConfig(AppConfig):
    """The platform operator's pages (issue 17 item 1): tenants with their
    size and activity, opened from a preset, suspended, reactivated and
    purged after a retention period."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "platformadmin"
    verbose_name = _("Platform administration")
