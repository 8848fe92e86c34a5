from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Activity ledgers")

    def ready(self):
        # issue 14: the ledger as a background export (scoring.tasks.run_export)
        from scoring.export_jobs import ExportKind, register_export_kind

        from .exports import build_ledger

        register_export_kind("ledger", ExportKind(build=build_ledger))
