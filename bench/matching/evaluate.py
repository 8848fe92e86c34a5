"""Precision@5 and recall@10 of the portal's matcher on the labelled set in
this folder, beside a plain keyword-overlap baseline (README.md).

    .venv/bin/python bench/matching/evaluate.py

Pure: reads demands.jsonl, achievements.jsonl and labels.csv, ranks every
achievement for every demand with :mod:`matching.engine` and with the
baseline, and prints a Markdown table. No Django, no database, no clock:
the same files give the same figures.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from matching import engine  # noqa: E402

K_PRECISION = 5
K_RECALL = 10


@dataclass(frozen=True)
class Dataset:
    demands: tuple[engine.Item, ...]
    achievements: tuple[engine.Item, ...]
    relevant: dict[int, frozenset[int]]  # demand id → relevant achievement ids
    records: dict[tuple[str, int], dict]  # (side, id) → the raw JSON record


@dataclass(frozen=True)
class Scores:
    precision: float  # macro precision@5
    recall: float  # macro recall@10
    demands: int  # demands with at least one relevant achievement


def _item(side: str, record: dict, *, with_fields: bool = True) -> engine.Item:
    return engine.Item(
        id=record["id"],
        side=side,
        title=record["title"],
        text=record["text"],
        field=record["field"] if with_fields else "",
        fields=tuple(record["fields"]) if with_fields else (),
        maturity=record["maturity"],
        district=record["district"],
    )


def load(folder: Path = HERE, *, with_fields: bool = True) -> Dataset:
    records: dict[tuple[str, int], dict] = {}
    sides = {"demand": "demands.jsonl", "achievement": "achievements.jsonl"}
    items: dict[str, list[engine.Item]] = {}
    for side, name in sides.items():
        items[side] = []
        with open(folder / name, encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                records[(side, record["id"])] = record
                items[side].append(_item(side, record, with_fields=with_fields))
    relevant: dict[int, set[int]] = {}
    with open(folder / "labels.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            relevant.setdefault(int(row["demand_id"]), set()).add(int(row["achievement_id"]))
    return Dataset(
        demands=tuple(items["demand"]),
        achievements=tuple(items["achievement"]),
        relevant={d: frozenset(a) for d, a in relevant.items()},
        records=records,
    )


Ranker = Callable[[Dataset], dict[int, list[int]]]


def engine_ranking(data: Dataset) -> dict[int, list[int]]:
    """The matcher's top 10 achievement ids for each demand."""
    index = engine.Index(data.achievements)
    return {d.id: [s.item.id for s in engine.rank(d, index, limit=K_RECALL)] for d in data.demands}


def baseline_ranking(data: Dataset) -> dict[int, list[int]]:
    """Plain keyword overlap: the Jaccard index of the demand's and the
    achievement's word sets (jieba words as the engine segments them), best
    first, ties by id; no BM25, no field, maturity or district."""
    sets = [(a.id, frozenset(engine.item_words(a))) for a in data.achievements]
    out: dict[int, list[int]] = {}
    for d in data.demands:
        q = frozenset(engine.item_words(d))
        scored = []
        for aid, words in sets:
            shared = len(q & words)
            if shared:
                scored.append((-shared / len(q | words), aid))
        scored.sort()
        out[d.id] = [aid for _, aid in scored[:K_RECALL]]
    return out


def ideal_ranking(data: Dataset) -> dict[int, list[int]]:
    """The relevant achievements first: the ceiling of each metric (a demand
    with fewer than five relevant achievements cannot reach precision@5 = 1)."""
    return {d.id: sorted(data.relevant.get(d.id, ()))[:K_RECALL] for d in data.demands}


def score(data: Dataset, ranking: dict[int, Sequence[int]]) -> Scores:
    precisions, recalls = [], []
    for d in data.demands:
        relevant = data.relevant.get(d.id)
        if not relevant:
            continue
        ranked = list(ranking.get(d.id, ()))
        precisions.append(len(relevant.intersection(ranked[:K_PRECISION])) / K_PRECISION)
        recalls.append(len(relevant.intersection(ranked[:K_RECALL])) / len(relevant))
    n = len(precisions)
    return Scores(
        precision=round(sum(precisions) / n, 4) if n else 0.0,
        recall=round(sum(recalls) / n, 4) if n else 0.0,
        demands=n,
    )


def evaluate(folder: Path = HERE) -> dict[str, Scores]:
    """The scores of each method, in table order."""
    data = load(folder)
    text_only = load(folder, with_fields=False)
    return {
        "ideal ranking (every relevant achievement first)": score(data, ideal_ranking(data)),
        "keyword overlap (Jaccard of jieba words)": score(data, baseline_ranking(data)),
        "matcher, text only (no field codes)": score(text_only, engine_ranking(text_only)),
        "matcher (matching/engine.py)": score(data, engine_ranking(data)),
    }


def table(results: dict[str, Scores], data: Dataset) -> str:
    pairs = sum(len(r) for r in data.relevant.values())
    lines = [
        f"{len(data.demands)} demands, {len(data.achievements)} achievements, "
        f"{pairs} relevant pairs; macro averages over the "
        f"{next(iter(results.values())).demands} demands with a relevant achievement.",
        "",
        "| method | precision@5 | recall@10 |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {s.precision:.3f} | {s.recall:.3f} |" for name, s in results.items()]
    return "\n".join(lines)


def main() -> None:
    print(table(evaluate(), load()))


if __name__ == "__main__":
    main()
