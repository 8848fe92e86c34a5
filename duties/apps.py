from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = _("Duties")

    def ready(self) -> None:
        # a plan or report handed in is activity: the dormant check (僵尸联络员)
        # reads it through the roster's hook (no import up from the roster)
        from roster.selectors import ACTIVITY_SOURCES

        from .selectors import reported_since

        if reported_since not in ACTIVITY_SOURCES:
            ACTIVITY_SOURCES.append(reported_since)
