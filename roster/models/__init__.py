"""Models of the roster app: organisation and officers, and the selection
workflow that appoints them."""

from .groups import OfficerGroup
from .hosts import ChangeRequest, HostAssignment
from .organisation import (
    District,
    DistrictUserObjectPermission,
    Officer,
    OfficerRenewal,
    Unit,
    UnitUserObjectPermission,
)
from .selection import Nomination, NominationTransition, Notice, Objection, SelectionRound

__all__ = [
    "ChangeRequest",
    "District",
    "DistrictUserObjectPermission",
    "HostAssignment",
    "Nomination",
    "NominationTransition",
    "Notice",
    "Objection",
    "Officer",
    "OfficerGroup",
    "OfficerRenewal",
    "SelectionRound",
    "Unit",
    "UnitUserObjectPermission",
]
