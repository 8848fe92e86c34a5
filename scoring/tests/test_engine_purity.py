"""The points and assessment engine is pure (SPEC.md §6, §6a;
``scoring/engine/__init__.py``): standard library only, no Django, no float,
no clock."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"
ROOT = ENGINE.parent.parent
MODULES = sorted(ENGINE.glob("*.py"))
CLOCK_ATTRIBUTES = {"now", "utcnow", "today", "monotonic", "perf_counter", "time_ns"}


def test_the_engine_has_its_modules():
    names = {path.name for path in MODULES}
    assert {
        "__init__.py",
        "assessment.py",
        "model.py",
        "points.py",
        "ranking.py",
        "text.py",
    } <= names


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.Module):
    """(top-level module name or None for relative, line) for every import."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.partition(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                yield None, node.lineno
            else:
                yield (node.module or "").partition(".")[0], node.lineno


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_imports_only_the_standard_library_or_itself(path):
    bad = [
        f"{path.name}:{line} imports {name}"
        for name, line in _imports(_tree(path))
        if name is not None and name not in sys.stdlib_module_names
    ]
    assert bad == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_float(path):
    bad = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Name) and node.func.id == "float")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "float")
        ):
            bad.append(f"{path.name}:{node.lineno} calls float()")
        elif isinstance(node, ast.Name) and node.id == "float":
            bad.append(f"{path.name}:{node.lineno} uses float")
        elif isinstance(node, ast.Constant) and isinstance(node.value, float):
            bad.append(f"{path.name}:{node.lineno} has a float literal {node.value!r}")
    assert bad == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_clock(path):
    bad = []
    tree = _tree(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr in CLOCK_ATTRIBUTES:
                bad.append(f"{path.name}:{node.lineno} .{node.attr}")
            elif (
                node.attr == "time"
                and isinstance(node.value, ast.Name)
                and (node.value.id == "time")
            ):
                bad.append(f"{path.name}:{node.lineno} time.time")
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            bad.append(f"{path.name}:{node.lineno} from time import ...")
        elif isinstance(node, ast.Import) and any(a.name == "time" for a in node.names):
            bad.append(f"{path.name}:{node.lineno} import time")
    assert bad == []


def test_scan_catches_what_it_forbids():
    """The scanners are not vacuous."""
    tree = ast.parse(
        "import django\nimport time\nfrom .model import Rules\n"
        "x = float('1')\ny = datetime.now()\nz = date.today()\nw = time.time()\n"
    )
    assert [n for n, _ in _imports(tree)] == ["django", "time", None]
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    attrs = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert "float" in names
    assert {"now", "today", "time"} <= attrs
    assert "django" not in sys.stdlib_module_names


def test_importing_the_engine_loads_nothing_outside_the_standard_library():
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import scoring.engine\n"
        "loaded = {m.partition('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted(m for m in loaded"
        " if m not in sys.stdlib_module_names and m != 'scoring'))\n"
    )
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
