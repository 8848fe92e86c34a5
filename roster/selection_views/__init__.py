"""Selection pages: rounds, the nomination queue and form, a nomination's
review, the centre's notice and appointment, objections, and the public
notice board."""

from .nominations import (
    NominationActionView,
    NominationCreateView,
    NominationDetailView,
    NominationListView,
    NominationPrintView,
    ObjectionListView,
)
from .public import PublicApplicationView, PublicNoticeView, PublicRosterChangesView
from .rounds import (
    AppointmentNoticeView,
    GroupListView,
    RoundActionView,
    RoundCreateView,
    RoundDetailView,
    RoundListView,
)

__all__ = [
    "AppointmentNoticeView",
    "GroupListView",
    "NominationActionView",
    "NominationCreateView",
    "NominationDetailView",
    "NominationListView",
    "NominationPrintView",
    "ObjectionListView",
    "PublicApplicationView",
    "PublicNoticeView",
    "PublicRosterChangesView",
    "RoundActionView",
    "RoundCreateView",
    "RoundDetailView",
    "RoundListView",
]
