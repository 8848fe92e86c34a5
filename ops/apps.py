from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations (issue 17): health checks, Prometheus metrics, request ids
    in the logs, the migration linter's command. No models."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from . import metrics

        metrics.connect()
