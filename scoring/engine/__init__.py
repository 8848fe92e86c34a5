"""The points engine (SPEC.md §6) and the annual assessment (§6a): pure
functions over frozen facts.

It imports no Django, reads no clock, touches no database and never uses
``float``: shares are exact fractions. Every line and mark carries a reason.
"""

from .assessment import (
    AssessmentFact,
    AssessmentRow,
    AssessmentRules,
    Reason,
    assess,
    assessment_rules,
    consequences,
)
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
    QuotaCounts,
    QuotaEntry,
    QuotaOfficer,
    QuotaRow,
    basis_of,
    district_rows,
    district_rows_counted,
    month_bounds,
    officer_rows,
    officer_rows_counted,
    period_starts,
)
from .ranking import award_candidates, excellence_places, rank_pool, rank_pools
from .text import exact_text, two_decimals

__all__ = [
    "AssessmentFact",
    "AssessmentRow",
    "AssessmentRules",
    "CreditGroup",
    "EntryFact",
    "Line",
    "OfficerFact",
    "OfficerScore",
    "PoolResult",
    "Quota",
    "QuotaCounts",
    "QuotaEntry",
    "QuotaOfficer",
    "QuotaRow",
    "RankedRow",
    "Reason",
    "Rules",
    "ShareFact",
    "assess",
    "assessment_rules",
    "award_candidates",
    "basis_of",
    "consequences",
    "district_rows",
    "district_rows_counted",
    "exact_text",
    "excellence_places",
    "group_sizes",
    "month_bounds",
    "officer_rows",
    "officer_rows_counted",
    "period_starts",
    "rank_pool",
    "rank_pools",
    "score_from_groups",
    "score_from_shares",
    "score_officers",
    "split_entry",
    "two_decimals",
]
