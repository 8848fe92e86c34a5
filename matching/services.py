"""Writes of the matcher: an entry's suggestions computed and stored
(:func:`matches_for`), a whole tenant re-matched in batches
(:func:`rematch_tenant`), "not relevant" feedback recorded
(:func:`match_feedback_record`). The scoring itself is the pure
:mod:`matching.engine`; this module turns rows into its items and back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Tenant
from ledgers.choices import EntryKind, EntryStatus, Library
from ledgers.models import Credit, Entry, Reference
from network.choices import MemberStatus
from network.models import PublishedItem
from network.selectors import active_network, published_items

from . import engine
from .choices import MatchSource, Verdict
from .models import Match, MatchFeedback, MatchRun, NetworkFeedback, NetworkMatch

#: Entry kinds the matcher works for, and the reference libraries it offers demands.
MATCHED_KINDS = (EntryKind.DEMAND, EntryKind.ACHIEVEMENT)
LIBRARY_SIDES = {Library.EXPERT: "expert", Library.PLATFORM: "platform"}
FEEDBACK_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.OFFICER})


def _limit() -> int:
    return getattr(settings, "MATCHING_LIMIT", engine.LIMIT)


# --- rows → items ----------------------------------------------------------------------


def _officer_districts(tenant_id: int, entry_ids: Sequence[int]) -> dict[int, str]:
    """Each entry's district by its credited officers: the first (by
    officer id) that has one."""
    out: dict[int, str] = {}
    rows = (
        Credit.objects.filter(
            tenant_id=tenant_id, entry_id__in=entry_ids, officer__district__isnull=False
        )
        .order_by("entry_id", "officer_id")
        .values_list("entry_id", "officer__district__code")
    )
    for entry_id, code in rows:
        out.setdefault(entry_id, code)
    return out


def _entry_items(entries: Sequence[Entry], *, officer_districts: bool = True) -> list[engine.Item]:
    """Engine items of demands and achievements (with ``enterprise`` and
    ``expert`` and their districts selected). The district is the
    enterprise's (demand) or the expert's (achievement), else the first
    credited officer's."""
    by_officer = (
        _officer_districts(entries[0].tenant_id, [e.id for e in entries])
        if officer_districts and entries
        else {}
    )
    items = []
    for e in entries:
        ref = e.enterprise if e.kind == EntryKind.DEMAND else e.expert
        district = ref.district.code if ref is not None and ref.district_id else ""
        text = "\n".join(t for t in (e.summary, e.institution) if t)
        items.append(
            engine.Item(
                id=e.id,
                side=e.kind,
                title=e.title,
                text=text,
                field=e.field,
                maturity=e.maturity if e.kind == EntryKind.ACHIEVEMENT else "",
                district=district or by_officer.get(e.id, ""),
                tenant=e.tenant_id,
            )
        )
    return items


def _reference_items(references: Iterable[Reference]) -> list[engine.Item]:
    return [
        engine.Item(
            id=r.id,
            side=LIBRARY_SIDES[r.library],
            title=r.name,
            text="\n".join(t for t in (r.organisation, r.note) if t),
            field=r.field,
            district=r.district.code if r.district_id else "",
            tenant=r.tenant_id,
        )
        for r in references
    ]


def _entries(tenant: Tenant):
    return Entry.objects.for_tenant(tenant).select_related(
        "enterprise__district", "expert__district"
    )


def matchable(entry: Entry) -> bool:
    """Is the entry matched at all: a verified achievement, or a verified
    demand marked valid."""
    return (
        entry.kind in MATCHED_KINDS
        and entry.status == EntryStatus.VERIFIED
        and (entry.kind != EntryKind.DEMAND or entry.is_valid)
    )


def candidates_of(*, tenant: Tenant, side: str, libraries: bool = True) -> list[engine.Item]:
    """The tenant's items a query of ``side`` is matched against: for a
    demand the verified achievements and (``libraries``) the expert and
    platform libraries; for an achievement the verified valid demands."""
    verified = _entries(tenant).filter(status=EntryStatus.VERIFIED).order_by("id")
    if side == EntryKind.DEMAND:
        items = _entry_items(list(verified.filter(kind=EntryKind.ACHIEVEMENT)))
        if not libraries:
            return items
        refs = (
            Reference.objects.for_tenant(tenant)
            .filter(library__in=list(LIBRARY_SIDES))
            .select_related("district")
            .order_by("id")
        )
        return items + _reference_items(refs)
    return _entry_items(list(verified.filter(kind=EntryKind.DEMAND, is_valid=True)))


def network_items(*, tenant: Tenant, side: str, network=None) -> list[engine.Item]:
    """The items the other members of the tenant's province network
    published that a query of ``side`` is matched against (achievements for
    a demand, demands for an achievement), or none when the tenant is not an
    active member. Each item's id is the published item's, negated, so it
    never meets a local entry's key; its tenant is the publisher's, so a
    district code never counts as "same district" across programmes.
    ``network``: the tenant's active network when the caller has it."""
    network = network or active_network(tenant=tenant)
    if network is None:
        return []
    wanted = EntryKind.ACHIEVEMENT if side == EntryKind.DEMAND else EntryKind.DEMAND
    published = list(
        published_items(network, exclude_tenant=tenant)
        .filter(entry__kind=wanted)
        .select_related("entry__enterprise__district", "entry__expert__district")
        .order_by("id")
    )
    # another programme's district codes never count as "same district", so
    # its officers' districts are not read
    by_entry = {p.entry_id: p.id for p in published}
    items = _entry_items([p.entry for p in published], officer_districts=False)
    return [dataclasses.replace(item, id=-by_entry[item.id]) for item in items]


def _not_relevant(tenant: Tenant, entries: Sequence[Entry]) -> dict[int, set[tuple[str, int]]]:
    """The candidate keys marked "not relevant" for each entry, in one
    query whatever the number of entries."""
    out: dict[int, set[tuple[str, int]]] = {e.id: set() for e in entries}
    demands = {e.id for e in entries if e.kind == EntryKind.DEMAND}
    achievements = {e.id for e in entries if e.kind == EntryKind.ACHIEVEMENT}
    if not out:
        return out
    rows = (
        MatchFeedback.objects.for_tenant(tenant)
        .filter(verdict=Verdict.NOT_RELEVANT)
        .filter(Q(demand_id__in=demands) | Q(achievement_id__in=achievements))
        .values_list("demand_id", "achievement_id", "reference_id", "reference__library")
    )
    for demand_id, achievement_id, reference_id, library in rows:
        if demand_id in demands:
            if achievement_id:
                out[demand_id].add(("achievement", achievement_id))
            elif library in LIBRARY_SIDES:
                out[demand_id].add((LIBRARY_SIDES[library], reference_id))
        if achievement_id in achievements:
            out[achievement_id].add(("demand", demand_id))
    return out


def _network_not_relevant(tenant: Tenant, entries: Sequence[Entry]) -> dict[int, set]:
    """Per entry, the network candidates marked "not relevant" for it, keyed
    as :func:`network_items` keys them (the published item's id, negated);
    one query for the batch."""
    out: dict[int, set] = {e.id: set() for e in entries}
    side = {e.id: "achievement" if e.kind == EntryKind.DEMAND else "demand" for e in entries}
    for entry_id, published_id in (
        NetworkFeedback.objects.for_tenant(tenant)
        .filter(entry_id__in=list(out), verdict=Verdict.NOT_RELEVANT)
        .values_list("entry_id", "published_id")
    ):
        out[entry_id].add((side[entry_id], -published_id))
    return out


# --- storing ---------------------------------------------------------------------------


def _match_row(
    tenant: Tenant, entry: Entry, suggestion: engine.Suggestion, now: dt.datetime
) -> Match:
    other = suggestion.item
    row = Match(
        tenant=tenant,
        source=entry.kind,
        score=Decimal(str(suggestion.score)).quantize(Decimal("0.0001")),
        reasons=[{"code": r.code, "params": dict(r.params)} for r in suggestion.reasons],
        computed_at=now,
    )
    if entry.kind == EntryKind.DEMAND:
        row.demand_id = entry.id
        if other.side == "achievement":
            row.achievement_id = other.id
        else:
            row.reference_id = other.id
    else:
        row.achievement_id, row.demand_id = entry.id, other.id
    return row


def _scored(suggestion: engine.Suggestion) -> dict:
    """A suggestion's stored score and reasons."""
    return {
        "score": Decimal(str(suggestion.score)).quantize(Decimal("0.0001")),
        "reasons": [{"code": r.code, "params": dict(r.params)} for r in suggestion.reasons],
    }


def _store(
    *,
    tenant: Tenant,
    ranked: Sequence[tuple[Entry, Sequence[engine.Suggestion], Sequence[engine.Suggestion] | None]],
    candidates: int,
    now: dt.datetime,
) -> list[Match]:
    """Replace the stored suggestions (each entry's own side's) and the runs
    of a batch of entries: ``ranked`` holds each entry with its local
    suggestions and, when the tenant is in a province network, its network
    ones (else None: its network rows are left alone). A fixed number of
    statements whatever the batch's size (one DELETE and one INSERT per
    table, one upsert of the runs), so a tenant of 100,000 entries is
    stored in minutes. Returns the local rows."""
    if not ranked:
        return []
    entries = [entry for entry, _local, _network in ranked]
    demands = [e.id for e in entries if e.kind == EntryKind.DEMAND]
    achievements = [e.id for e in entries if e.kind == EntryKind.ACHIEVEMENT]
    Match.objects.for_tenant(tenant).filter(
        Q(source=EntryKind.DEMAND, demand_id__in=demands)
        | Q(source=EntryKind.ACHIEVEMENT, achievement_id__in=achievements)
    ).delete()
    rows = Match.objects.bulk_create(
        [_match_row(tenant, entry, s, now) for entry, local, _network in ranked for s in local]
    )
    networked = [(entry, network) for entry, _local, network in ranked if network is not None]
    if networked:
        NetworkMatch.objects.for_tenant(tenant).filter(
            entry_id__in=[entry.id for entry, _network in networked]
        ).delete()
        NetworkMatch.objects.bulk_create(
            [
                NetworkMatch(
                    tenant=tenant,
                    entry=entry,
                    published_id=-s.item.id,
                    computed_at=now,
                    **_scored(s),
                )
                for entry, network in networked
                for s in network
            ]
        )
    MatchRun.objects.bulk_create(
        [MatchRun(tenant=tenant, entry=e, computed_at=now, candidates=candidates) for e in entries],
        update_conflicts=True,
        unique_fields=["tenant", "entry"],
        update_fields=["computed_at", "candidates"],
    )
    return rows


class _Indexes:
    """One side's candidates, indexed once: the tenant's own and, when the
    tenant is an active member of a province network, the other members'
    published items apart (each list keeps its own top ten, so items that
    come and go with the network never crowd out local suggestions)."""

    def __init__(self, *, tenant: Tenant, side: str):
        local = candidates_of(tenant=tenant, side=side)
        network = active_network(tenant=tenant)
        shared = network_items(tenant=tenant, side=side, network=network) if network else []
        self.size = len(local) + len(shared)
        self.local = engine.Index(local)
        self.network = engine.Index(shared) if network else None

    def store(self, *, tenant: Tenant, entries: Sequence[Entry], now: dt.datetime) -> list:
        """Rank and store each entry's suggestions; returns the local rows."""
        excluded = _not_relevant(tenant, entries)
        elsewhere = _network_not_relevant(tenant, entries) if self.network is not None else {}
        ranked = []
        for entry, item in zip(entries, _entry_items(entries), strict=True):
            local = engine.rank(item, self.local, not_relevant=excluded[entry.id], limit=_limit())
            network = (
                None
                if self.network is None
                else engine.rank(
                    item,
                    self.network,
                    not_relevant=elsewhere[entry.id],
                    limit=_limit(),
                )
            )
            ranked.append((entry, local, network))
        return _store(tenant=tenant, ranked=ranked, candidates=self.size, now=now)


def matches_for(*, tenant: Tenant, entry: Entry, now: dt.datetime | None = None) -> list[Match]:
    """Compute and store the top suggestions (``MATCHING_LIMIT``, 10) of one
    entry: a verified valid demand or a verified achievement. Any other entry
    has none (what it had is removed). Locks the entry, so two runs for it
    store one set."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = _entries(tenant).select_for_update(of=("self",)).get(pk=entry.pk)
        if not matchable(entry):
            if entry.kind in MATCHED_KINDS:
                return _store(tenant=tenant, ranked=[(entry, [], [])], candidates=0, now=now)
            return []
        indexes = _Indexes(tenant=tenant, side=entry.kind)
        return indexes.store(tenant=tenant, entries=[entry], now=now)


def matched_entries(*, entry: Entry, matches: Iterable[Match]) -> list[int]:
    """The ids of the entries (not references) an entry's suggestions name."""
    if entry.kind == EntryKind.DEMAND:
        return [m.achievement_id for m in matches if m.achievement_id]
    return [m.demand_id for m in matches]


def rematch_tenant(
    *, tenant: Tenant, batch_size: int | None = None, kinds: Sequence[str] = MATCHED_KINDS
) -> int:
    """Match every verified valid demand and verified achievement of the
    tenant; returns how many. Each side's candidates are indexed once; the
    queries are read and stored a batch at a time (``MATCHING_BATCH_SIZE``),
    each batch in its own transaction, so memory holds one index and one
    batch whatever the tenant's size. ``kinds`` limits the sides matched
    (the demo matches its demands only, to load fast)."""
    batch_size = batch_size or getattr(settings, "MATCHING_BATCH_SIZE", 500)
    done = 0
    for kind in kinds:
        indexes = _Indexes(tenant=tenant, side=kind)
        queries = _entries(tenant).filter(kind=kind, status=EntryStatus.VERIFIED)
        if kind == EntryKind.DEMAND:
            queries = queries.filter(is_valid=True)
        last = 0
        while True:
            batch = list(queries.filter(pk__gt=last).order_by("pk")[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                indexes.store(tenant=tenant, entries=batch, now=timezone.now())
            done += len(batch)
            last = batch[-1].pk
    return done


# --- hooks and feedback ----------------------------------------------------------------


def entry_verified(entry: Entry) -> None:
    """The ledgers' ``ON_VERIFIED`` hook (after commit): a demand or an
    achievement is matched in the background."""
    if entry.kind in MATCHED_KINDS:
        from .tasks import match_entry

        match_entry.delay(tenant_id=entry.tenant_id, entry_id=entry.id)


def published_to_network(item: PublishedItem) -> None:
    """The network's ``ON_PUBLISHED`` hook (after commit): the other members'
    entries the new item suits are matched again in the background."""
    from .tasks import match_published

    match_published.delay(published_id=item.id)


def rematch_for_published(*, item: PublishedItem) -> int:
    """Match again, in each other active member of the item's network, the
    entries the newly published item would suit best (its own top ten among
    that member's opposite side), so it enters their lists; returns how many
    entries were matched. One index per member; the entries in one read."""
    if not published_items(item.network).filter(pk=item.pk).exists():
        return 0
    entry = _entries(item.tenant).get(pk=item.entry_id)
    [query] = _entry_items([entry], officer_districts=False)
    query = dataclasses.replace(query, id=-item.id)
    done = 0
    members = item.network.members.filter(status=MemberStatus.ACTIVE)
    for member in members.exclude(tenant=item.tenant_id).select_related("tenant"):
        tenant = member.tenant
        side = EntryKind.ACHIEVEMENT if entry.kind == EntryKind.DEMAND else EntryKind.DEMAND
        # the member's entries only: a published item never meets a library
        entries = candidates_of(tenant=tenant, side=entry.kind, libraries=False)
        # every copy: officers who logged one item each see the new one too
        ranked = engine.rank_items(query, entries, limit=_limit(), distinct=False)
        ids = [s.item.id for s in ranked]
        targets = list(_entries(tenant).filter(pk__in=ids).order_by("pk"))
        if targets:
            with transaction.atomic():
                _Indexes(tenant=tenant, side=side).store(
                    tenant=tenant, entries=targets, now=timezone.now()
                )
        done += len(targets)
    return done


def _may_judge(membership: Membership, verdict: str) -> None:
    """The checks every verdict on a suggestion passes: the role, the word."""
    if membership.role not in FEEDBACK_ROLES:
        raise PermissionDenied(_("Your role does not give feedback on matches."))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Say “not_relevant”.")})


def match_feedback_record(
    *,
    tenant: Tenant,
    membership: Membership,
    demand: Entry,
    achievement: Entry,
    verdict: str = Verdict.NOT_RELEVANT,
    now: dt.datetime | None = None,
) -> tuple[MatchFeedback, bool]:
    """Record that a demand and an achievement do not go together: the pair
    leaves both sides' suggestions now, and each side is matched again
    after commit to fill its list. Returns the feedback and whether it is new."""
    _may_judge(membership, verdict)
    if demand.kind != EntryKind.DEMAND:
        raise ValidationError({"demand": _("This is not a demand.")})
    if achievement.kind != EntryKind.ACHIEVEMENT:
        raise ValidationError({"achievement": _("This is not an achievement.")})
    with transaction.atomic():
        feedback, created = MatchFeedback.objects.get_or_create(
            tenant=tenant,
            demand=demand,
            achievement=achievement,
            defaults={"verdict": verdict, "by": membership.user, "at": now or timezone.now()},
        )
        Match.objects.for_tenant(tenant).filter(demand=demand, achievement=achievement).delete()
        if created:
            from .tasks import match_entry

            for entry in (demand, achievement):
                if MatchRun.objects.for_tenant(tenant).filter(entry=entry).exists():
                    transaction.on_commit(
                        lambda e=entry: match_entry.delay(tenant_id=tenant.id, entry_id=e.id)
                    )
    return feedback, created


def network_feedback_record(
    *,
    tenant: Tenant,
    membership: Membership,
    match: NetworkMatch,
    verdict: str = Verdict.NOT_RELEVANT,
    now: dt.datetime | None = None,
) -> tuple[NetworkFeedback, bool]:
    """Record that a suggestion from the province network does not suit the
    tenant's entry: the item leaves the entry's network suggestions now and
    the entry is matched again after commit to fill its list. Returns the
    feedback and whether it is new."""
    _may_judge(membership, verdict)
    with transaction.atomic():
        feedback, created = NetworkFeedback.objects.get_or_create(
            tenant=tenant,
            entry_id=match.entry_id,
            published_id=match.published_id,
            defaults={"verdict": verdict, "by": membership.user, "at": now or timezone.now()},
        )
        NetworkMatch.objects.for_tenant(tenant).filter(
            entry_id=match.entry_id, published_id=match.published_id
        ).delete()
        if created:
            from .tasks import match_entry

            transaction.on_commit(
                lambda: match_entry.delay(
                    tenant_id=tenant.id, entry_id=match.entry_id, cascade=False
                )
            )
    return feedback, created


__all__ = [
    "MATCHED_KINDS",
    "MatchSource",
    "candidates_of",
    "entry_verified",
    "match_feedback_record",
    "matchable",
    "matched_entries",
    "matches_for",
    "network_feedback_record",
    "network_items",
    "published_to_network",
    "rematch_for_published",
    "rematch_tenant",
]
