"""Rankings and charts (issue 14 item 4): award candidates only on the whole
programme's ranking, the rankings/ redirect to the latest year with data, a
chart per pool with no colour twice, and the officer's own place and whole-
number targets on their home page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from scoring.charts import MAX_SERIES, PALETTE, line_chart
from scoring.selectors import latest_year_with_data, officer_standing
from scoring.tests.test_ranking_pages import PAGE, city_officer, client_for, page, verified, zh

pytestmark = pytest.mark.django_db

HOME = "/t/alpha/"
FIGURE = re.compile(r'<figure class="[^"]*pool-chart" data-pool-chart="\d+">(.*?)</figure>', re.S)
STROKE = re.compile(r'<polyline class="pool-line" fill="none" stroke="(#[0-9A-F]{6})"')


@pytest.fixture
def scored(world):
    """City pool: 赵六 100, 城二 10, 城三 10, 城四 0; d1: 李四 10, 张三 0."""
    top = world.officers["city"]
    b, c, d = city_officer(world, "城二"), city_officer(world, "城三"), city_officer(world, "城四")
    verified(world, [top], kind="conversion")
    verified(world, [b], kind="event")
    verified(world, [c], kind="event")
    verified(world, [world.officers["d1"]], kind="event")
    world.officers.update(b=b, c=c, zero=d)
    return world


def test_admin_and_auditor_see_the_award_candidates(scored):
    for who in ("admin", "auditor"):
        html = page(scored, who)
        assert zh("Award candidates for the centre to confirm") in html
        assert f"{zh('Gold-medal candidate')}：<strong>赵六</strong> (100.00)" in html
        # the top ten after the gold: the whole programme, city and districts
        assert f"{zh('Top-ten candidates')}：李四 (10.00)、城二 (10.00)、城三 (10.00)</div>" in html
        assert 'id="candidates-note"' not in html


def test_district_manager_sees_no_candidates_from_their_partial_ranking(scored):
    html = page(scored, "manager")
    # 李四 leads the manager's only pool, but is no gold-medal candidate
    assert zh("Award candidates for the centre to confirm") not in html
    assert zh("Gold-medal candidate") + "：" not in html
    assert zh("Top-ten candidates") + "：" not in html
    assert "<strong>李四</strong>" not in html
    assert 'id="candidates-note"' in html


def test_headers_say_their_units(scored):
    html = page(scored, "admin")
    assert '<th class="text-end">奖励加分（分）</th><th class="text-end">总分（分）</th>' in html
    assert (
        '<th class="text-end d-none d-md-table-cell">' + zh("Matchmaking event") + "（项）</th>"
        in html
    )


def test_rankings_open_on_the_latest_year_with_data(scored):
    admin = client_for(scored, "admin")
    with time_machine.travel(dt.datetime(2027, 3, 1, 2, tzinfo=dt.UTC), tick=False):
        response = admin.get("/t/alpha/rankings/")
    assert response.status_code == 302
    assert response["Location"] == PAGE  # 2025: the verified entries' year, not 2027


def test_rankings_open_on_the_current_year_without_data(world):
    assert latest_year_with_data(tenant=world.tenant, today=dt.date(2027, 3, 1)) == 2027
    with time_machine.travel(dt.datetime(2027, 3, 1, 2, tzinfo=dt.UTC), tick=False):
        response = client_for(world, "admin").get("/t/alpha/rankings/")
    assert response["Location"] == "/t/alpha/rankings/2027/"


def test_a_year_ahead_of_today_is_not_the_default(scored):
    assert latest_year_with_data(tenant=scored.tenant, today=dt.date(2024, 6, 1)) == 2024


def test_one_chart_per_pool_no_colour_twice(scored):
    for n in range(MAX_SERIES + 2):  # ten more city officers with points: 13 in all
        verified(scored, [city_officer(scored, f"城{n + 10}")], kind="event")
    admin = client_for(scored, "admin")
    figures = [
        FIGURE.findall(admin.get(PAGE, {"pool": name}).content.decode())
        for name in ("city", "district:d1", "district:d2")
    ]
    assert [len(f) for f in figures] == [1, 1, 1]  # the pool shown has its chart
    (city,), (d1,), (d2,) = figures
    html = page(scored, "admin")
    assert FIGURE.findall(html) == [city]  # the first pool by default
    assert STROKE.findall(city) == list(PALETTE)  # 8 lines, 8 colours
    assert "显示有积分的 13 名联络员中的前 8 名。" in city
    assert STROKE.findall(d1) == [PALETTE[0]]  # 李四 only: the 0-point officer is not drawn
    assert STROKE.findall(d2) == []
    assert zh("No points yet in this pool.") in d2
    # no asset from a CDN (asset URLs only: a random CSRF token may hold "cdn")
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not [u for u in assets if "cdn" in u.lower() or u.startswith("//")]


def test_chart_scale_and_top_n():
    from fractions import Fraction

    series = [(f"o{i}", [Fraction(i)] * 12) for i in range(1, 11)]
    chart = line_chart("pool", series, total=10)
    colours = [line.colour for line in chart.lines]
    assert len(colours) == len(set(colours)) == MAX_SERIES
    assert (chart.shown, chart.total, chart.omitted) == (8, 10, 2)
    assert [label for _y, label in chart.ticks] == ["0", "5", "10"]  # own scale: 0 to 10


def _d1_officer(w, name):
    from roster.services import officer_create
    from tests.world import TERM

    return officer_create(
        tenant=w.tenant,
        full_name=name,
        category="district",
        district=w.districts["d1"],
        term_start=TERM[0],
        term_end=TERM[1],
    )


def _officer_home(w) -> str:
    with time_machine.travel(dt.datetime(2025, 5, 15, 2, tzinfo=dt.UTC), tick=False):
        return client_for(w, "officer").get(HOME).content.decode()


def test_officer_without_an_excellence_line_in_their_pool(scored):
    html = _officer_home(scored)  # d1: 2 officers, no excellence place
    assert (
        '<p class="mb-1" id="my-rank">在“一区”排名范围中排第 2 名（共 2 名），积分 0.00 分。</p>'
        in html
    )
    assert '<p class="mb-1" id="my-gap">本排名范围目前还没有人进入优秀名额。</p>' in html


def test_officer_sees_own_rank_and_gap_to_the_excellence_line(scored):
    # d1 grows to 13 officers (3 excellence places): 李四 10, 一区丙 10, 一区甲 5,
    # 张三 and 一区乙 2.50 each (an achievement shared), the rest 0
    for n in range(8):
        _d1_officer(scored, f"一区{n}")
    verified(scored, [_d1_officer(scored, "一区丙")], kind="event")
    verified(scored, [_d1_officer(scored, "一区甲")], kind="achievement")
    verified(scored, [scored.officers["mine"], _d1_officer(scored, "一区乙")], kind="achievement")
    standing = officer_standing(
        tenant=scored.tenant, officer_id=scored.officers["mine"].id, year=2025
    )
    assert (standing.pool, standing.size, standing.places, standing.rank) == (
        "district:d1",
        13,
        3,
        4,
    )
    assert (standing.points, standing.line, standing.gap) == ("2.50", "5.00", "2.50")
    html = _officer_home(scored)
    assert (
        '<p class="mb-1" id="my-rank">在“一区”排名范围中排第 4 名（共 13 名），积分 2.50 分。</p>'
        in html
    )
    assert (
        '<p class="mb-1" id="my-gap">距优秀线（5.00 分，本排名范围最后一个优秀名额的积分）'
        "还差 2.50 分。</p>"
    ) in html
    # only their own place: no other officer's name
    for name in ("李四", "赵六", "城二", "王五", "一区甲", "一区乙", "一区丙"):
        assert name not in html


def test_officer_home_targets_are_whole_entries_with_the_pro_rating_explained(scored):
    html = _officer_home(scored)
    rows = dict(re.findall(r'data-quota="([^"]+)">.*?</small></span>(.*?)</div>', html, flags=re.S))
    assert ">0/2</small>" in html and "1.83" not in html and "1.67" not in html
    assert rows["event/year"] == (
        '<small class="d-block w-100 text-body-secondary quota-note">'
        "按在岗月份折算：全年 4 项 × 5/12 ≈ 2 项</small>"
    )
    assert "按在岗月份折算：每季度 1 项 × 2/3 ≈ 1 项" in rows["video/quarter"]


def test_the_officer_page_links_the_statement_of_the_latest_year_with_data(scored):
    officer = scored.officers["mine"]
    with time_machine.travel(dt.datetime(2027, 3, 1, 2, tzinfo=dt.UTC), tick=False):
        html = client_for(scored, "admin").get(f"/t/alpha/officers/{officer.pk}/").content.decode()
    assert f'href="/t/alpha/officers/{officer.pk}/statement/2025/"' in html


def test_an_excellent_officer_reads_that_they_are_within_the_places(scored):
    for n in range(8):  # d1: 10 officers, 3 excellence places
        _d1_officer(scored, f"一区{n}")
    verified(scored, [scored.officers["mine"]], kind="conversion")
    html = _officer_home(scored)
    assert (
        '<p class="mb-1" id="my-rank">在“一区”排名范围中排第 1 名（共 10 名），积分 100.00 分。</p>'
        in html
    )
    assert (
        '<p class="mb-1" id="my-gap">您目前在优秀名额之内（本排名范围共 3 个优秀名额）。</p>'
        in html
    )
    with time_machine.travel(dt.datetime(2025, 5, 15, 2, tzinfo=dt.UTC), tick=False):
        client = client_for(scored, "officer")
        client.cookies["django_language"] = "en"
        en = client.get(HOME).content.decode()
    assert '<p class="mb-1" id="my-rank">Rank 1 of 10 in 一区, 100.00 points.</p>' in en
    assert '<p class="mb-1" id="my-gap">Within the excellence places (3 places).</p>' in en
    assert "Pro-rated by months in post: 4 a year × 5/12 ≈ 2" in en
