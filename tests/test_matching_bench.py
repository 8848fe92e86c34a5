"""The matching benchmark (bench/matching, issue 15 item 3): the labelled set
is whole and sourced, and the matcher's precision@5 and recall@10 on it are
the figures README.md reports, so a change to matching/engine.py that moves
them shows up here (update README.md and these figures together)."""

import importlib.util
import sys
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[1] / "bench" / "matching"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("matching_bench_evaluate", FOLDER / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def data(bench):
    return bench.load()


def test_the_set_has_enough_labelled_pairs_and_every_item_a_source(data):
    pairs = sum(len(ids) for ids in data.relevant.values())
    assert (len(data.demands), len(data.achievements), pairs) == (111, 885, 316)
    assert pairs >= 200
    assert set(data.relevant) == {d.id for d in data.demands}
    achievement_ids = {a.id for a in data.achievements}
    assert all(ids <= achievement_ids for ids in data.relevant.values())
    for record in data.records.values():
        assert record["source"].startswith("https://github.com/ydli-ai/CSL/blob/0f1ac06")
        assert len(record["text"]) >= 20  # a sentence of technical content, not a one-liner
        assert set(record["fields"]) and all(len(code) == 3 for code in record["fields"])


def test_precision_and_recall_are_the_reported_figures(bench):
    results = {name: (s.precision, s.recall, s.demands) for name, s in bench.evaluate().items()}
    assert results == {
        "ideal ranking (every relevant achievement first)": (0.5604, 1.0, 111),
        "keyword overlap (Jaccard of jieba words)": (0.3279, 0.7558, 111),
        "matcher, text only (no field codes)": (0.4216, 0.8463, 111),
        "matcher (matching/engine.py)": (0.4126, 0.8352, 111),
    }


def test_both_readmes_show_the_current_table(bench, data):
    rows = [
        line for line in bench.table(bench.evaluate(), data).splitlines() if line.startswith("|")
    ]
    for readme in (FOLDER / "README.md", FOLDER.parents[1] / "README.md"):
        text = readme.read_text(encoding="utf-8")
        assert all(row in text for row in rows), readme
