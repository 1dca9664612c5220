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
from whoosh import sorting

from index import build_index, sync_index
from search import Searcher, matching
from search.carry import best_stories, issue_docnums
from search.evaluate import Evaluator, Timeout
from search.expand import expand
from search.facets import FACET_FIELDS, facet_counts, facet_label
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


DAY_END = dt.time(23, 59, 59, 999999)
DATE_RANGES = [
    (dt.datetime(2024, 10, 1), dt.datetime.combine(dt.date(2024, 11, 30), DAY_END), False, False),
    (None, dt.datetime(2024, 11, 4), False, False),
    (dt.datetime(2024, 11, 4), None, False, False),
    (dt.datetime(2024, 10, 1), dt.datetime(2024, 12, 16), True, True),
    (dt.datetime(2024, 11, 4), dt.datetime(2024, 11, 4), False, False),
    (dt.datetime(1990, 1, 1), dt.datetime(1990, 1, 2), False, False),
]


@pytest.mark.parametrize(("start", "end", "startexcl", "endexcl"), DATE_RANGES)
def test_date_ranges_read_from_the_column_match_whoosh(
    searcher: Any, start: Any, end: Any, startexcl: bool, endexcl: bool
) -> None:
    dates = wq.DateRange("date", start, end, startexcl=startexcl, endexcl=endexcl)
    evaluator = Evaluator()
    for query in (dates, wq.And([wq.Term("kind", "story"), dates])):
        for segment, _ in searcher.leaf_searchers():
            assert evaluator.docs(query, segment) == set(query.docs(segment))
        assert _evaluated(searcher, query) == _stepped(searcher, query)
    if start == dt.datetime(2024, 10, 1) and not startexcl:
        assert _evaluated(searcher, dates), "the range must match something, or it proves little"


def test_allowed_documents_are_whooshs_and_kept_for_the_next_search(searcher: Any) -> None:
    filters = [wq.Term("kind", "issue"), wq.DateRange("date", dt.datetime(2024, 11, 1), None)]
    evaluator = Evaluator()
    first = matching.allowed(searcher, filters, evaluator)
    assert first == set(searcher.docs_for_query(wq.And(filters)))
    assert first, "the filter must allow something, or it proves little"
    assert matching.allowed(searcher, list(filters), evaluator) is first


def _whoosh_facets(engine: Any, docnums: set[int]) -> dict[str, dict[str, int]]:
    """whoosh's own grouping over exactly `docnums` (what search.facets replaced)."""
    counted = engine.search(
        wq.Every(),
        filter=docnums,
        limit=1,
        groupedby={
            name: sorting.FieldFacet(field, allow_overlap=name == "author")
            for name, field in FACET_FIELDS.items()
        },
        maptype=sorting.Count,
    )
    return {
        name: {
            facet_label(engine, name, key): count
            for key, count in counted.groups(name).items()
            if key not in (None, "", b"")
        }
        for name in FACET_FIELDS
    }


@pytest.mark.parametrize("kind", ["issue", "story"])
@pytest.mark.parametrize("text", ["*", "flood", "heat OR chip", "kestrelmouth"])
def test_facet_counts_match_whooshs_grouping(searcher: Any, kind: str, text: str) -> None:
    # Every document of a kind reads each term's postings; a few read the column.
    if text == "*":
        docnums = set(searcher.docs_for_query(wq.Term("kind", kind)))
    else:
        parsed = parse_query(text, today=TODAY, stories=kind == "story", match="any")
        query, _ = expand(parsed.query, searcher.reader())
        docnums = set(searcher.docs_for_query(wq.And([query, wq.Term("kind", kind)])))
    assert docnums, "the query must match something, or it proves little"
    counts = facet_counts(searcher, [(docnum, 1.0) for docnum in docnums])
    found = {name: {c.value: c.count for c in counts[name]} for name in FACET_FIELDS}
    assert found == _whoosh_facets(searcher, docnums)


@pytest.mark.parametrize(
    "text", ["flood", "the", "port strike", "sirens OR chip", '"flood wall"~2']
)
def test_stories_read_only_for_some_issues_are_theirs_unrestricted(
    searcher: Any, text: str
) -> None:
    parsed = parse_query(text, today=TODAY, stories=True, match="any")
    query, _ = expand(parsed.query, searcher.reader())
    filters = [wq.Term("kind", "issue")]
    everything = best_stories(searcher, query, filters, None, Evaluator())
    issues = issue_docnums(searcher, Evaluator())
    assert len(issues) >= 5, "one issue must be few enough to read only its stories"
    for issue in issues:
        some = best_stories(searcher, query, filters, None, Evaluator(), of={issue})
        assert some == {k: v for k, v in everything.items() if k == issue}
    if text == "flood":
        assert len(everything) >= 2, "the query must carry issues, or it proves little"
