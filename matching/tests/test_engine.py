"""The matcher (matching/engine.py): pure, deterministic, with reasons."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import engine, taxonomy
from matching.engine import Index, Item, Reason, rank, rank_items, words

HERE = Path(__file__).resolve().parent.parent
ALLOWED = {"jieba", "bm25s", "numpy"}

DEMAND = Item(
    1,
    "demand",
    "锂电池隔膜涂覆工艺升级",
    "我公司需要提高锂电池隔膜的耐热性和一致性",
    field="新能源",
    district="d1",
)
LITHIUM = Item(
    10,
    "achievement",
    "一种高稳定性锂电池正极材料",
    "锂电池正极材料，已完成中试",
    field="新材料",
    maturity="pilot",
    district="d2",
)
DISPLAY = Item(
    11, "achievement", "柔性显示基板制备工艺", "柔性显示", "光电子信息", None, "lab", "d1"
)
HYDROGEN = Item(
    12, "achievement", "氢燃料电池双极板", "燃料电池双极板", "新能源", None, "prototype"
)
MEDICINE = Item(13, "achievement", "中药有效成分提取工艺", "中药", "生物医药", None, "industrial")
TEAM = Item(5, "expert", "武汉大学新材料研究团队", "", "新材料")
CANDIDATES = [LITHIUM, DISPLAY, HYDROGEN, MEDICINE, TEAM]


def test_words_drop_stop_words_and_punctuation():
    assert words("企业需要锂电池隔膜的涂覆工艺，提高耐热性。") == (
        "锂电池",
        "隔膜",
        "涂覆",
        "耐热性",
    )
    assert words("我公司需要 2 套 AI 检测装置") == ("ai", "检测")


def test_taxonomy_maps_labels_and_words_to_divisions():
    assert taxonomy.classify("新材料") == ("C26", "C30", "C32")
    assert taxonomy.classify("", ["锂电池", "隔膜"]) == ("C38",)
    assert taxonomy.classify("新能源", ["锂电池"]) == ("C38", "D44")
    assert taxonomy.classify("湖北新材料产业") == ("C26", "C30", "C32")
    assert taxonomy.classify("其他", ["无关"]) == ()
    assert set(taxonomy.LABELS.values()) and all(
        code in taxonomy.DIVISIONS for codes in taxonomy.LABELS.values() for code in codes
    )
    assert all(code in taxonomy.DIVISIONS for code in taxonomy.KEYWORDS.values())
    assert all(code[:1] in taxonomy.SECTIONS for code in taxonomy.DIVISIONS)


def test_a_lithium_battery_demand_ranks_the_lithium_achievement_first():
    ranked = rank_items(DEMAND, CANDIDATES)
    # the display, the medicine and the materials team share no word and only
    # the manufacturing section with the demand: not suggested
    assert [(s.item.side, s.item.id) for s in ranked] == [("achievement", 10), ("achievement", 12)]
    top = ranked[0]
    assert top.score == 0.72  # 0.30 × 1 + 0.45 × (1 + 1/5) / 2 + 0.15 × 1 + 0.10 × 0
    assert top.parts == {"field": 1.0, "text": 0.6, "maturity": 1.0, "distance": 0.0}
    assert top.reasons == (
        Reason("same_field", {"field": "C38"}),
        Reason("shared_terms", {"terms": ["锂电池"]}),
        Reason("maturity", {"maturity": "pilot", "need": "pilot", "ready": True}),
    )
    assert [s.score for s in ranked] == [0.72, 0.4125]
    assert ranked[1].reasons == (
        Reason("same_field", {"field": "C38"}),
        Reason("maturity", {"maturity": "prototype", "need": "pilot", "ready": False}),
    )


def test_the_same_district_counts_and_says_so():
    near = Item(14, "achievement", "锂电池隔膜缺陷检测", "", "", maturity="lab", district="d1")
    ranked = rank_items(DEMAND, [*CANDIDATES, near])
    assert [s.item.id for s in ranked] == [14, 10, 12]
    assert ranked[0].reasons == (
        Reason("same_field", {"field": "C38"}),
        Reason("shared_terms", {"terms": ["锂电池", "隔膜"]}),
        Reason("maturity", {"maturity": "lab", "need": "pilot", "ready": False}),
        Reason("same_district", {"district": "d1"}),
    )
    # another tenant's item in a district of the same code is not near
    far = Item(15, "achievement", "锂电池隔膜缺陷检测", maturity="lab", district="d1", tenant=2)
    assert engine.distance_part(DEMAND, far) == (0.0, None)


def test_an_achievement_is_matched_against_demands_only():
    other = Item(2, "demand", "中药饮片质量追溯", "中药", "生物医药", district="d9")
    ranked = rank_items(MEDICINE, [DEMAND, other, LITHIUM, TEAM])
    assert [(s.item.id, s.score) for s in ranked] == [(2, 0.75)]
    assert ranked[0].reasons[:2] == (
        Reason("same_field", {"field": "C27"}),
        Reason("shared_terms", {"terms": ["中药"]}),
    )


def test_not_relevant_pairs_are_never_suggested():
    ranked = rank_items(DEMAND, CANDIDATES, not_relevant={("achievement", 10)})
    assert [s.item.id for s in ranked] == [12]


def test_unrelated_candidates_are_not_suggested_and_the_limit_holds():
    unrelated = Item(20, "achievement", "园区故事", "", "", maturity="industrial", district="d1")
    assert rank_items(DEMAND, [unrelated]) == []
    many = [Item(100 + i, "achievement", f"锂电池隔膜{i}", "", "新能源") for i in range(15)]
    ranked = rank_items(DEMAND, many)
    assert len(ranked) == engine.LIMIT
    # equal scores break by id
    assert [s.item.id for s in ranked] == list(range(100, 110))


def test_one_item_logged_several_times_is_suggested_once_at_its_best():
    """Copies (same side, title and text) collapse into the best-scoring
    one; the list still fills up to the limit with different items."""
    copy_far = Item(30, "achievement", "锂电池隔膜缺陷检测", "武汉大学", maturity="lab")
    copy_near = Item(
        31, "achievement", "锂电池隔膜缺陷检测", "武汉大学", maturity="lab", district="d1"
    )
    elsewhere = Item(32, "achievement", "锂电池隔膜缺陷检测", "华中科技大学", maturity="lab")
    ranked = rank_items(DEMAND, [copy_far, copy_near, elsewhere, LITHIUM])
    assert [s.item.id for s in ranked] == [31, 32, 10]
    many = [Item(200 + i, "achievement", "锂电池隔膜", "", "新能源") for i in range(5)]
    others = [Item(300 + i, "achievement", f"锂电池隔膜{i}", "", "新能源") for i in range(12)]
    ranked = rank_items(DEMAND, many + others)
    assert [s.item.id for s in ranked] == [200, *range(300, 309)]


def test_maturity_against_the_need():
    need_industrial = Item(3, "demand", "锂电池", maturity="industrial")
    assert engine.maturity_part(need_industrial, LITHIUM) == (
        0.75,
        Reason("maturity", {"maturity": "pilot", "need": "industrial", "ready": False}),
    )
    assert engine.maturity_part(DEMAND, MEDICINE)[0] == 1.0
    assert engine.maturity_part(DEMAND, DISPLAY)[0] == 0.5
    assert engine.maturity_part(DEMAND, TEAM) == (0.5, None)


def test_nothing_to_index_gives_no_text_score():
    empty = Index([Item(30, "achievement", "", "", "新能源")])
    assert empty.bm25(["锂电池"]) == [0.0]
    ranked = rank(DEMAND, empty)
    assert [(s.item.id, s.score) for s in ranked] == [(30, 0.375)]


_text = st.sampled_from(
    ["锂电池隔膜", "柔性显示", "中药提取", "光伏组件", "工业机器人", "重金属吸附", "秸秆", ""]
)
_items = st.lists(
    st.builds(
        Item,
        id=st.integers(1, 50),
        side=st.sampled_from(["achievement", "expert", "platform"]),
        title=_text,
        text=_text,
        field=st.sampled_from(["", "新材料", "新能源", "生物医药"]),
        maturity=st.sampled_from(["", "lab", "prototype", "pilot", "industrial"]),
        district=st.sampled_from(["", "d1", "d2"]),
    ),
    max_size=12,
    unique_by=lambda i: (i.side, i.id),
)


@settings(max_examples=60, deadline=None)
@given(items=_items, query=_text)
def test_scores_are_in_range_sorted_and_deterministic(items, query):
    demand = Item(1, "demand", query, "", "新能源", district="d1")
    first = rank_items(demand, items)
    again = rank_items(demand, list(reversed(items)))
    assert [(s.item.key, s.score) for s in first] == [(s.item.key, s.score) for s in again]
    assert all(0 <= s.score <= 1 for s in first)
    keys = [(-s.score, engine.SIDES.index(s.item.side), s.item.id) for s in first]
    assert keys == sorted(keys)
    assert len(first) <= engine.LIMIT


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield (node.module or "").partition(".")[0]


@pytest.mark.parametrize("name", ["engine.py", "taxonomy.py"])
def test_the_matcher_imports_no_django(name):
    bad = {
        m for m in _imports(HERE / name) if m not in sys.stdlib_module_names and m not in ALLOWED
    }
    assert bad == set()


def test_importing_the_matcher_loads_neither_django_nor_the_dictionary():
    code = (
        "import sys\n"
        "import matching.engine\n"
        "print(sorted(m for m in ('django', 'jieba', 'bm25s') if m in sys.modules))\n"
    )
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=HERE.parent, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_big_index_scores_a_pool_with_the_same_top(monkeypatch):
    near = Item(14, "achievement", "锂电池隔膜缺陷检测", "", "", maturity="lab", district="d1")
    filler = [Item(200 + i, "achievement", f"园区故事{i}", "", "现代农业") for i in range(40)]
    same_division = [Item(300 + i, "achievement", "双极板", "", "新能源") for i in range(5)]
    items = [*CANDIDATES, near, *filler, *same_division]
    exact = rank_items(DEMAND, items)
    monkeypatch.setattr(engine, "EXACT_UP_TO", 0)
    monkeypatch.setattr(engine, "DIVISION_POOL", 3)
    index = Index(items)
    pool = list(index.positions(DEMAND, engine.item_fields(DEMAND), index.bm25(("锂电池",))))
    # the words' hits, then the first 3 of C38 (district d1, then all) and of D44
    assert [index.items[p].id for p in pool] == [10, 12, 14, 300, 301]
    pooled = rank(DEMAND, index)
    assert [(s.item.id, s.score) for s in pooled] == [
        (s.item.id, s.score) for s in exact if s.item.id in {10, 12, 14, 300, 301}
    ]
    assert [s.item.id for s in exact][:3] == [14, 10, 12]
