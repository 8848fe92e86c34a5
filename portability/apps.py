from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortabilityConfig(AppConfig):
    name = "portability"
    verbose_name = _("Tenant export and import")

    def ready(self):
        # the whole tenant as a background export (scoring.tasks.run_export)
        from scoring.export_jobs import register_export_kind

        from .jobs import KIND, TENANT_EXPORT

        register_export_kind(KIND, TENANT_EXPORT)
