"""Reads of the matcher: an entry's stored suggestions, reasons worded."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDay
from django.utils.translation import gettext as _

from accounts.models import Tenant
from ledgers.choices import EntryKind, EntryStatus, Maturity
from ledgers.models import Entry
from network.selectors import active_network, published_items
from roster.models import District

from . import taxonomy
from .models import Match, MatchRun, NetworkMatch


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


def suggestions(*, tenant: Tenant, entry: Entry, limit: int = 10) -> list[dict]:
    """The API's rows for an entry in reach, best first: ``[{"achievement",
    "reference", "library", "title", "published", "programme", "score",
    "reasons"}]`` for a demand (``reference`` and ``library`` name an expert
    or platform), ``[{"demand", "title", "published", "programme", "score",
    "reasons"}]`` for an achievement. A row from the province network has
    ``published`` (the published item's id) and ``programme`` (the member
    that published it) and no local id. Reasons worded in the active
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
        row.update(published=None, programme=None, score=float(match.score))
        row["reasons"] = [reason_text(r, districts=districts) for r in match.reasons]
        rows.append((match.score, 0, match.id, row))
    other = EntryKind.ACHIEVEMENT if entry.kind == EntryKind.DEMAND else EntryKind.DEMAND
    for match in network_match_list(tenant=tenant, entry=entry):
        row = {other: None}
        if entry.kind == EntryKind.DEMAND:
            row.update(reference=None, library=None)
        row.update(
            title=match.published.entry.title,
            published=match.published_id,
            programme=match.published.tenant.name,
            score=float(match.score),
            reasons=[reason_text(r, districts={}) for r in match.reasons],
        )
        rows.append((match.score, 1, match.id, row))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    return [row for *_key, row in rows[:limit]]


def network_match_list(*, tenant: Tenant, entry: Entry, limit: int = 10) -> list[NetworkMatch]:
    """The entry's stored suggestions from the province network whose item
    is still published there and whose publisher and the tenant are still
    active members of the same network (leaving ends them at once)."""
    network = active_network(tenant=tenant)
    if network is None:
        return []
    return list(
        NetworkMatch.objects.for_tenant(tenant)
        .filter(entry=entry, published__in=published_items(network, exclude_tenant=tenant))
        .select_related("published__entry", "published__tenant")
        .order_by("-score", "id")[:limit]
    )


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


def pairs_in_area(*, membership) -> QuerySet[Match]:
    """Stored demand–achievement rows in the member's area, both sides still
    verified (the demand valid). The area: every pair for admins and
    auditors; else pairs whose demand or achievement credits an officer in
    reach (:func:`ledgers.selectors.entry_list`), or, for an officer or a
    manager, whose enterprise or expert is in their district(s)."""
    from ledgers.selectors import entry_list
    from roster.selectors import districts_in_reach, officer_list

    pairs = Match.objects.for_tenant(membership.tenant).filter(
        achievement__isnull=False,
        achievement__status=EntryStatus.VERIFIED,
        demand__status=EntryStatus.VERIFIED,
        demand__is_valid=True,
    )
    if membership.reads_all:
        return pairs
    reach = entry_list(membership=membership).order_by().values("id")
    districts = set(districts_in_reach(membership=membership).values_list("id", flat=True))
    districts |= set(
        officer_list(membership=membership)
        .filter(district__isnull=False)
        .values_list("district_id", flat=True)
    )
    return pairs.filter(
        Q(demand__in=reach)
        | Q(achievement__in=reach)
        | Q(demand__enterprise__district__in=districts)
        | Q(achievement__expert__district__in=districts)
    )


#: The feeds' order: the newest day first (Asia/Shanghai), the strongest
#: pairs first within a day. Ordered by the time alone, the weak pairs of one
#: entry matched again a minute later (after a "not relevant", say) sat above
#: the day's strong ones.
FEED_ORDER = (
    TruncDay("computed_at").desc(),  # in the current time zone (TIME_ZONE)
    "-score",
    "-id",
)


def match_feed(*, membership, query: str = "") -> QuerySet[Match]:
    """The pairs in the member's area (:func:`pairs_in_area`), newest day first,
    each pair once (both sides' stored rows of a pair are one suggestion).
    ``query`` searches both titles."""
    from django.db.models import Exists, OuterRef

    tenant = membership.tenant
    pairs = pairs_in_area(membership=membership)
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
        .select_related("demand__enterprise", "achievement")
        .order_by(*FEED_ORDER)
    )


def network_feed(*, membership, query: str = "", limit: int = 20) -> list[NetworkMatch]:
    """The newest suggestions from the province network for the entries in
    the member's area (every entry for admins and auditors, else the
    entries in reach), while the item is still published; ``query``
    searches both titles. Empty when the tenant is not an active member."""
    rows = network_pairs(membership=membership, query=query)
    return list(
        rows.select_related("entry", "published__entry", "published__tenant").order_by(*FEED_ORDER)[
            :limit
        ]
    )


def network_pairs(*, membership, query: str = ""):
    """The queryset behind :func:`network_feed` (none when the tenant is not
    an active member of a network)."""
    from ledgers.selectors import entry_list

    tenant = membership.tenant
    network = active_network(tenant=tenant)
    if network is None:
        return NetworkMatch.objects.none()
    rows = NetworkMatch.objects.for_tenant(tenant).filter(
        published__in=published_items(network, exclude_tenant=tenant),
        entry__status=EntryStatus.VERIFIED,
    )
    if not membership.reads_all:
        rows = rows.filter(entry__in=entry_list(membership=membership).order_by().values("id"))
    if query:
        rows = rows.filter(
            Q(entry__title__icontains=query) | Q(published__entry__title__icontains=query)
        )
    return rows


def pair_sides(membership) -> set[int]:
    """The ids of both sides of the pairs in the member's area: what they may
    link in an event or a conversion though one side may be out of their
    reach (the ledgers' ``LINKABLE`` hook). Read once into a set: nested
    into the form's query it would be too deep for SQLite's parser. Kept on
    the membership (one request's), since a form or a serializer asks once
    per linked id."""
    if membership.reads_all:
        return set()  # they may link any entry already
    cached = getattr(membership, "_pair_sides", None)
    if cached is None:
        rows = (
            pairs_in_area(membership=membership)
            .order_by()
            .values_list("demand_id", "achievement_id")
        )
        cached = membership._pair_sides = {i for pair in rows for i in pair}
    return cached
