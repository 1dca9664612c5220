"""The term-at-a-time evaluator against whoosh's own matchers: the same documents, the same scores.

On an index of several segments with deleted documents (a file changed and one removed since the
build), for issue and story queries of every shape the compiler builds.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq

from index import build_index, sync_index
from search import Searcher
from search.evaluate import Evaluator, Timeout
from search.expand import expand
from search.query import parse_query

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = dt.date(2025, 3, 1)
QUERIES = [
    "flood",
    "flood sirens",
    "port strike kestrelmouth",
    '"port strike"',
    '"flood wall"~2 insurance',
    "headline:flood -strike",
    "+flood insurance -heat",
    "heat OR chip",
    "(heat OR chip) AND subsidy",
    "flood* strik~1",
    "NOT port",
    "date:2024-11 flood",
    "the river rose and the sirens went silent when the mast failed in the storm",
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("evaluate")
    folder = root / "archive"
    shutil.copytree(EXAMPLES, folder)
    index_dir = root / "index"
    build_index(folder, index_dir, jobs=1)
    files = sorted(folder.rglob("*.txt"))
    files[0].unlink()  # a deleted issue and its stories
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\nA flood postscript.\n")
    sync_index(folder, index_dir, jobs=1)
    with Searcher(index_dir) as opened:
        engine = opened.engine
        assert len(getattr(engine.reader(), "readers", [])) >= 2, "several segments"
        assert engine.reader().has_deletions()
        yield engine


def _stepped(engine: Any, query: Any) -> dict[tuple[int, int], float]:
    """(segment, docnum) -> score, by stepping whoosh's matcher tree document by document."""
    out = {}
    context = engine.context(needs_current=True, weighting=engine.weighting, top_query=query)
    for n, (segment, _) in enumerate(engine.leaf_searchers()):
        matcher = query.matcher(segment, context)
        while matcher.is_active():
            out[n, matcher.id()] = matcher.score()
            matcher.next()
    return out


def _evaluated(engine: Any, query: Any) -> dict[tuple[int, int], float]:
    out = {}
    evaluator = Evaluator()
    context = engine.context(needs_current=True, weighting=engine.weighting, top_query=query)
    for n, (segment, _) in enumerate(engine.leaf_searchers()):
        for docnum, score in evaluator.scores(query, segment, context, None).items():
            out[n, docnum] = score
    return out


@pytest.mark.parametrize("match", ["all", "any"])
@pytest.mark.parametrize("stories", [False, True])
@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_and_scores_as_whoosh(
    searcher: Any, text: str, stories: bool, match: str
) -> None:
    parsed = parse_query(text, today=TODAY, stories=stories, match=match)
    query, _ = expand(parsed.query, searcher.reader())
    expected = _stepped(searcher, query)
    found = _evaluated(searcher, query)
    assert found.keys() == expected.keys()
    assert all(found[key] == pytest.approx(expected[key], rel=1e-9) for key in expected)
    if text in ("flood", "heat OR chip") and not stories:
        assert expected, "the query must match something, or it proves little"


def test_deleted_documents_are_left_out(searcher: Any) -> None:
    query = wq.Term("kind", "issue")
    live = sum(1 for _ in searcher.docs_for_query(query))
    assert len(_evaluated(searcher, query)) == live


def test_a_past_deadline_stops_at_the_first_term(searcher: Any) -> None:
    segment = searcher.leaf_searchers()[0][0]
    context = searcher.context(needs_current=True, weighting=searcher.weighting)
    with pytest.raises(Timeout):
        Evaluator().scores(wq.Term("body", "flood"), segment, context, deadline=0.0)
