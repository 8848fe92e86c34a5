"""The ledger's one hook into the province network: on a verified demand or
achievement, the city admin's "publish to the network" (or unpublish) button."""

from __future__ import annotations

from django import template

from accounts.choices import Role
from ledgers.choices import EntryStatus

from ..choices import PUBLISHABLE_KINDS
from ..selectors import active_network, published_by

register = template.Library()


@register.inclusion_tag("network/_publish.html", takes_context=True)
def network_publish(context, entry):
    membership = context.get("membership")
    shown = (
        membership is not None
        and membership.role == Role.ADMIN
        and entry.kind in PUBLISHABLE_KINDS
        and entry.status == EntryStatus.VERIFIED
    )
    network = active_network(tenant=membership.tenant) if shown else None
    item = None
    if network is not None:
        item = published_by(tenant=membership.tenant).filter(network=network, entry=entry).first()
    return {
        "network": network,
        "item": item,
        "entry": entry,
        "tenant": membership.tenant if membership else None,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
