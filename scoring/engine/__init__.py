"""The points engine (SPEC.md §6): pure functions over frozen facts.

It imports no Django, reads no clock, touches no database and never uses
``float``: shares are exact fractions. Every line and mark carries a reason.
"""

from .model import (
    CreditGroup,
    EntryFact,
    Line,
    OfficerFact,
    OfficerScore,
    PoolResult,
    RankedRow,
    Rules,
    ShareFact,
)
from .points import (
    group_sizes,
    score_from_groups,
    score_from_shares,
    score_officers,
    split_entry,
)
from .quotas import (
    Quota,
    QuotaEntry,
    QuotaOfficer,
    QuotaRow,
    district_rows,
    month_bounds,
    officer_rows,
)
from .ranking import award_candidates, excellence_places, rank_pool, rank_pools
from .text import exact_text, two_decimals

__all__ = [
    "CreditGroup",
    "EntryFact",
    "Line",
    "OfficerFact",
    "OfficerScore",
    "PoolResult",
    "Quota",
    "QuotaEntry",
    "QuotaOfficer",
    "QuotaRow",
    "RankedRow",
    "Rules",
    "ShareFact",
    "award_candidates",
    "district_rows",
    "exact_text",
    "excellence_places",
    "group_sizes",
    "month_bounds",
    "officer_rows",
    "rank_pool",
    "rank_pools",
    "score_from_groups",
    "score_from_shares",
    "score_officers",
    "split_entry",
    "two_decimals",
]
