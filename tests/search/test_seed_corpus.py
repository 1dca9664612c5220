"""The real seed issue (../shared/corpus/seed), indexed and searched end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import build_index
from search import Searcher


@pytest.fixture(scope="module")
def seed_index(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("seed") / "index"
    report = build_index(shared_corpus / "seed", index_dir, jobs=1)
    assert (report.issues, report.skipped) == (1, ())
    return index_dir


def test_seed_issue_is_found_by_its_fields(seed_index: Path) -> None:
    with Searcher(seed_index) as searcher:
        hit = searcher.search("blinken kursk").hits[0]
        assert hit.id == "reaction-issue.txt"
        assert hit.headline == (
            "Will China help US curb North Korea and Russia's growing military partnership?"
        )
        assert "Caitlin Allen" in hit.byline
        assert searcher.search('"the day of victory"').total == 1
        assert searcher.search("byline:allen").total == 1
        # Stemming: "deployed" and "troops" meet "deployment" and "troop".
        assert searcher.search("headline:partnership deployed troops").total == 1


def test_brief_text_is_not_body(seed_index: Path) -> None:
    with Searcher(seed_index) as searcher:
        assert searcher.search('body:"Holly Newton"').total == 0
        assert searcher.search('brief:"Holly Newton"').total == 1
        story = searcher.search('"Holly Newton"', stories=True).hits[0]
        assert story.headline == "Holly Newton's killer sentenced to life detention"


def test_curly_and_straight_apostrophes_meet(seed_index: Path) -> None:
    with Searcher(seed_index) as searcher:
        hit = searcher.search('"China\'s Ambassador"').hits[0]
    spans = [hit.snippets[0].text[s.start : s.end] for s in hit.snippets[0].spans]
    assert spans == ["China’s Ambassador"]
