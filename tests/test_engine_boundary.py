"""The engine boundary holds: the CLI and the web layer import no engine's own code.

An "engine module" is any module of ours that imports whoosh or opensearchpy itself (found by
reading the sources, so a new one is covered without editing this test). cli.py and web/ reach
the engines only through the boundary (index.engines.location, search.engine) and neutral
modules; importing the CLI loads no engine library at all.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGINE_LIBRARIES = ("whoosh", "opensearchpy")
# The query parser compiles to whoosh's query objects and also gives the neutral reading of a
# query (what to highlight); the web page uses that reading to mark words on an issue's page.
ALLOWED = {"search.query"}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    """Every module a file imports (`from index import X` counts as X's own module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            if node.module in ("index", "search"):
                package = __import__(node.module)
                where = package._WHERE
                found.update(where[alias.name] for alias in node.names if alias.name in where)
    return found


def engine_modules() -> set[str]:
    paths = [*ROOT.glob("index/**/*.py"), *ROOT.glob("search/**/*.py")]
    return {
        _module_name(path)
        for path in paths
        if any(m.split(".")[0] in ENGINE_LIBRARIES for m in _imports(path))
    }


def test_engine_modules_are_found() -> None:
    found = engine_modules()
    assert {"search.searcher", "index.storage", "index.engines.opensearch_engine"} <= found
    assert "search.engine" not in found and "index.engines.location" not in found


@pytest.mark.parametrize(
    "path", [ROOT / "cli.py", *sorted((ROOT / "web").glob("*.py"))], ids=lambda p: p.name
)
def test_front_ends_import_no_engine_module(path: Path) -> None:
    engines = engine_modules() - ALLOWED
    imported = _imports(path)
    assert not {m for m in imported if m.split(".")[0] in ENGINE_LIBRARIES}
    assert not imported & engines, sorted(imported & engines)


def test_importing_the_cli_loads_no_engine_library() -> None:
    code = (
        "import sys, cli; "
        "print(sorted(m for m in ('whoosh', 'opensearchpy', 'nltk') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_opensearch_write_side_needs_no_whoosh() -> None:
    code = "import sys, index.engines.opensearch_engine; print('whoosh' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
