"""``django.contrib.admin`` with the portal's admin site (liaison/admin_site.py).
Apart from it, because INSTALLED_APPS imports this module before the models
are ready."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "liaison.admin_site.PortalAdminSite"
