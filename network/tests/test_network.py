"""The province network (issue 15 item 4): aggregation with exact figures for
two city programmes, opt-in and leave, publish and unpublish, isolation, and
no personal data on the province's page or sheet."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.models import Membership, User
from accounts.services import tenant_create
from ledgers.services import entry_create, entry_submit, entry_verify
from network import selectors, services
from network.models import NetworkMember, PublishedItem
from roster.models import Officer
from scoring.models import RankingSnapshot
from tests.world import PASSWORD, World

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _m(w: World, who: str) -> Membership:
    return Membership.objects.get(user=w.users[who], tenant=w.tenant)


def _verified(w: World, kind: str, title: str, *, on=dt.date(2026, 5, 1), **data) -> object:
    """An entry logged by the district manager and verified by the admin."""
    entry = entry_create(
        tenant=w.tenant,
        membership=_m(w, "manager"),
        kind=kind,
        data={"title": title, "occurred_on": on, **data},
        officers=[w.officers["d1"]],
    )
    entry_submit(tenant=w.tenant, membership=_m(w, "manager"), entry=entry)
    return entry_verify(tenant=w.tenant, membership=_m(w, "admin"), entry=entry)


class Province:
    def __init__(self):
        self.tenant = tenant_create(
            slug="hubei-prov",
            name="湖北省科协",
            preset="hubei",
            admin_username="prov-admin",
            admin_password=PASSWORD,
        )
        self.admin = User.objects.get(username="prov-admin")
        self.membership = Membership.objects.get(user=self.admin)

    def api(self):
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        client = APIClient()
        token, _ = Token.objects.get_or_create(user=self.admin)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    def url(self, path: str) -> str:
        return f"/api/v1/tenants/{self.tenant.slug}/{path}"


@pytest.fixture
def province(db) -> Province:
    return Province()


def _join(province: Province, w: World) -> NetworkMember:
    network = selectors.network_of(tenant=province.tenant) or services.network_create(
        tenant=province.tenant, membership=province.membership, name="湖北省科创联络员网络"
    )
    member = services.member_invite(
        tenant=province.tenant, membership=province.membership, network=network, slug=w.tenant.slug
    )
    return services.member_accept(tenant=w.tenant, membership=_m(w, "admin"), member=member)


@pytest.fixture
def linked(province, world, other_world):
    """alpha and beta are members; alpha has 2 demands, 1 achievement and 1
    conversion verified in 2026 (and a verified 2025 event); beta 1 demand;
    beta has one officer ended; alpha's finalised 2025 ranking has 2 excellent."""
    _join(province, world)
    _join(province, other_world)
    w = world
    w.demand1 = _verified(w, "demand", "高温合金需求", field="材料")
    w.demand2 = _verified(w, "demand", "光纤检测需求")
    w.achievement = _verified(w, "achievement", "激光焊接成果", field="制造")
    _verified(w, "conversion", "成果转化合同", contract_amount="120.50")
    _verified(w, "event", "去年的对接会", on=dt.date(2025, 6, 1))
    other_world.demand = _verified(other_world, "demand", "贝塔企业需求", field="化工")
    Officer.objects.filter(pk=other_world.officers["d2"].pk).update(status="ended")
    RankingSnapshot.objects.create(
        tenant=w.tenant,
        year=2025,
        policy_version=1,
        pools=[
            {
                "pool": "city",
                "rows": [
                    {"officer": w.officers["city"].pk, "excellent": True},
                    {"officer": w.officers["d2"].pk, "excellent": False},
                ],
            },
            {"pool": "district:d1", "rows": [{"officer": w.officers["d1"].pk, "excellent": True}]},
        ],
    )
    return province


def test_figures_of_two_city_programmes_are_exact(linked, world, other_world):
    network = selectors.network_of(tenant=linked.tenant)
    rows = {
        r.tenant.slug: r
        for r in selectors.network_figures(network=network, year=2026, today=NOW.date())
    }
    assert set(rows) == {"alpha", "beta"}
    a, b = rows["alpha"], rows["beta"]
    assert a.officers == 4
    assert a.entries == {
        "achievement": 1,
        "demand": 2,
        "event": 0,
        "conversion": 1,
        "case": 0,
        "video": 0,
    }
    assert a.conversions == 1
    assert f"{a.contract_amount:.2f}" == "120.50"
    assert (a.excellence_year, a.excellent) == (2025, 2)
    # the wuhan duties ask for weekly plans; nobody handed one in
    assert (a.reports_on_time, a.on_time_percent) == (0, 0)
    assert b.officers == 3
    assert b.entries["demand"] == 1 and b.entries_total == 1
    assert (b.conversions, b.excellence_year, b.excellent) == (0, None, 0)
    # the 2025 event counts in 2025 only
    rows_2025 = selectors.network_figures(network=network, year=2025, today=NOW.date())
    assert [r.entries["event"] for r in rows_2025] == [1, 0]


def test_figures_api_and_page_and_sheet_carry_no_personal_data(linked, world, other_world, client):
    body = linked.api().get(linked.url("network/figures/?year=2026")).json()
    assert body["year"] == 2026
    assert [(m["tenant"], m["officers"], m["entries"]["demand"]) for m in body["members"]] == [
        ("alpha", 4, 2),
        ("beta", 3, 1),
    ]
    assert body["members"][0]["excellent"] == 2
    assert body["members"][0]["contract_amount"] == "120.50"
    names = list(
        Officer.objects.filter(tenant__in=[world.tenant, other_world.tenant]).values_list(
            "full_name", flat=True
        )
    )
    assert names
    text = str(body)
    client.force_login(linked.admin)
    page = client.get(f"/t/{linked.tenant.slug}/network/?year=2026").content.decode()
    assert "alpha 科技局" in page and "beta 科技局" in page
    response = client.get(f"/t/{linked.tenant.slug}/network/export/?year=2026")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[-1] == "来源"
    cells = [
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    ]
    sheet = book.worksheets[0]
    data = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [tuple(r) for r in data] == [
        ("alpha 科技局", "alpha", 4, 1, 2, 0, 1, 0, 0, 4, 120.5, 2025, 2, 0),
        ("beta 科技局", "beta", 3, 0, 1, 0, 0, 0, 0, 1, 0, None, 0, 0),
        ("合计", None, 7, 1, 3, 0, 1, 0, 0, 5, 120.5, None, 2, None),
    ]
    assert 'class="fw-semibold network-total"' in page
    for name in names:
        assert name not in text
        assert name not in page
        assert not any(name in c for c in cells)
    # the sheet is the portal's own: exports/verify says so
    upload = SimpleUploadedFile("network.xlsx", response.content)
    verified = linked.api().post(
        linked.url("exports/verify/"), {"file": upload}, format="multipart"
    )
    assert verified.status_code == 200 and verified.json()["valid"] is True
    officer_ids = {str(pk) for pk in Officer.objects.values_list("pk", flat=True)}
    assert not {m.get("officer") for m in body["members"]} & officer_ids


def test_invitation_opt_in_and_leave(province, world, other_world):
    api = province.api()
    assert api.post(province.url("network/"), {"name": "湖北网"}, format="json").status_code == 201
    assert api.post(province.url("network/"), {"name": "再来"}, format="json").status_code == 409
    invited = api.post(province.url("network/invite/"), {"tenant": "alpha"}, format="json")
    assert invited.status_code == 201 and invited.json()["status"] == "invited"
    assert (
        api.post(province.url("network/invite/"), {"tenant": "nope"}, format="json").status_code
        == 400
    )
    assert (
        api.post(province.url("network/invite/"), {"tenant": "alpha"}, format="json").status_code
        == 409
    )
    member_id = invited.json()["id"]
    # not a member until alpha's admin opts in: no figures yet
    assert api.get(province.url("network/figures/")).json()["members"] == []
    # beta cannot accept alpha's invitation (another tenant's row: 404)
    assert (
        other_world.api("admin")
        .post(other_world.url(f"network/members/{member_id}/accept/"))
        .status_code
        == 404
    )
    # only the admin of alpha opts in
    assert (
        world.api("officer").post(world.url(f"network/members/{member_id}/accept/")).status_code
        == 403
    )
    accepted = world.api("admin").post(world.url(f"network/members/{member_id}/accept/"))
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    assert (
        world.api("admin").post(world.url(f"network/members/{member_id}/accept/")).status_code
        == 409
    )
    assert [m["tenant"] for m in api.get(province.url("network/figures/")).json()["members"]] == [
        "alpha"
    ]
    # alpha leaves: gone from the figures; the province may invite it again
    left = world.api("admin").post(world.url(f"network/members/{member_id}/leave/"))
    assert left.status_code == 200 and left.json()["status"] == "left"
    assert api.get(province.url("network/figures/")).json()["members"] == []
    again = api.post(province.url("network/invite/"), {"tenant": "alpha"}, format="json")
    assert again.status_code == 201 and again.json()["id"] == member_id
    # the province side ends it too
    removed = api.post(province.url(f"network/members/{member_id}/remove/"))
    assert removed.status_code == 200 and removed.json()["status"] == "left"


def test_publish_browse_and_unpublish(linked, world, other_world):
    alpha, beta = world.api("admin"), other_world.api("admin")
    published = alpha.post(
        world.url("network/published/"), {"entry": world.demand1.pk}, format="json"
    )
    assert published.status_code == 201
    body = published.json()
    assert (body["kind"], body["title"], body["field"], body["tenant_name"]) == (
        "demand",
        "高温合金需求",
        "材料",
        "alpha 科技局",
    )
    assert (
        alpha.post(
            world.url("network/published/"), {"entry": world.demand1.pk}, format="json"
        ).status_code
        == 409
    )
    # a draft, another kind, another tenant's entry: refused
    assert (
        alpha.post(
            world.url("network/published/"), {"entry": world.entries["demand"].pk}, format="json"
        ).status_code
        == 409
    )
    assert (
        alpha.post(
            world.url("network/published/"), {"entry": world.entries["event"].pk}, format="json"
        ).status_code
        == 400
    )
    assert (
        alpha.post(
            world.url("network/published/"), {"entry": other_world.demand.pk}, format="json"
        ).status_code
        == 400
    )
    # beta's admin and the province browse it; the unpublished demand does not cross
    seen_by_beta = beta.get(other_world.url("network/published/")).json()
    assert [(i["title"], i["tenant"], i["own"], i["entry"]) for i in seen_by_beta] == [
        ("高温合金需求", "alpha", False, None)
    ]
    titles = [i["title"] for i in linked.api().get(linked.url("network/published/")).json()]
    assert titles == ["高温合金需求"]
    assert "光纤检测需求" not in str(seen_by_beta)
    # the matching engine's selector spans the other members' items only
    network = selectors.network_of(tenant=linked.tenant)
    assert [
        i.entry.title
        for i in selectors.published_items(network=network, exclude_tenant=world.tenant)
    ] == []
    assert [
        i.entry.title
        for i in selectors.published_items(network=network, exclude_tenant=other_world.tenant)
    ] == ["高温合金需求"]
    # beta cannot unpublish alpha's item; alpha can
    item_id = body["id"]
    assert beta.post(other_world.url(f"network/published/{item_id}/unpublish/")).status_code == 404
    assert alpha.post(world.url(f"network/published/{item_id}/unpublish/")).status_code == 204
    assert beta.get(other_world.url("network/published/")).json() == []
    assert not PublishedItem.objects.exists()


def test_leaving_takes_the_published_items_off(linked, world, other_world):
    alpha = world.api("admin")
    alpha.post(world.url("network/published/"), {"entry": world.achievement.pk}, format="json")
    assert len(other_world.api("admin").get(other_world.url("network/published/")).json()) == 1
    member = NetworkMember.objects.get(tenant=world.tenant)
    assert alpha.post(world.url(f"network/members/{member.pk}/leave/")).status_code == 200
    assert other_world.api("admin").get(other_world.url("network/published/")).json() == []
    assert (
        alpha.post(
            world.url("network/published/"), {"entry": world.demand2.pk}, format="json"
        ).status_code
        == 409
    )


def test_a_suspended_publishers_items_are_not_shown_to_the_others(linked, world, other_world):
    from platformadmin.services import tenant_reactivate, tenant_suspend

    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    alpha = world.api("admin")
    alpha.post(world.url("network/published/"), {"entry": world.achievement.pk}, format="json")
    beta = other_world.api("admin")
    network = selectors.network_of(tenant=linked.tenant)
    assert [i["title"] for i in beta.get(other_world.url("network/published/")).json()] == [
        "激光焊接成果"
    ]
    tenant_suspend(actor=root, tenant=world.tenant)
    # beta, the province and the matching engine no longer see alpha's item
    assert beta.get(other_world.url("network/published/")).json() == []
    assert linked.api().get(linked.url("network/published/")).json() == []
    assert not selectors.published_items(network=network, exclude_tenant=other_world.tenant)
    # it is still published: reactivated, alpha's item is back
    assert PublishedItem.objects.filter(tenant=world.tenant).count() == 1
    tenant_reactivate(actor=root, tenant=world.tenant)
    assert [i["title"] for i in beta.get(other_world.url("network/published/")).json()] == [
        "激光焊接成果"
    ]


def test_a_tenant_outside_the_network_sees_nothing(linked, world, client):
    world.api("admin").post(
        world.url("network/published/"), {"entry": world.demand1.pk}, format="json"
    )
    outsider = tenant_create(
        slug="gamma",
        name="gamma 科技局",
        preset="wuhan",
        admin_username="gamma-admin",
        admin_password=PASSWORD,
    )
    gamma = User.objects.get(username="gamma-admin")
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=gamma).key}")
    base = f"/api/v1/tenants/{outsider.slug}/"
    assert api.get(base + "network/published/").json() == []
    assert api.get(base + "network/figures/").json()["members"] == []
    # the province's and alpha's routes answer 404 to gamma
    assert api.get(linked.url("network/figures/")).status_code == 404
    assert api.get(world.url("network/published/")).status_code == 404
    item = PublishedItem.objects.get()
    assert api.post(base + f"network/published/{item.pk}/unpublish/").status_code == 404
    member = NetworkMember.objects.get(tenant=world.tenant)
    assert api.post(base + f"network/members/{member.pk}/remove/").status_code == 404
    assert api.post(base + f"network/members/{member.pk}/leave/").status_code == 404
    client.force_login(gamma)
    page = client.get(f"/t/{outsider.slug}/network/").content.decode()
    assert "高温合金需求" not in page and "alpha 科技局" not in page


def test_other_roles_may_not_use_the_network(linked, world):
    for who in ("auditor", "manager", "reviewer", "officer"):
        assert world.api(who).get(world.url("network/published/")).status_code == 403
    assert linked.api().get(world.url("network/figures/")).status_code == 404


def test_city_page_shows_invitation_and_publish_button(province, world, client):
    network = services.network_create(
        tenant=province.tenant, membership=province.membership, name="湖北网"
    )
    member = services.member_invite(
        tenant=province.tenant, membership=province.membership, network=network, slug="alpha"
    )
    client.force_login(world.users["admin"])
    page = client.get("/t/alpha/network/").content.decode()
    assert "湖北网" in page and "加入网络" in page
    response = client.post(f"/t/alpha/network/members/{member.pk}/accept/")
    assert response.status_code == 302
    demand = _verified(world, "demand", "页面发布需求")
    detail = client.get(f"/t/alpha/entries/{demand.pk}/").content.decode()
    assert 'id="network-publish"' in detail
    response = client.post(
        f"/t/alpha/network/publish/{demand.pk}/", {"next": f"/t/alpha/entries/{demand.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/t/alpha/entries/{demand.pk}/"
    assert PublishedItem.objects.get().entry == demand
    detail = client.get(f"/t/alpha/entries/{demand.pk}/").content.decode()
    assert 'id="network-unpublish"' in detail
    # an outside "next" is ignored
    item = PublishedItem.objects.get()
    response = client.post(
        f"/t/alpha/network/published/{item.pk}/unpublish/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/t/alpha/network/"
    assert not PublishedItem.objects.exists()


def test_the_page_is_for_admins_and_in_their_menu(world, client):
    for who in ("auditor", "manager", "reviewer", "officer"):
        client.force_login(world.users[who])
        assert client.get("/t/alpha/network/").status_code == 403
        assert client.get("/t/alpha/network/export/").status_code == 403
    client.force_login(world.users["admin"])
    home = client.get("/t/alpha/").content.decode()
    assert 'href="/t/alpha/network/"' in home and "全省网络" in home
    page = client.get("/t/alpha/network/").content.decode()
    assert "本单位尚未加入全省网络" in page and "建立网络" in page
