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
        # both sides of a pair in one's area may be linked (arrange an event)
        from ledgers.selectors import LINKABLE

        from .selectors import pair_sides

        if pair_sides not in LINKABLE:
            LINKABLE.append(pair_sides)
        # an item published to the province network is matched in the other
        # members (the network's hook: the network imports nothing of ours)
        from network.services import ON_PUBLISHED

        from .services import published_to_network

        if published_to_network not in ON_PUBLISHED:
            ON_PUBLISHED.append(published_to_network)
        # issue 15 item 2: the weekly digest's name on the jobs page
        from accounts.choices import JOB_LABELS

        JOB_LABELS.setdefault("match-digests", _("Weekly digest of new matches"))
