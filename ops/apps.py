from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations (issue 17): health checks, Prometheus metrics, request ids
    in the logs, the migration linter's command. No models."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from . import checks, metrics  # noqa: F401 - checks registers itself

        metrics.connect()
        # the heartbeat's name wherever jobs are listed (it is kept off the
        # tenants' jobs page, but every scheduled job has a label)
        from accounts.choices import JOB_LABELS

        JOB_LABELS.setdefault("worker-heartbeat", _("Worker heartbeat"))
