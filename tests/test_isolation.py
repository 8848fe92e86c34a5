"""Tenant isolation sweep.

Walks every URL pattern of the project. A pattern under a tenant slug is
requested by tenant alpha's admin with tenant beta's slug (must be 404), and
each of its object ids is filled with an object of tenant beta under alpha's
slug (must be 404 too). A pattern outside any tenant must be listed in
``NON_TENANT`` with the reason it is safe, and a pattern with an object id
must say which object fills it in ``KWARGS``: a new URL that is neither
makes this test fail until someone decides how it is scoped.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

#: Patterns outside any tenant, each with why that is safe.
NON_TENANT = {
    "choose-tenant": "lists only the caller's own memberships",
    "login": "public sign-in",
    "logout": "ends the caller's session",
    "set_language": "stores the caller's language",
    "api:token": "public token login",
    "api:schema": "public API description, no data",
    "api:docs": "public API documentation, no data",
    "api:tenants": "lists only the caller's own tenants",
    "invitation": "a signed, single-use set-password link",
    "api:public-notices": "the public notice board: names, units, categories only",
    "api:public-objection": "the public objection form of an open notice",
    "api:public-application": "the public application form of a round open to self-nomination: "
    "writes a draft only, reads nothing back",
    "public-application-form": "the public application form page of a round open to "
    "self-nomination: lists the programme's unit names only",
    "public-notices": "the public notice board page: names, units, categories only",
    "api:public-roster-changes": "the public quarterly roster changes: no contact data",
    "public-roster-changes-page": "the public quarterly roster changes page",
    "public-objection-form": "the public objection form page of an open notice",
    # issue 10 login: the caller's own login security, no tenant data
    "login-code": "second sign-in step of a login pending in the caller's own session",
    "password-change": "changes the caller's own password",
    "two-factor": "the caller's own two-factor device",
    "api-token": "the caller's own API token",
    "api:mfa-status": "whether the caller's own two-factor is on",
    "api:mfa-setup": "enrols the caller's own two-factor device",
    "api:mfa-confirm": "confirms the caller's own two-factor device",
    "api:mfa-disable": "removes the caller's own two-factor device",
}
NON_TENANT_PREFIXES = ("admin/",)  # Django admin: staff only, platform operators


#: url name -> function giving, for a world, the keyword arguments that name
#: one of its objects (``pk`` first; the sweep swaps in another tenant's).
def _pk(get):
    return lambda w: {"pk": get(w).pk}


KWARGS = {
    "district-update": _pk(lambda w: w.districts["d1"]),
    "unit-update": _pk(lambda w: w.units["u1"]),
    "entry-create": lambda w: {"kind": "event"},
    "entry-detail": _pk(lambda w: w.entries["event"]),
    "entry-update": _pk(lambda w: w.entries["event"]),
    "entry-action": lambda w: {"pk": w.entries["event"].pk, "action": "submit"},
    "evidence-upload": _pk(lambda w: w.entries["achievement"]),
    "evidence-download": lambda w: {
        "pk": w.entries["achievement"].pk,
        "evidence_pk": w.evidence.pk,
    },
    "api:district-detail": _pk(lambda w: w.districts["d1"]),
    "api:unit-detail": _pk(lambda w: w.units["u1"]),
    "api:member-detail": _pk(lambda w: w.users["auditor"].memberships.get()),
    "api:officer-detail": _pk(lambda w: w.officers["d1"]),
    "api:officer-disqualify": _pk(lambda w: w.officers["d1"]),
    "api:reference-detail": _pk(lambda w: w.reference),
    "api:officer-statement": _pk(lambda w: w.officers["d1"]),
    "api:officer-replace": _pk(lambda w: w.officers["d1"]),
    "api:ranking": lambda w: {"year": 2025},
    "ranking-page-export": lambda w: {"year": 2025},
    "export-page": _pk(lambda w: w.export_job),
    "export-download": _pk(lambda w: w.export_job),
    "api:export-detail": _pk(lambda w: w.export_job),
    "api:export-download": _pk(lambda w: w.export_job),
    "ranking-page": lambda w: {"year": 2025},
    "ranking-page-finalize": lambda w: {"year": 2025},
    "statement-page": lambda w: {"pk": w.officers["d1"].pk, "year": 2025},
    "statement-export": lambda w: {"pk": w.officers["d1"].pk, "year": 2025},
    "api:ranking-finalize": lambda w: {"year": 2025},
    "api:ranking-export": lambda w: {"year": 2025},
}


# issue 11 roster: hosts, the officer page, change requests
KWARGS["api:officer-hosts"] = _pk(lambda w: w.officers["d1"])
KWARGS["officer-detail"] = _pk(lambda w: w.officers["d1"])
KWARGS["officer-action"] = lambda w: {"pk": w.officers["d1"].pk, "action": "suspend"}
for _name in ("detail", "approve", "reject"):
    KWARGS[f"api:change-request-{_name}"] = _pk(lambda w: w.change_request)
KWARGS["change-request-action"] = lambda w: {"pk": w.change_request.pk, "decision": "reject"}
KWARGS["round-detail"] = _pk(lambda w: w.round)
KWARGS["round-action"] = lambda w: {"pk": w.round.pk, "action": "appoint"}
KWARGS["nomination-detail"] = _pk(lambda w: w.nomination)
KWARGS["nomination-print"] = _pk(lambda w: w.nomination)  # issue 11 selection
KWARGS["nomination-import"] = _pk(lambda w: w.round)
KWARGS["appointment-notice"] = _pk(lambda w: w.round)
KWARGS["api:group-detail"] = _pk(lambda w: w.group)
KWARGS["api:quota-report-detail"] = _pk(lambda w: w.quota_report)
KWARGS["quota-detail"] = _pk(lambda w: w.quota_report)
KWARGS["quota-export"] = _pk(lambda w: w.quota_report)
KWARGS["api:audit-detail"] = _pk(lambda w: AuditEvent.objects.filter(tenant=w.tenant).first())
KWARGS["nomination-action"] = lambda w: {"pk": w.nomination.pk, "action": "advance"}
for _name in ("detail", "publish-notice", "appoint"):
    KWARGS[f"api:selection-round-{_name}"] = _pk(lambda w: w.round)
for _name in ("detail", "advance", "reject", "withdraw"):
    KWARGS[f"api:nomination-{_name}"] = _pk(lambda w: w.nomination)
for _name in ("detail", "resolve"):
    KWARGS[f"api:objection-{_name}"] = _pk(lambda w: w.objection)
for _kind in ("achievement", "demand", "event", "conversion", "case", "video"):
    for _action in (
        "detail",
        "submit",
        "withdraw",
        "verify",
        "return",
        "evidence",
        "confirm",
        "decline",
    ):
        KWARGS[f"api:{_kind}-{_action}"] = _pk(lambda w, k=_kind: w.entries[k])

# issue 12 grades: the assessment year, decisions, letters and export
for _name in (
    "api:assessment-year",
    "api:assessment-finalize",
    "assessment-page",
    "assessment-page-finalize",
    "assessment-export",
):
    KWARGS[_name] = lambda w: {"year": 2025}
for _name in ("api:assessment-grade", "assessment-page-grade"):
    KWARGS[_name] = lambda w: {"year": 2025, "officer_id": w.officers["d1"].pk}
KWARGS["assessment-letter"] = lambda w: {"year": 2025, "unit_id": w.units["u1"].pk}

# issue 13 the officer's file (一人一档): page, workbook and API
for _name in (
    "officer-file-page",
    "officer-file-export",
    "api:officer-file",
    "api:officer-file-export",
):
    KWARGS[_name] = _pk(lambda w: w.officers["d1"])


def _admins_note(w):
    """A notification of the world's admin (issue 14: the read and open routes)."""
    from accounts.models import Notification

    note, _created = Notification.objects.get_or_create(
        tenant=w.tenant, user=w.users["admin"], key="sweep", defaults={"title": "扫描"}
    )
    return note


for _name in ("api:notification-read", "notification-read", "notification-open"):
    KWARGS[_name] = _pk(_admins_note)


#: list url name -> attribute of each result that must belong to the caller's tenant
LISTS = {
    "api:district-list": "districts",
    "api:unit-list": "units",
    "api:officer-list": "officers",
    **{
        f"api:{kind}-list": "entries"
        for kind in ("achievement", "demand", "event", "conversion", "case", "video")
    },
}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}{p.name}" if p.name else None), prefix + str(p.pattern), p


def all_patterns() -> list[tuple[str | None, str]]:
    return [(name, route) for name, route, _ in _walk(get_resolver().url_patterns)]


_KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _kwargs(route: str) -> list[str]:
    """Names of a route's keyword arguments, in path and regex syntax alike."""
    return [a or b for a, b in _KWARG.findall(route)]


def tenant_patterns():
    found = []
    for name, route in all_patterns():
        args = _kwargs(route)
        if "tenant_slug" in args:
            found.append((name, route, [a for a in args if a != "tenant_slug"]))
    return found


def test_every_pattern_is_tenant_scoped_or_declared_safe():
    undeclared = []
    for name, route in all_patterns():
        if route.startswith(NON_TENANT_PREFIXES) or "format" in _kwargs(route):
            continue
        if "tenant_slug" in _kwargs(route):
            continue
        if name not in NON_TENANT:
            undeclared.append((name, route))
    assert undeclared == [], "URL patterns neither tenant-scoped nor declared safe"


def test_every_object_pattern_is_covered_by_the_sweep():
    uncovered = [
        (name, route)
        for name, route, extra in tenant_patterns()
        if extra and "format" not in extra and name not in KWARGS
    ]
    assert uncovered == [], "tenant URLs with object ids missing from KWARGS"


def tenant_url(name: str, slug: str, world=None, **override) -> str:
    """The URL of pattern ``name`` under tenant ``slug``, its object ids taken
    from ``world`` (if the pattern has any) and then from ``override``."""
    kwargs = {"tenant_slug": slug}
    if world is not None and name in KWARGS:
        kwargs.update(KWARGS[name](world))
    kwargs.update(override)
    return reverse(name, kwargs=kwargs)


def _status(client, method: str, url: str) -> int:
    return getattr(client, method)(url).status_code


def test_sweep_other_tenant_slug_and_objects_answer_404(client, world, other_world):
    client.force_login(world.users["admin"])
    checked = 0
    for name, _route, extra in tenant_patterns():
        if "format" in extra:
            continue
        # 1. another tenant's slug, with that tenant's own object ids
        url = tenant_url(name, other_world.tenant.slug, other_world)
        for method in ("get", "post"):
            assert _status(client, method, url) == 404, (method, url)
        # 2. the caller's slug with another tenant's object ids: 404, or 405 for a
        #    method the route lacks, exactly as for ids that exist nowhere
        if "pk" in extra:
            url = tenant_url(name, world.tenant.slug, other_world)
            missing = tenant_url(name, world.tenant.slug, world, pk=987654)
            for method in ("get", "post"):
                status = _status(client, method, url)
                assert status in (404, 405), (method, url, status)
                assert status == _status(client, method, missing), (method, url)
            # the caller's own object is reachable: the sweep tests scoping, not a 404 wall
            own = tenant_url(name, world.tenant.slug, world)
            # and the URL reaches the view it names (no earlier pattern swallows it)
            assert resolve(own).view_name == name, (name, resolve(own).view_name)
            assert _status(client, "get", own) in (200, 302, 400, 405, 409), own  # found
        checked += 1
    assert checked == len([p for p in tenant_patterns() if "format" not in p[2]])
    assert checked >= 30


def test_lists_never_show_another_tenants_rows(world, other_world):
    api = world.api("admin")
    for name, attr in LISTS.items():
        body = api.get(tenant_url(name, world.tenant.slug) + "?page_size=500").json()
        ids = {row["id"] for row in body["results"]}
        kind = name.removeprefix("api:").removesuffix("-list")
        own = {o.id for o in getattr(world, attr).values() if attr != "entries" or o.kind == kind}
        foreign = {o.id for o in getattr(other_world, attr).values()}
        assert own <= ids, name
        assert not (ids & foreign), name


def test_unknown_tenant_and_foreign_tenant_answer_the_same(client, world, other_world):
    client.force_login(world.users["admin"])
    nowhere = client.get("/t/no-such-tenant/")
    foreign = client.get(f"/t/{other_world.tenant.slug}/")
    assert nowhere.status_code == foreign.status_code == 404
    api = world.api("admin")
    a = api.get("/api/v1/tenants/no-such-tenant/districts/")
    b = api.get(f"/api/v1/tenants/{other_world.tenant.slug}/districts/")
    assert (a.status_code, a.json()) == (b.status_code, b.json())


def test_district_manager_gets_404_for_other_district_objects(world):
    api = world.api("manager")
    assert api.get(world.url(f"officers/{world.officers['d2'].id}/")).status_code == 404
    assert api.get(world.url(f"officers/{world.officers['d1'].id}/")).status_code == 200


# issue 12 ratings: rating links, district opinions and marks of a year
def _rating_request(w):
    """The world's rating request about the d1 officer, made on first use."""
    from assessment.models import RatingRequest

    found = RatingRequest.objects.filter(tenant=w.tenant).first()
    if found is None:
        found = RatingRequest.objects.create(
            tenant=w.tenant,
            officer=w.officers["d1"],
            year=2025,
            rater_kind="host",
            rater_name="派驻单位",
            token_digest=f"{w.tenant.slug}-sweep".ljust(64, "0"),
            expires_on=dt.date(2099, 1, 1),
            created_by=w.users["admin"],
        )
    return found


for _name in ("rating-page", "rating-opinion", "rating-mark"):
    KWARGS[_name] = lambda w: {"year": 2025}
KWARGS["rating-reissue"] = lambda w: {"year": 2025, "pk": _rating_request(w).pk}
NON_TENANT["public-rating"] = "the public rater page of a one-time link: the officer's name only"
NON_TENANT["api:public-rating"] = "a one-time rating link: the officer's name and the criteria"


# issue 13 duties API: a filed agreement, a report, service days and a training
def _duties(w):
    """The world's duties rows about the d1 officer, made on first use."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Membership
    from duties import services
    from duties.models import Agreement, Report, ServiceDay, Training

    from .world import PNG

    if not Agreement.objects.filter(tenant=w.tenant).exists():
        admin = Membership.objects.get(user=w.users["admin"], tenant=w.tenant)
        officer, host = w.officers["d1"], w.units["u1"]
        services.agreement_create(
            tenant=w.tenant,
            membership=admin,
            officer=officer,
            host_unit=host,
            start=dt.date(2025, 3, 1),
            end=dt.date(2026, 2, 28),
            upload=SimpleUploadedFile("signed.png", PNG, content_type="image/png"),
        )
        services.report_create(
            tenant=w.tenant,
            membership=admin,
            officer=officer,
            kind="monthly_plan",
            period="2025-03",
            body="扫描计划",
        )
        services.service_days_create(
            tenant=w.tenant,
            membership=admin,
            officer=officer,
            host_unit=host,
            start=dt.date(2025, 3, 3),
            end=dt.date(2025, 3, 7),
        )
        services.training_create(
            tenant=w.tenant,
            membership=admin,
            title="扫描培训",
            kind="training",
            held_on=dt.date(2025, 3, 6),
            attendees=[officer],
        )
    return {
        # the first of each: the write sweeps add more
        "agreement": Agreement.objects.filter(tenant=w.tenant).earliest("id"),
        "report": Report.objects.get(tenant=w.tenant, period="2025-03"),
        "service_day": ServiceDay.objects.filter(tenant=w.tenant).earliest("id"),
        "training": Training.objects.filter(tenant=w.tenant).earliest("id"),
    }


for _name in ("detail", "renew", "file"):
    KWARGS[f"api:agreement-{_name}"] = _pk(lambda w: _duties(w)["agreement"])
for _name in ("detail", "submit", "accept", "return"):
    KWARGS[f"api:report-{_name}"] = _pk(lambda w: _duties(w)["report"])
KWARGS["api:service-day-detail"] = _pk(lambda w: _duties(w)["service_day"])
KWARGS["api:training-detail"] = _pk(lambda w: _duties(w)["training"])


def test_duties_lists_never_show_another_tenants_rows(world, other_world):
    own, foreign = _duties(world), _duties(other_world)
    api = world.api("admin")
    for name, key in (
        ("api:agreement-list", "agreement"),
        ("api:report-list", "report"),
        ("api:service-day-list", "service_day"),
        ("api:training-list", "training"),
    ):
        body = api.get(tenant_url(name, world.tenant.slug) + "?page_size=500").json()
        assert [row["id"] for row in body["results"]] == [own[key].id], name
        assert own[key].id != foreign[key].id


# issue 13 duties pages: an agreement's actions and download, a training's page
for _name in ("agreement-file", "agreement-renew", "agreement-download"):
    KWARGS[_name] = _pk(lambda w: _duties(w)["agreement"])
for _name in ("training-detail", "training-attendance", "training-signin"):
    KWARGS[_name] = _pk(lambda w: _duties(w)["training"])

# issue 13 reports pages: the d1 officer's monthly plan
KWARGS["report-detail"] = _pk(lambda w: _duties(w)["report"])
KWARGS["report-action"] = lambda w: {"pk": _duties(w)["report"].pk, "action": "accept"}


# issue 15 province network: the world's tenant is an active member of a
# province network (its own province tenant) and has published one demand
def _network(w):
    """The world's network membership and published item, made on first use."""
    from accounts.models import Membership, Tenant
    from accounts.services import tenant_create
    from ledgers.services import entry_create, entry_submit, entry_verify
    from network import services as network
    from network.models import NetworkMember, PublishedItem

    member = NetworkMember.objects.filter(tenant=w.tenant).first()
    if member is None:
        slug = f"{w.tenant.slug}-prov"
        province = Tenant.objects.filter(slug=slug).first() or tenant_create(
            slug=slug,
            name=f"{w.tenant.slug} 省协会",
            preset="hubei",
            admin_username=f"{slug}-admin",
            admin_password="Sweep-pass-word-1!",
        )
        prov_admin = Membership.objects.get(tenant=province, user__username=f"{slug}-admin")
        net = network.network_create(tenant=province, membership=prov_admin, name="扫描网络")
        member = network.member_invite(
            tenant=province, membership=prov_admin, network=net, slug=w.tenant.slug
        )
        admin = Membership.objects.get(user=w.users["admin"], tenant=w.tenant)
        manager = Membership.objects.get(user=w.users["manager"], tenant=w.tenant)
        member = network.member_accept(tenant=w.tenant, membership=admin, member=member)
        demand = entry_create(
            tenant=w.tenant,
            membership=manager,
            kind="demand",
            data={"title": f"{w.tenant.slug} 发布的需求", "occurred_on": dt.date(2025, 3, 3)},
            officers=[w.officers["d1"]],
        )
        entry_submit(tenant=w.tenant, membership=manager, entry=demand)
        entry_verify(tenant=w.tenant, membership=admin, entry=demand)
        network.item_publish(tenant=w.tenant, membership=admin, entry=demand)
    return {"member": member, "item": PublishedItem.objects.filter(tenant=w.tenant).first()}


KWARGS["network-member-action"] = lambda w: {
    "pk": _network(w)["member"].pk,
    "action": "leave",
}
KWARGS["network-publish"] = _pk(lambda w: w.entries["demand"])
KWARGS["network-unpublish"] = _pk(lambda w: _network(w)["item"])
for _name in ("accept", "leave", "remove"):
    KWARGS[f"api:network-member-{_name}"] = _pk(lambda w: _network(w)["member"])
KWARGS["api:network-unpublish"] = _pk(lambda w: _network(w)["item"])


# issue 15 matches pages: a stored pair of a verified demand and achievement (made once)
def _match(w):
    from ledgers.tests.conftest import make_entry
    from matching.models import Match

    if getattr(w, "match", None) is None:
        demand = make_entry(w, ["d1"], kind="demand", status="verified", title="匹配需求")
        achievement = make_entry(w, ["d1"], status="verified", title="匹配成果")
        w.match = Match.objects.create(
            tenant=w.tenant,
            source="demand",
            demand=demand,
            achievement=achievement,
            score="0.5",
            computed_at=dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
        )
    return w.match


KWARGS["match-not-relevant"] = _pk(_match)
KWARGS["match-arrange"] = _pk(_match)


# issue 15: a suggestion from the province network: a peer tenant of the
# world's network publishes a verified achievement that suits a verified
# demand of the world's (made once)
def _network_match(w):
    from accounts.models import Membership
    from ledgers.services import entry_create, entry_submit, entry_verify
    from ledgers.tests.conftest import make_entry
    from matching.models import NetworkMatch
    from network import services as network
    from tests.world import build_world

    if getattr(w, "network_match", None) is None:
        net = _network(w)["member"].network
        peer = build_world(f"{w.tenant.slug}-peer")
        admin = Membership.objects.get(user=peer.users["admin"], tenant=peer.tenant)
        manager = Membership.objects.get(user=peer.users["manager"], tenant=peer.tenant)
        prov_admin = Membership.objects.filter(tenant=net.tenant, role="admin").first()
        member = network.member_invite(
            tenant=net.tenant, membership=prov_admin, network=net, slug=peer.tenant.slug
        )
        network.member_accept(tenant=peer.tenant, membership=admin, member=member)
        achievement = entry_create(
            tenant=peer.tenant,
            membership=manager,
            kind="achievement",
            data={"title": "网络成果", "occurred_on": dt.date(2025, 3, 3)},
            officers=[peer.officers["d1"]],
        )
        entry_submit(tenant=peer.tenant, membership=manager, entry=achievement)
        entry_verify(tenant=peer.tenant, membership=admin, entry=achievement)
        item = network.item_publish(tenant=peer.tenant, membership=admin, entry=achievement)
        demand = make_entry(w, ["d1"], kind="demand", status="verified", title="网络需求")
        w.network_match = NetworkMatch.objects.create(
            tenant=w.tenant,
            entry=demand,
            published=item,
            score="0.5",
            computed_at=dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
        )
    return w.network_match


KWARGS["network-match-not-relevant"] = _pk(_network_match)


# platform-admin (issue 17 item 1): the platform admin's pages sit outside any
# tenant; only a superuser reaches them, every other caller gets 404.
PLATFORM = {
    "platform-tenants": "superusers only (404 to anyone else): every tenant's size",
    "platform-tenant-new": "superusers only (404 to anyone else): opens a tenant",
    "platform-tenant-action": "superusers only (404 to anyone else): suspend, delete",
    "platform-purges": "superusers only (404 to anyone else): records of purged tenants",
}
NON_TENANT.update(PLATFORM)


def test_platform_pages_answer_404_to_every_tenant_role(client, world):
    urls = [
        reverse(name, kwargs={"pk": world.tenant.pk, "action": "suspend"})
        if name == "platform-tenant-action"
        else reverse(name)
        for name in PLATFORM
    ]
    for role in ("admin", "auditor", "manager", "reviewer", "officer"):
        client.force_login(world.users[role])
        assert [(client.get(u).status_code, client.post(u).status_code) for u in urls] == [
            (404, 404)
        ] * len(urls), role
    world.tenant.refresh_from_db()
    assert world.tenant.status == "active"


# issue 17 item 2: a finished export of the whole tenant (made once per world)
def _tenant_export(w):
    from scoring.models import ExportJob
    from scoring.tasks import run_export

    job = ExportJob.objects.filter(tenant=w.tenant, kind="tenant", status="done").first()
    if job is None:
        job = ExportJob.objects.create(
            tenant=w.tenant,
            kind="tenant",
            filename=f"{w.tenant.slug}.zip",
            created_by=w.users["admin"],
        )
        run_export(tenant_id=w.tenant.pk, job_id=job.pk)
        job.refresh_from_db()
    return job


for _name in (
    "tenant-export-page",
    "tenant-export-download",
    "api:tenant-export-detail",
    "api:tenant-export-download",
):
    KWARGS[_name] = _pk(_tenant_export)
