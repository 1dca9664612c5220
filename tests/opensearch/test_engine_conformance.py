"""Conformance: the same queries through whoosh and OpenSearch give the same hits.

Both engines are reached through the engine boundary only (index.sync_into, search.open_searcher
with a Location): the suite knows no engine class. Both index the repository's examples/
archive. Compared exactly: totals, the sets of hits, the all-words rank tier, facets, and the
order by date of the date sorts (pages too). Relevance order within a tier is not compared: BM25
statistics differ (OpenSearch keeps them per shard and counts each field's length its own way)
and ties break differently (whoosh: document number; OpenSearch: id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Location, sync_into
from search import SearchEngine, open_searcher
from search.model import Results
from search.query import ALL_WORDS_BONUS

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = dt.date(2025, 3, 1)

QUERIES = [
    # words, stop words, split words
    "port strike",
    "flood",
    "reserve bank rate",
    "the strike",
    "chip factory corran",
    "ten-week",
    # phrases
    '"port strike"',
    '"flood wall"~2',
    '"heat pump"',
    # fields
    "headline:flood",
    "author:dahl",
    "byline:rees",
    "newsletter:circuit",
    "brief:chart",
    "headline:(port strike)",
    "-headline:strike port",
    # no issue has every word: both fall back to any word, with the same note
    "flood zyzzyva",
    # booleans
    "rate AND bank",
    "heat OR chip",
    "strike -port",
    "+flood insurance",
    "NOT port",
    "(heat OR chip) AND subsidy",
    # prefix, fuzzy
    "flood*",
    "kestrel*",
    "strik~1",
    "flod~1",
    "brannah~2",
    # dates
    "date:2024-11",
    "port date:2024-10..2024-12",
    "date:>2024-12-01 flood",
    "date:2025-01..2024-01",  # backwards: read leniently, with a note
]


OPTIONS: list[dict[str, object]] = [
    {},
    {"stories": True},
    {"since": dt.date(2024, 10, 1), "until": dt.date(2024, 12, 31)},
    {"newsletter": "Harbour Dispatch"},
    {"author": "Sunniva Dahl"},
    {"author": "sunniva dahl", "stories": True},
    {"match": "any"},
    {"match": "any", "stories": True},
]


@pytest.fixture(scope="module")
def engines(
    opensearch_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SearchEngine, SearchEngine]]:
    local = Location(index_dir=str(tmp_path_factory.mktemp("whoosh") / "index"))
    remote = Location(url=opensearch_url, index_name="conformance")
    for location in (local, remote):
        report = sync_into(location, EXAMPLES)
        assert report.issues == len(list(EXAMPLES.rglob("*.txt")))
    with open_searcher(local) as whoosh, open_searcher(remote) as os:
        yield whoosh, os


def both(
    engines: tuple[SearchEngine, SearchEngine], query: str, **options: object
) -> tuple[Results, Results]:
    whoosh, opensearch = engines
    options = {"limit": 1000, "today": TODAY, **options}
    return whoosh.search(query, **options), opensearch.search(query, **options)  # type: ignore[arg-type]


def tier(results: Results) -> set[str]:
    return {hit.id for hit in results.hits if hit.score >= ALL_WORDS_BONUS}


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
@pytest.mark.parametrize("query", QUERIES)
def test_same_hits_and_totals(
    engines: tuple[SearchEngine, SearchEngine], query: str, options: dict[str, object]
) -> None:
    ours, theirs = both(engines, query, **options)
    assert theirs.total == ours.total
    assert {h.id for h in theirs.hits} == {h.id for h in ours.hits}
    assert theirs.notes == ours.notes
    assert tier(theirs) == tier(ours)
    assert theirs.explanation == ours.explanation


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("query", ["port", "flood OR strike", "date:2024-11", "-port"])
@pytest.mark.parametrize("stories", [False, True])
def test_date_sorts_in_the_same_order(
    engines: tuple[SearchEngine, SearchEngine], query: str, sort: str, stories: bool
) -> None:
    ours, theirs = both(engines, query, sort=sort, stories=stories)
    assert [h.date for h in theirs.hits] == [h.date for h in ours.hits]
    # Within one day the better match comes first on both; equal scores may tie either way.
    assert {(h.date, h.id) for h in theirs.hits} == {(h.date, h.id) for h in ours.hits}


def test_pages_cut_the_same_list(engines: tuple[SearchEngine, SearchEngine]) -> None:
    whoosh, opensearch = engines
    seen: list[str] = []
    for page in (1, 2, 3, 4):
        ours = whoosh.search("strike OR flood", limit=4, page=page, sort="oldest")
        theirs = opensearch.search("strike OR flood", limit=4, page=page, sort="oldest")
        assert (theirs.total, theirs.pages) == (ours.total, ours.pages)
        assert [h.date for h in theirs.hits] == [h.date for h in ours.hits]
        assert [h.rank for h in theirs.hits] == [h.rank for h in ours.hits]
        seen += [h.id for h in theirs.hits]
    everything = opensearch.search("strike OR flood", limit=1000, sort="oldest")
    assert seen == [h.id for h in everything.hits][: len(seen)]
    assert len(set(seen)) == len(seen)


@pytest.mark.parametrize("query", ["port strike", "flood", "-port", "date:2024"])
@pytest.mark.parametrize("stories", [False, True])
def test_same_facets(engines: tuple[SearchEngine, SearchEngine], query: str, stories: bool) -> None:
    ours, theirs = both(engines, query, facets=True, stories=stories)
    assert theirs.facets == ours.facets
    assert theirs.facets["newsletter"]  # the comparison is not between two empty answers


def test_hits_carry_the_same_values_and_snippets(
    engines: tuple[SearchEngine, SearchEngine],
) -> None:
    for query, stories in (('"port strike" flood', False), ("heat pump", True)):
        ours, theirs = both(engines, query, stories=stories)
        by_id = {hit.id: hit for hit in ours.hits}
        for hit in theirs.hits:
            mine = by_id[hit.id]
            assert (hit.kind, hit.path, hit.newsletter, hit.headline, hit.byline, hit.date) == (
                mine.kind,
                mine.path,
                mine.newsletter,
                mine.headline,
                mine.byline,
                mine.date,
            )
            assert (hit.issue_id, hit.issue_headline, hit.link, hit.number) == (
                mine.issue_id,
                mine.issue_headline,
                mine.link,
                mine.number,
            )
            # Both rank issues with their stories (search/carry.py) and show the same best brief.
            assert (hit.story_id, hit.story_headline, hit.story_link) == (
                mine.story_id,
                mine.story_headline,
                mine.story_link,
            )
            assert hit.snippets == mine.snippets
        if not stories:
            # Not vacuous: some issue here is carried by a brief, shown with its hit.
            assert any(hit.story_id for hit in theirs.hits)


def test_relevance_agrees_at_the_top(engines: tuple[SearchEngine, SearchEngine]) -> None:
    # Where one document clearly wins, both engines put it first (order below is not promised).
    for query, expected in (
        ('headline:"reserve bank"', None),
        ("corran chip factory approved", "the-circuit/2024-09-20-corran-chip-factory-approved.txt"),
        ("haddad mayoralty", "harbour-dispatch/2024-11-15-haddad-wins-mayoralty.txt"),
    ):
        ours, theirs = both(engines, query)
        assert theirs.hits[0].id == ours.hits[0].id
        if expected is not None:
            assert ours.hits[0].id == expected


def test_empty_and_bad_queries_behave_alike(engines: tuple[SearchEngine, SearchEngine]) -> None:
    from index.errors import QueryError

    ours, theirs = both(engines, "()")
    assert (theirs.total, theirs.notes) == (ours.total, ours.notes)
    for bad in ("foo:bar", "a~3"):
        with pytest.raises(QueryError):
            engines[1].search(bad)
    with pytest.raises(QueryError, match="after the end date"):
        engines[1].search("port", since=dt.date(2025, 1, 2), until=dt.date(2025, 1, 1))
    with pytest.raises(QueryError):
        engines[1].search("port", limit=0)


# Words whose correction is a word the archive holds as such: the shown form is then the same.
# (Where the stem is no word of its own, whoosh shows the written form its stem table knows and
# OpenSearch the one its highlighter finds first; either is a form of the archive's text.)
@pytest.mark.parametrize(
    "query", ["flod insurance", "harbur strike", "resrve bank", "chip factroy"]
)
@pytest.mark.parametrize("stories", [False, True])
def test_the_same_spelling_suggestions(
    engines: tuple[SearchEngine, SearchEngine], query: str, stories: bool
) -> None:
    whoosh, opensearch = both(engines, query, stories=stories)
    assert whoosh.suggestion is not None
    assert opensearch.suggestion == whoosh.suggestion
