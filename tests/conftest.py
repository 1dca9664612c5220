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
