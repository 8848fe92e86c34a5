"""Changes to the province network. Each is one atomic action; the audit
rows come from the database triggers (``audit/triggers.py``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Tenant
from ledgers.choices import EntryStatus
from ledgers.models import Entry
from liaison.errors import Conflict

from .choices import PUBLISHABLE_KINDS, MemberStatus
from .models import Network, NetworkMember, PublishedItem
from .selectors import active_network

#: Callables ``(item) → None`` run after an item's publication commits; apps
#: above the network register theirs in ``AppConfig.ready`` (matching: the
#: other members' entries are matched against it), so no import runs upward.
ON_PUBLISHED: list = []


@transaction.atomic
def network_create(*, tenant: Tenant, membership: Membership, name: str) -> Network:
    """The province association's tenant starts its network (one per tenant)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Please enter a name.")})
    if Network.objects.for_tenant(tenant).exists():
        raise Conflict(_("This programme already runs a network."))
    return Network.objects.create(tenant=tenant, name=name[:200], created_by=membership.user)


@transaction.atomic
def member_invite(*, tenant: Tenant, membership: Membership, network: Network, slug: str):
    """The province invites a city programme by its code (slug). Its admin
    then opts in; a programme that left may be invited again."""
    if network.tenant_id != tenant.pk:
        raise Conflict(_("Not your network."))
    city = Tenant.objects.filter(slug=(slug or "").strip()).first()
    if city is None or city.pk == tenant.pk:
        raise ValidationError({"tenant": _("No other programme has this code.")})
    member = NetworkMember.objects.select_for_update().filter(network=network, tenant=city).first()
    now = timezone.now()
    if member is None:
        return NetworkMember.objects.create(
            tenant=city, network=network, status=MemberStatus.INVITED, invited_at=now
        )
    if member.status != MemberStatus.LEFT:
        raise Conflict(_("This programme is already invited or a member."))
    member.status, member.invited_at = MemberStatus.INVITED, now
    member.joined_at = member.left_at = None
    member.save(update_fields=["status", "invited_at", "joined_at", "left_at"])
    return member


@transaction.atomic
def member_accept(*, tenant: Tenant, membership: Membership, member: NetworkMember):
    """The city programme's admin opts in to the network that invited it."""
    member = NetworkMember.objects.select_for_update().get(pk=member.pk, tenant=tenant)
    if member.status != MemberStatus.INVITED:
        raise Conflict(_("Only an open invitation can be accepted."))
    if active_network(tenant=tenant) is not None:
        raise Conflict(_("Your programme is already a member of a network: leave it first."))
    member.status, member.joined_at = MemberStatus.ACTIVE, timezone.now()
    member.save(update_fields=["status", "joined_at"])
    return member


def _end(member: NetworkMember) -> NetworkMember:
    if member.status == MemberStatus.LEFT:
        raise Conflict(_("This programme has already left the network."))
    member.status, member.left_at = MemberStatus.LEFT, timezone.now()
    member.save(update_fields=["status", "left_at"])
    # what it published leaves with it
    PublishedItem.objects.filter(network=member.network, tenant=member.tenant).delete()
    return member


@transaction.atomic
def member_leave(*, tenant: Tenant, membership: Membership, member: NetworkMember):
    """The city side declines the invitation or leaves the network."""
    member = NetworkMember.objects.select_for_update().get(pk=member.pk, tenant=tenant)
    return _end(member)


@transaction.atomic
def member_remove(*, tenant: Tenant, membership: Membership, member: NetworkMember):
    """The province side withdraws an invitation or ends a membership."""
    member = NetworkMember.objects.select_for_update().get(pk=member.pk, network__tenant=tenant)
    return _end(member)


@transaction.atomic
def item_publish(*, tenant: Tenant, membership: Membership, entry: Entry) -> PublishedItem:
    """Publish a verified demand or achievement of ``tenant`` to the network
    it is an active member of."""
    entry = Entry.objects.for_tenant(tenant).get(pk=entry.pk)
    if entry.kind not in PUBLISHABLE_KINDS:
        raise ValidationError({"entry": _("Only demands and achievements can be published.")})
    if entry.status != EntryStatus.VERIFIED:
        raise Conflict(_("Only a verified entry can be published."))
    network = active_network(tenant=tenant)
    if network is None:
        raise Conflict(_("Your programme is not a member of a province network."))
    if PublishedItem.objects.filter(network=network, entry=entry).exists():
        raise Conflict(_("This entry is already published to the network."))
    item = PublishedItem.objects.create(
        tenant=tenant,
        network=network,
        entry=entry,
        published_by=membership.user,
        published_at=timezone.now(),
    )
    for hook in ON_PUBLISHED:
        transaction.on_commit(lambda h=hook: h(item))
    return item


@transaction.atomic
def item_unpublish(*, tenant: Tenant, membership: Membership, item: PublishedItem) -> None:
    """Take one of the tenant's own items off the network."""
    PublishedItem.objects.for_tenant(tenant).filter(pk=item.pk).delete()
