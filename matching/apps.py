from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # a verified demand or achievement is matched after commit, through the
        # ledgers' hook (no import up from the ledgers)
        from ledgers.services.entries import ON_VERIFIED

        from .services import entry_verified

        if entry_verified not in ON_VERIFIED:
            ON_VERIFIED.append(entry_verified)
        # issue 15 item 2: the weekly digest's name on the jobs page
        from accounts.choices import JOB_LABELS

        JOB_LABELS.setdefault("match-digests", _("Weekly digest of new matches"))
