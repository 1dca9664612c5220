"""The engine boundary's query side: open_searcher gives a SearchEngine for a Location."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import IndexUnusableError, Location, sync_into
from search import SearchEngine, Searcher, open_searcher

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_local_location_opens_the_whoosh_searcher(tmp_path: Path) -> None:
    location = Location(index_dir=str(tmp_path / "ix"))
    sync_into(location, EXAMPLES, jobs=1)
    engine: SearchEngine
    with open_searcher(location) as engine:
        assert isinstance(engine, Searcher)
        through_boundary = engine.search("port strike", limit=5)
        first = through_boundary.hits[0]
        assert engine.document(first.id)["id"] == first.id
        assert engine.similar(first.id, limit=3).hits
    with Searcher(tmp_path / "ix") as direct:
        assert direct.search("port strike", limit=5) == through_boundary


def test_a_remote_location_that_does_not_answer_says_so() -> None:
    with pytest.raises(IndexUnusableError, match=r"No OpenSearch answers at http://127\.0\.0\.1:9"):
        open_searcher(Location(url="http://127.0.0.1:9", index_name="x"))


def test_the_local_engine_describes_shows_and_counts_as_index_inspection_does(
    tmp_path: Path,
) -> None:
    from index import describe_issues, index_stats, source_text

    location = Location(index_dir=str(tmp_path / "ix"))
    sync_into(location, EXAMPLES, jobs=1)
    with open_searcher(location) as engine:
        hit = engine.search("port strike", limit=1, stories=True).hits[0]
        for asked in (hit.id, hit.issue_id, hit.path):
            assert engine.describe(asked) == describe_issues(asked, tmp_path / "ix")
            assert engine.source_text(asked) == source_text(asked, tmp_path / "ix")
        stats = engine.stats()
    assert stats == index_stats(tmp_path / "ix")
    assert stats["issues"] == 18
