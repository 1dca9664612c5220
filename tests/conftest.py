"""Fixtures shared by every test package: the real-text corpus that sits beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The `shared/corpus` folder beside the repository; tests using it skip when it is absent."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip("shared corpus not present beside the repository")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def habits_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the hand-written archive for CLI tests (built once; tests must not write)."""
    from index import build_index
    from tests.search.conftest import write_archive

    root = tmp_path_factory.mktemp("habits")
    index_dir = root / "index"
    build_index(write_archive(root), index_dir)
    return index_dir
