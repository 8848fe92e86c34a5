"""The ranking and statement pages: the pool picker per role (one pool at a
time), the excellence boundary, export and finalise controls, finalising from the page, and the
statement total."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from ledgers.services import entry_create, entry_submit, entry_verify
from liaison.excel import XLSX
from roster.models import Officer
from roster.services import officer_create
from scoring.models import RankingSnapshot
from tests.world import TERM, World, centre

pytestmark = pytest.mark.django_db


PAGE = "/t/alpha/rankings/2025/"
FINALIZE = "/t/alpha/rankings/2025/finalize/"
EXPORT_LINK = re.compile(r'<a [^>]*href="([^"]*/rankings/2025/export/)"')
ROW = re.compile(r'<tr class="([^"]*)" data-officer="(\d+)">')
TAB = re.compile(r'data-pool="([^"]+)"')
_serial = iter(range(1, 10_000))


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def client_for(w: World, who: str) -> Client:
    client = Client()
    client.force_login(w.users[who])
    return client


def verified(w: World, officers: list[Officer], kind: str = "event"):
    admin = w.users["admin"].memberships.get()
    logger = centre(w)  # four eyes: the admin verifies what another member logged
    e = entry_create(
        tenant=w.tenant,
        membership=logger,
        kind=kind,
        data={"title": f"{kind} {next(_serial)}", "occurred_on": dt.date(2025, 5, 6)},
        officers=officers,
    )
    e = entry_submit(tenant=w.tenant, membership=logger, entry=e)
    return entry_verify(tenant=w.tenant, membership=admin, entry=e)


def city_officer(w: World, name: str) -> Officer:
    return officer_create(
        tenant=w.tenant,
        full_name=name,
        category="city",
        district=None,
        term_start=TERM[0],
        term_end=TERM[1],
    )


@pytest.fixture
def scored(world):
    """City pool of 4 (1 excellence place): 100, 10, 10 (tied), 0."""
    top = world.officers["city"]
    b, c, d = city_officer(world, "城二"), city_officer(world, "城三"), city_officer(world, "城四")
    verified(world, [top], kind="conversion")
    verified(world, [b], kind="event")
    verified(world, [c], kind="event")
    world.officers.update(b=b, c=c, zero=d)
    return world


def page(w: World, who: str) -> str:
    response = client_for(w, who).get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def test_admin_sees_every_pool_the_boundary_and_finalise(scored):
    w, o = scored, scored.officers
    html = page(w, "admin")
    assert TAB.findall(html) == ["city", "district:d1", "district:d2"]
    rows = ROW.findall(html)
    city_rows = rows[:4]
    assert city_rows == [
        ("table-success boundary", str(o["city"].id)),
        ("", str(o["b"].id)),
        ("", str(o["c"].id)),
        ("", str(o["zero"].id)),
    ]
    # the boundary line follows the last excellent row, and only once per pool with places
    assert html.count('class="boundary-line"') == 1
    first = html.index(f'data-officer="{o["city"].id}"')
    line = html.index('class="boundary-line"')
    assert first < line < html.index(f'data-officer="{o["b"].id}"')
    assert f'action="{FINALIZE}"' in html
    assert EXPORT_LINK.search(html)
    assert 'id="ranking-status"' in html
    assert zh("Draft (live)") in html
    # the tie between 城二 and 城三 is marked (one pool at a time: the city's)
    assert html.count(f'title="{zh("Tied")}"') == 2
    # another pool on request: both d1 officers at 0 are tied
    d1 = client_for(w, "admin").get(PAGE, {"pool": "district:d1"}).content.decode()
    assert [int(i) for _cls, i in ROW.findall(d1)] == sorted([o["mine"].id, o["d1"].id])
    assert d1.count(f'title="{zh("Tied")}"') == 2


def test_auditor_sees_export_but_no_finalise(scored):
    html = page(scored, "auditor")
    assert TAB.findall(html) == ["city", "district:d1", "district:d2"]
    assert FINALIZE not in html
    link = EXPORT_LINK.search(html)
    assert link
    response = client_for(scored, "auditor").get(link.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX


def test_manager_sees_only_their_district(scored):
    html = page(scored, "manager")
    assert TAB.findall(html) == ["district:d1"]
    o = scored.officers
    assert sorted(int(i) for _cls, i in ROW.findall(html)) == sorted([o["mine"].id, o["d1"].id])
    assert FINALIZE not in html
    assert not EXPORT_LINK.search(html)
    assert "赵六" not in html
    assert "王五" not in html


def test_a_managers_reach_is_read_once_per_page(scored, monkeypatch):
    """The pool picker and the choice of the pool shown share one read of
    the manager's districts (cold cache and warm)."""
    from scoring import views

    calls = []

    def counted(**kwargs):
        calls.append(kwargs["membership"].role)
        return pools_in_reach(**kwargs)

    pools_in_reach = views.pools_in_reach
    monkeypatch.setattr(views, "pools_in_reach", counted)
    assert TAB.findall(page(scored, "manager")) == ["district:d1"]
    assert TAB.findall(page(scored, "manager")) == ["district:d1"]
    assert calls == ["district_manager", "district_manager"]


@pytest.mark.parametrize("who", ["officer", "reviewer"])
def test_officer_and_reviewer_get_403(world, who):
    assert client_for(world, who).get(PAGE).status_code == 403


def test_anonymous_is_sent_to_login(world):
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_finalise_from_the_page(scored):
    admin = client_for(scored, "admin")
    response = admin.post(FINALIZE)
    assert response.status_code == 302
    assert response["Location"] == PAGE
    snapshot = RankingSnapshot.objects.get(tenant=scored.tenant, year=2025)
    assert snapshot.finalized_by == scored.users["admin"]
    html = admin.get(PAGE).content.decode()
    assert re.search(
        r'<span class="badge text-bg-success align-middle" id="ranking-status">'
        + re.escape(zh("Final"))
        + "</span>",
        html,
    )
    assert FINALIZE not in html
    # a second post is refused with a message and writes nothing
    response = admin.post(FINALIZE, follow=True)
    assert response.status_code == 200
    assert RankingSnapshot.objects.count() == 1


@pytest.mark.parametrize("who", ["auditor", "manager"])
def test_finalise_page_refuses_non_admins(world, who):
    assert client_for(world, who).post(FINALIZE).status_code == 403
    assert RankingSnapshot.objects.count() == 0


def test_statement_page_shows_the_total(scored):
    a = city_officer(scored, "城五")
    b = city_officer(scored, "城六")
    verified(scored, [scored.officers["b"], a, b], kind="event")  # 10/3 each
    officer = scored.officers["b"]
    response = client_for(scored, "admin").get(f"/t/alpha/officers/{officer.id}/statement/2025/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="stat-value" id="statement-total" title="40/3">13.33</div>' in html
    # issue 14 item 7: it prints, with the officer's particulars on paper only
    assert '<link rel="stylesheet" href="/static/css/print.css">' in html
    assert 'data-print id="statement-print">打印</button>' in html
    facts = html.split('id="statement-facts">')[1].split("</dl>")[0]
    assert "<dt>单位</dt><dd>—</dd>" in facts and "<dt>所属区</dt><dd>—</dd>" in facts
    assert "<dt>类别</dt><dd>市派联络员</dd>" in facts
    assert "<dt>任期</dt><dd>2025-01-01 – 2026-12-31</dd>" in facts


def test_officer_opens_own_statement_page_only(world):
    client = client_for(world, "officer")
    mine, other = world.officers["mine"], world.officers["d1"]
    response = client.get(f"/t/alpha/officers/{mine.id}/statement/2025/")
    assert response.status_code == 200
    assert 'id="statement-total" title="0">0.00</div>' in response.content.decode()
    assert client.get(f"/t/alpha/officers/{other.id}/statement/2025/").status_code == 404
