"""An index of examples/ plus a hostile issue (markup in every field), shared by the web tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from index import build_index
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSTILE = ROOT / "tests" / "fixtures" / "web" / "hostile-herald"
HOSTILE_ID = "hostile-herald/2024-10-09-script-in-the-harbour.txt"


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the example archive and the hostile issue, built once per session."""
    root = tmp_path_factory.mktemp("web")
    folder = root / "archive"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(HOSTILE, folder / HOSTILE.name)
    index_dir = root / "index"
    report = build_index(folder, index_dir)
    assert report.issues == 19
    return index_dir


@pytest.fixture(scope="module")
def client(web_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(web_index), raise_server_exceptions=True) as test_client:
        yield test_client
