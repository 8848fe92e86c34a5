"""Reads of the matcher: an entry's stored suggestions, reasons worded."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Tenant
from ledgers.choices import EntryKind, EntryStatus, Maturity
from ledgers.models import Entry
from roster.models import District

from . import taxonomy
from .models import Match, MatchRun


def match_list(*, tenant: Tenant, entry: Entry, limit: int = 10) -> QuerySet[Match]:
    """The entry's stored suggestions, best first (ties by id), whose other
    side is still a verified (valid) entry or a reference row."""
    matches = Match.objects.for_tenant(tenant).select_related("demand", "achievement", "reference")
    if entry.kind == EntryKind.DEMAND:
        matches = matches.filter(source=EntryKind.DEMAND, demand=entry).filter(
            Q(reference__isnull=False) | Q(achievement__status=EntryStatus.VERIFIED)
        )
    else:
        matches = matches.filter(
            source=EntryKind.ACHIEVEMENT,
            achievement=entry,
            demand__status=EntryStatus.VERIFIED,
            demand__is_valid=True,
        )
    return matches.order_by("-score", "id")[:limit]


def suggestions(*, tenant: Tenant, entry: Entry) -> list[dict]:
    """The API's rows for an entry in reach: ``[{"achievement", "reference",
    "library", "title", "score", "reasons"}]`` for a demand (``reference``
    and ``library`` name an expert or platform), ``[{"demand", "title",
    "score", "reasons"}]`` for an achievement; reasons worded in the active
    language. An entry never matched yet is matched now; one that is not
    matched at all (a draft, an invalid demand, another kind) has none."""
    from .services import matchable, matches_for  # the one write a read may start

    if not matchable(entry):
        return []
    if not was_matched(tenant=tenant, entry=entry):
        matches_for(tenant=tenant, entry=entry)
    districts = district_names(tenant)
    rows = []
    for match in match_list(tenant=tenant, entry=entry):
        if entry.kind == EntryKind.DEMAND:
            row = {
                "achievement": match.achievement_id,
                "reference": match.reference_id,
                "library": match.reference.library if match.reference_id else None,
                "title": match.achievement.title if match.achievement_id else match.reference.name,
            }
        else:
            row = {"demand": match.demand_id, "title": match.demand.title}
        row["score"] = float(match.score)
        row["reasons"] = [reason_text(r, districts=districts) for r in match.reasons]
        rows.append(row)
    return rows


def was_matched(*, tenant: Tenant, entry: Entry) -> bool:
    return MatchRun.objects.for_tenant(tenant).filter(entry=entry).exists()


def district_names(tenant: Tenant) -> dict[str, str]:
    return dict(District.objects.for_tenant(tenant).values_list("code", "name"))


def reason_text(reason: dict, *, districts: dict[str, str]) -> str:
    """One stored reason (``{"code", "params"}``) in the active language."""
    code, params = reason.get("code"), reason.get("params") or {}
    if code == "same_field":
        field = params.get("field", "")
        return _("Same industry: %(name)s (%(code)s)") % {
            "name": taxonomy.DIVISIONS.get(field, field),
            "code": field,
        }
    if code == "same_section":
        section = params.get("section", "")
        return _("Same industry section: %(name)s") % {
            "name": taxonomy.SECTIONS.get(section, section)
        }
    if code == "shared_terms":
        return _("Shared terms: %(terms)s") % {"terms": "、".join(params.get("terms") or ())}
    if code == "maturity":
        values = {
            "maturity": _label(params.get("maturity", "")),
            "need": _label(params.get("need", "")),
        }
        if params.get("ready"):
            return _("Maturity %(maturity)s meets the need (%(need)s)") % values
        return _("Maturity %(maturity)s is below the need (%(need)s)") % values
    if code == "same_district":
        district = params.get("district", "")
        return _("Same district: %(name)s") % {"name": districts.get(district, district)}
    return str(code)


def _label(value: str) -> str:
    try:
        return str(Maturity(value).label)
    except ValueError:
        return value


def match_feed(*, membership, query: str = "") -> QuerySet[Match]:
    """Demand–achievement pairs in the member's area, newest first, each
    pair once (both sides' stored rows of a pair are one suggestion), both
    sides still verified (the demand valid). The area: every pair for admins
    and auditors; else pairs whose demand or achievement credits an officer
    in reach (:func:`ledgers.selectors.entry_list`), or, for an officer or a
    manager, whose enterprise or expert is in their district(s). ``query``
    searches both titles."""
    from django.db.models import Exists, OuterRef

    from ledgers.selectors import entry_list
    from roster.selectors import districts_in_reach, officer_list

    tenant = membership.tenant
    pairs = Match.objects.for_tenant(tenant).filter(
        achievement__isnull=False,
        achievement__status=EntryStatus.VERIFIED,
        demand__status=EntryStatus.VERIFIED,
        demand__is_valid=True,
    )
    if not membership.reads_all:
        reach = entry_list(membership=membership).order_by().values("id")
        districts = set(districts_in_reach(membership=membership).values_list("id", flat=True))
        districts |= set(
            officer_list(membership=membership)
            .filter(district__isnull=False)
            .values_list("district_id", flat=True)
        )
        pairs = pairs.filter(
            Q(demand__in=reach)
            | Q(achievement__in=reach)
            | Q(demand__enterprise__district__in=districts)
            | Q(achievement__expert__district__in=districts)
        )
    if query:
        pairs = pairs.filter(
            Q(demand__title__icontains=query) | Q(achievement__title__icontains=query)
        )
    twin = Match.objects.filter(
        tenant=tenant,
        demand_id=OuterRef("demand_id"),
        achievement_id=OuterRef("achievement_id"),
        id__lt=OuterRef("id"),
    )
    return (
        pairs.exclude(Exists(twin))
        .select_related("demand", "achievement")
        .order_by("-computed_at", "-score", "-id")
    )
