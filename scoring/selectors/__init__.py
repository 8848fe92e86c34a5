"""Reads of the scoring app (see the modules): the ranking, statements."""

from .ranking import (
    KINDS,
    OfficerRow,
    YearFacts,
    YearResult,
    check_year,
    export_job_list,
    ledger_entries,
    live_shares,
    pool_name,
    ranking_for,
    render_pools,
    shares_as_of,
    snapshot_get,
    year_groups,
    year_result,
)
from .statements import (
    after_freeze_changes,
    entry_share_rows,
    pool_months,
    render_statement,
    statement_for,
)

__all__ = [
    "KINDS",
    "OfficerRow",
    "YearFacts",
    "YearResult",
    "after_freeze_changes",
    "check_year",
    "entry_share_rows",
    "export_job_list",
    "ledger_entries",
    "live_shares",
    "pool_months",
    "pool_name",
    "ranking_for",
    "render_pools",
    "render_statement",
    "shares_as_of",
    "snapshot_get",
    "statement_for",
    "year_groups",
    "year_result",
]
