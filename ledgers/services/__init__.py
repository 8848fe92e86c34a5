"""Writes of the ledgers. Every change is one atomic action that also writes
its history row; transitions lock the entry and check the state they start
from, so concurrent requests change an entry once.

Errors: ``ValidationError`` for bad input, ``PermissionDenied`` when the
caller sees the entry but may not do this, :class:`liaison.errors.Conflict`
when the entry's state does not allow it.
"""

from .credits import entry_confirm, entry_decline
from .entries import (
    COMMON_FIELDS,
    KIND_FIELDS,
    MATCHABLE_KINDS,
    entry_create,
    entry_update,
    find_duplicate,
)
from .files import EVIDENCE_TYPES, evidence_add, reference_create
from .transitions import (
    entry_return,
    entry_submit,
    entry_verify,
    entry_verify_many,
    entry_withdraw,
    review_refusal,
    withdraw_is_return,
)

__all__ = [
    "COMMON_FIELDS",
    "EVIDENCE_TYPES",
    "KIND_FIELDS",
    "MATCHABLE_KINDS",
    "entry_confirm",
    "entry_create",
    "entry_decline",
    "entry_return",
    "entry_submit",
    "entry_update",
    "entry_verify",
    "entry_verify_many",
    "entry_withdraw",
    "evidence_add",
    "find_duplicate",
    "reference_create",
    "review_refusal",
    "withdraw_is_return",
]
