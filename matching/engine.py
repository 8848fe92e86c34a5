"""The matcher (SPEC.md §5b): which achievements, experts and platforms
most likely meet a demand, and which demands an achievement meets.

Pure like the points engine (``scoring/engine/``): plain frozen dataclasses
in, ranked :class:`Suggestion` out, no Django, no clock, no database. It
uses jieba (Chinese word segmentation, its dictionary loaded once, lazily)
and bm25s (BM25 over the candidates' words).

A candidate's score is a weighted sum in [0, 1] (:data:`WEIGHTS`):

- **field** (0.30): a shared GB/T 4754 division 1, a shared section ½
  (:mod:`matching.taxonomy`);
- **text** (0.45): half BM25 relative to the best candidate, half the share
  of the query's words the candidate contains;
- **maturity** (0.15): the achievement's maturity against the demand's need
  (pilot scale unless the demand says): at or above 1, each level short ¼
  less; experts, platforms and unknown maturity ½;
- **distance** (0.10): same district 1, else 0.

A candidate with neither a division nor a word in common is never suggested;
a pair marked "not relevant" is excluded. Ties break by side, then id.
Every suggestion carries its reasons as codes with parameters, worded by
the caller (:data:`REASON_CODES`).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from . import taxonomy

SIDES = ("demand", "achievement", "expert", "platform")
#: The sides a query of each side is matched against.
COUNTERPARTS: dict[str, tuple[str, ...]] = {
    "demand": ("achievement", "expert", "platform"),
    "achievement": ("demand",),
}
MATURITY_LEVELS = ("lab", "prototype", "pilot", "industrial")
DEFAULT_NEED = "pilot"
WEIGHTS: dict[str, float] = {"field": 0.30, "text": 0.45, "maturity": 0.15, "distance": 0.10}
LIMIT = 10
#: Indexes this small score every candidate; bigger ones a pool (:class:`Index`).
EXACT_UP_TO = 2000
TEXT_POOL = 100
DIVISION_POOL = 30
#: At most this many shared words are named in a reason.
MAX_TERMS = 5
REASON_CODES = ("same_field", "same_section", "shared_terms", "maturity", "same_district")

_STOP_TEXT = """的 了 和 与 及 或 等 在 对 为 是 将 把 被 从 向 以 于 其 该 这 那 一种 一个 一套
    一 个 种 及其 以及 并 并且 可 可以 能 能够 需要 需求 要求 希望 企业 公司 有限公司 技术
    研究 研发 开发 项目 问题 解决 提高 提升 进行 实现 具备 已 已经 完成 条件 方面 相关 工艺
    升级 改造 优化 制备 方法 系统 装置 验证 实验 具有 我 我们 您 你 他 她 它
    套 台 件 项 次 条 家 批 年 月 日
    通过 采用 应用 基于 用于 我们 本 新 新型 高 低 大 小 有 无 不 也 都 还 中 上 下 内
    提出 推进 推动 开展 建设 工作 服务 合作 转化 成果 具有 达到 主要 领域 行业 产品"""
#: Words too common in these ledgers to tell two items apart.
STOP_WORDS = frozenset(_STOP_TEXT.split())


class Reason(NamedTuple):
    """Why a candidate is suggested: a code of :data:`REASON_CODES` and its
    parameters (worded and translated by the caller)."""

    code: str
    params: Mapping


@dataclass(frozen=True)
class Item:
    """A demand, an achievement, an expert or a platform."""

    id: int
    side: str
    title: str
    text: str = ""
    field: str = ""  # the free-text field label (新材料 …)
    fields: tuple[str, ...] | None = None  # divisions; None: classify from label and words
    maturity: str = ""  # an achievement's maturity; a demand's need ("" = DEFAULT_NEED)
    district: str = ""
    tenant: int = 0

    @property
    def key(self) -> tuple[str, int]:
        return (self.side, self.id)


@dataclass(frozen=True)
class Suggestion:
    """One ranked candidate."""

    item: Item
    score: float
    reasons: tuple[Reason, ...] = ()
    parts: Mapping[str, float] = field(default_factory=dict)


# --- words -----------------------------------------------------------------------------

_lock = threading.Lock()
_tokenizer = None


def _segmenter():
    """jieba's tokenizer, its dictionary loaded on first use only (~1 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token) and not token.isdigit() and token not in STOP_WORDS


@functools.lru_cache(maxsize=200_000)
def words(text: str) -> tuple[str, ...]:
    """The words of a text in order (jieba's precise mode), lower-cased,
    without stop words, punctuation or bare numbers."""
    tokens = (t.strip().lower() for t in _segmenter().lcut(text or ""))
    return tuple(t for t in tokens if t and _is_word(t))


def item_words(item: Item) -> tuple[str, ...]:
    return words(f"{item.title}\n{item.text}")


def item_fields(item: Item) -> tuple[str, ...]:
    if item.fields is not None:
        return item.fields
    return taxonomy.classify(item.field, item_words(item))


# --- the parts -------------------------------------------------------------------------


def field_part(query: Sequence[str], candidate: Sequence[str]) -> tuple[float, Reason | None]:
    shared = [c for c in query if c in candidate]
    if shared:
        return 1.0, Reason("same_field", {"field": shared[0]})
    sections = [taxonomy.section(c) for c in candidate]
    shared_sections = [taxonomy.section(c) for c in query if taxonomy.section(c) in sections]
    if shared_sections:
        return 0.5, Reason("same_section", {"section": shared_sections[0]})
    return 0.0, None


def maturity_part(demand: Item, achievement: Item) -> tuple[float, Reason | None]:
    if achievement.side != "achievement" or achievement.maturity not in MATURITY_LEVELS:
        return 0.5, None
    need = demand.maturity if demand.maturity in MATURITY_LEVELS else DEFAULT_NEED
    short = MATURITY_LEVELS.index(need) - MATURITY_LEVELS.index(achievement.maturity)
    value = 1.0 if short <= 0 else 1.0 - short / 4
    return value, Reason(
        "maturity", {"maturity": achievement.maturity, "need": need, "ready": short <= 0}
    )


def distance_part(query: Item, candidate: Item) -> tuple[float, Reason | None]:
    if query.district and query.district == candidate.district and query.tenant == candidate.tenant:
        return 1.0, Reason("same_district", {"district": query.district})
    return 0.0, None


# --- ranking ---------------------------------------------------------------------------


class Index:
    """The candidates of one side (or several), segmented and indexed for
    BM25 once, so that many queries can be ranked against them.

    Up to :data:`EXACT_UP_TO` candidates every one is scored. Above, a query
    scores only the :data:`TEXT_POOL` best by BM25 (every candidate sharing a
    word has a positive BM25) and, per division it has, the first
    :data:`DIVISION_POOL` candidates of that division in its district and in
    all (by id): a candidate with neither a word nor a division in common is
    never suggested anyway, so big tenants stay fast with the same top 10
    but for rare near-ties."""

    def __init__(self, candidates: Iterable[Item]):
        self.items: tuple[Item, ...] = tuple(candidates)
        self.words = [item_words(c) for c in self.items]
        self.word_sets = [frozenset(w) for w in self.words]
        self.fields = [item_fields(c) for c in self.items]
        # what every query needs of each candidate, computed once per index
        # (a tenant's rematch ranks tens of thousands of queries against it)
        self.field_sets = [frozenset(f) for f in self.fields]
        self.section_sets = [frozenset(taxonomy.section(c) for c in f) for f in self.fields]
        self.side_order = [
            SIDES.index(c.side) if c.side in SIDES else len(SIDES) for c in self.items
        ]
        import numpy as np

        self.positions_of: dict[tuple[str, int], list[int]] = {}
        districts: dict[str, int] = {}
        maturities: dict[tuple[str, str], int] = {}  # (side, maturity) → code
        for pos, c in enumerate(self.items):
            self.positions_of.setdefault(c.key, []).append(pos)
            districts.setdefault(c.district, len(districts))
            maturities.setdefault((c.side, c.maturity), len(maturities))
        self.district_codes, self.maturity_keys = districts, list(maturities)
        self.side_array = np.array(self.side_order, dtype=np.int64)
        self.id_array = np.array([c.id for c in self.items], dtype=np.int64)
        self.tenant_array = np.array([c.tenant for c in self.items], dtype=np.int64)
        self.district_array = np.array([districts[c.district] for c in self.items], dtype=np.int64)
        self.maturity_array = np.array(
            [maturities[(c.side, c.maturity)] for c in self.items], dtype=np.int64
        )
        self._maturity_values: dict[tuple[str, str], object] = {}
        self.by_division: dict[str, list[int]] = {}
        self.by_division_district: dict[tuple[str, str], list[int]] = {}
        for pos in sorted(range(len(self.items)), key=lambda p: self.items[p].id):
            for code in self.fields[pos]:
                self.by_division.setdefault(code, []).append(pos)
                district = self.items[pos].district
                if district:
                    self.by_division_district.setdefault((code, district), []).append(pos)
        self._bm25 = None
        if any(self.words):
            import bm25s

            logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
            self._bm25 = bm25s.BM25()
            # an empty document would make bm25s divide by zero: give it a word no query has
            self._bm25.index([list(w) or ["\x00"] for w in self.words], show_progress=False)

    def maturity_values(self, query: Item):
        """The maturity part of every (side, maturity) of the candidates for a
        query, by :func:`maturity_part`: it depends on the query's side and
        maturity only, so it is computed once per kind of query."""
        import numpy as np

        key = (query.side, query.maturity)
        if key not in self._maturity_values:
            values = []
            for side, maturity in self.maturity_keys:
                candidate = Item(0, side, "", maturity=maturity)
                pair = (query, candidate) if query.side == "demand" else (candidate, query)
                values.append(maturity_part(*pair)[0])
            self._maturity_values[key] = np.array(values, dtype=np.float64)
        return self._maturity_values[key]

    def bm25(self, query: Sequence[str]):
        """BM25 of every candidate for the query words (a sequence of floats)."""
        if self._bm25 is None or not query:
            return [0.0] * len(self.items)
        return self._bm25.get_scores(list(query))

    def positions(self, query: Item, q_fields: Sequence[str], raw) -> Iterable[int]:
        """The candidates worth scoring for a query (all of them when few)."""
        if len(self.items) <= EXACT_UP_TO:
            return range(len(self.items))
        import numpy as np

        scores = np.asarray(raw)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > TEXT_POOL:
            # the TEXT_POOL best, ties by position (what a stable sort of all
            # the hits would keep) without sorting tens of thousands of them
            values = scores[hits]
            cut = len(values) - TEXT_POOL
            kth = np.partition(values, cut)[cut]  # the TEXT_POOL-th best score
            above = hits[values > kth]
            tied = hits[values == kth][: TEXT_POOL - len(above)]
            hits = np.concatenate([above, tied])
        chosen = {int(p) for p in hits}
        for code in q_fields:
            chosen.update(self.by_division_district.get((code, query.district), ())[:DIVISION_POOL])
            chosen.update(self.by_division.get(code, ())[:DIVISION_POOL])
        return sorted(chosen)


def _best(raw) -> float:
    if hasattr(raw, "max"):  # a numpy array from bm25s
        return float(raw.max()) if len(raw) else 0.0
    return max(raw, default=0.0)


def _weighted(field_value, text, maturity, distance):
    """The weighted sum of the parts, in :data:`WEIGHTS`' order: of floats
    (one suggestion, :func:`_total`) or of numpy arrays (every candidate,
    :func:`rank`), the same double operations in the same order."""
    return (
        WEIGHTS["field"] * field_value
        + WEIGHTS["text"] * text
        + WEIGHTS["maturity"] * maturity
        + WEIGHTS["distance"] * distance
    )


def _total(field_value: float, text: float, maturity: float, distance: float) -> float:
    """The score: the weighted sum capped at 1, rounded to 4 places (as
    :func:`rank` rounds its capped array)."""
    return round(min(1.0, _weighted(field_value, text, maturity, distance)), 4)


def _suggestion(
    query: Item, candidate: Item, *, q_words, q_fields, fields, shared, relative: float
) -> Suggestion:
    """A ranked candidate with its parts and reasons (built for the ``limit``
    best only: the ranking itself needs the score alone)."""
    overlap = len(shared) / len(q_words) if q_words else 0.0
    text = (relative + overlap) / 2
    field_value, field_reason = field_part(q_fields, fields)
    demand, other = (query, candidate) if query.side == "demand" else (candidate, query)
    maturity_value, maturity_reason = maturity_part(demand, other)
    distance_value, distance_reason = distance_part(query, candidate)
    parts = {
        "field": field_value,
        "text": text,
        "maturity": maturity_value,
        "distance": distance_value,
    }
    reasons = [field_reason]
    if shared:
        reasons.append(Reason("shared_terms", {"terms": shared[:MAX_TERMS]}))
    reasons += [maturity_reason, distance_reason]
    return Suggestion(
        item=candidate,
        score=_total(field_value, text, maturity_value, distance_value),
        reasons=tuple(r for r in reasons if r is not None),
        parts={k: round(v, 4) for k, v in parts.items()},
    )


def rank(
    query: Item,
    index: Index,
    *,
    not_relevant: Iterable[tuple[str, int]] = (),
    limit: int = LIMIT,
    distinct: bool = True,
) -> list[Suggestion]:
    """The ``limit`` best candidates of ``index`` for ``query``, best first.
    ``not_relevant``: candidate keys (side, id) marked "not relevant" for
    this query, never suggested. ``distinct``: copies of one item (the same
    side, title and text) count once (:func:`_distinct`); off, each copy is
    a candidate of its own (which entries a published item suits).

    Every candidate worth it is scored with sets and numbers only; the
    parts and reasons are then built for the ``limit`` best (the same
    functions, so the same values)."""
    sides = COUNTERPARTS.get(query.side, ())
    excluded = set(not_relevant)
    q_words = tuple(dict.fromkeys(item_words(query)))
    q_set = frozenset(q_words)
    q_fields = item_fields(query)
    q_field_set = frozenset(q_fields)
    q_sections = frozenset(taxonomy.section(c) for c in q_fields)
    raw = index.bm25(q_words)
    best = _best(raw)
    import numpy as np

    pos = np.asarray(list(index.positions(query, q_fields, raw)), dtype=np.intp)
    # the candidates of the wanted sides, not the query itself, not excluded
    side = index.side_array[pos]
    keep = np.isin(side, [SIDES.index(s) for s in sides])
    if query.side in SIDES:
        keep &= ~((side == SIDES.index(query.side)) & (index.id_array[pos] == query.id))
    out_positions = [p for key in excluded for p in index.positions_of.get(key, ())]
    if out_positions:
        keep &= ~np.isin(pos, out_positions)
    pos = pos[keep]
    listed = pos.tolist()
    shared = np.array([len(q_set & index.word_sets[p]) for p in listed], dtype=np.int64)
    field_value = np.array(
        [
            1.0
            if index.field_sets[p] & q_field_set
            else 0.5
            if index.section_sets[p] & q_sections
            else 0.0
            for p in listed
        ],
        dtype=np.float64,
    )
    keep = (shared > 0) | (field_value >= 1)  # a section alone is too broad a link
    pos, shared, field_value = pos[keep], shared[keep], field_value[keep]
    if not len(pos):
        return []
    # each part as rank's scalar arithmetic would compute it: the same IEEE
    # double operations in the same order, element by element
    relative = np.asarray(raw)[pos].astype(np.float64) / best if best > 0 else np.zeros(len(pos))
    overlap = shared / len(q_words) if q_words else np.zeros(len(pos))
    text = (relative + overlap) / 2
    maturity = index.maturity_values(query)[index.maturity_array[pos]]
    code = index.district_codes.get(query.district) if query.district else None
    if code is None:
        distance = np.zeros(len(pos))
    else:
        distance = (
            (index.district_array[pos] == code) & (index.tenant_array[pos] == query.tenant)
        ).astype(np.float64)
    total = np.minimum(_weighted(field_value, text, maturity, distance), 1.0)
    scored = sorted(
        zip(
            [-round(t, 4) for t in total.tolist()],  # Python's rounding, as _total's
            index.side_array[pos].tolist(),
            index.id_array[pos].tolist(),
            pos.tolist(),
            relative.tolist(),
            strict=True,
        )
    )
    return [
        _suggestion(
            query,
            index.items[p],
            q_words=q_words,
            q_fields=q_fields,
            fields=index.fields[p],
            shared=[w for w in q_words if w in index.word_sets[p]],
            relative=rel,
        )
        for p, rel in (
            _distinct(index, scored, limit)
            if distinct
            else [(pos, relative) for *_, pos, relative in scored[:limit]]
        )
    ]


def _distinct(index: Index, scored: list[tuple], limit: int) -> list[tuple[int, float]]:
    """The positions and relative BM25 of the first ``limit`` of ``scored``
    (best first) with copies left out: one item logged several times (the
    same side, title and text, as when officers log one achievement each) is
    suggested once, at its best score, so the list names ``limit`` different
    things."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for _score, _side, _id, pos, relative in scored:
        item = index.items[pos]
        key = (item.side, item.title.strip(), item.text.strip())
        if key in seen:
            continue
        seen.add(key)
        out.append((pos, relative))
        if len(out) == limit:
            break
    return out


def rank_items(
    query: Item,
    candidates: Iterable[Item],
    *,
    not_relevant: Iterable[tuple[str, int]] = (),
    limit: int = LIMIT,
    distinct: bool = True,
) -> list[Suggestion]:
    """:func:`rank` over a fresh :class:`Index` of ``candidates``."""
    return rank(query, Index(candidates), not_relevant=not_relevant, limit=limit, distinct=distinct)
