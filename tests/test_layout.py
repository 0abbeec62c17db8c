"""The layout's rules, checked on the code itself: stages import each other only through
their packages' public names, a lower stage never imports a higher one, geo/ never imports
streamlit, and no module outgrows one reading."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "geo"
FLOORS = [
    {"model", "names", "jsonlines"},  # the plain types and helpers every stage shares
    {"ingest", "nlp", "places"},  # corpus files, the spaCy pipeline, the gazetteer
    {"events", "store"},  # events from analyses; the store of them
    {"app"},  # the dashboard's logic
    # an article's analysis, and what strings the stages over a corpus
    {"analysis", "pipeline", "cluster", "streams", "cli", "__main__", "__init__"},
]
"""A stage imports only stages on lower floors (and its own package)."""
FLOOR = {stage: level for level, stages in enumerate(FLOORS) for stage in stages}
STAGES = [stage for stages in FLOORS[:-1] for stage in stages]
MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(GEO.rglob("*.py"))


def _stage(path: Path) -> str:
    part = path.relative_to(GEO).parts[0]
    return part.removesuffix(".py")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outgrows_one_reading(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_geo_never_imports_streamlit():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _modules()
        for name in _imports(path)
        if name.split(".")[0] in ("streamlit", "streamlit_folium")
    ]
    assert offenders == []
    code = (
        "import importlib, pkgutil, sys, geo\n"
        "for m in pkgutil.walk_packages(geo.__path__, 'geo.'):\n"
        "    if m.name != 'geo.__main__': importlib.import_module(m.name)\n"
        "print('streamlit' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_stages_import_each_other_through_their_packages_only():
    offenders = []
    for path in _modules():
        own = _stage(path)
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "geo" or len(parts) < 3 or parts[1] == own:
                continue
            if parts[1] in STAGES and (GEO / parts[1]).is_dir():
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_a_lower_stage_never_imports_a_higher_one():
    offenders = []
    for path in _modules():
        own = _stage(path)
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "geo" or len(parts) < 2 or parts[1] == own:
                continue
            if FLOOR[parts[1]] >= FLOOR[own] and FLOOR[own] < len(FLOORS) - 1:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}, not below it")
    assert offenders == []
