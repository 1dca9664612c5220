"""Block readers of postings (search/postings.py) against whoosh's own matchers, on many blocks.

The archive-sized cases: terms whose postings span many blocks, several segments, deletions,
and restriction to a few documents (blocks skipped unread). Scores must be whoosh's floats.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import fields, index
from whoosh import query as wq

from search.evaluate import Evaluator
from search.filters import TierQuery
from search.postings import follows, tree_sum
from search.scoring import weighting

WORDS = [f"w{n}" for n in range(12)]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder: Path = tmp_path_factory.mktemp("postings")
    schema = fields.Schema(
        key=fields.ID(stored=True, unique=True), kind=fields.ID, body=fields.TEXT(phrase=True)
    )
    ix = index.create_in(str(folder), schema)
    rng = random.Random(7)
    for part in range(3):  # three segments of 700 documents: postings of 5+ blocks each
        writer = ix.writer()
        for n in range(700):
            words = rng.choices(WORDS, weights=range(len(WORDS), 0, -1), k=rng.randint(5, 60))
            writer.add_document(key=f"{part}-{n}", kind="issue", body=" ".join(words))
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 700, 7):
        writer.delete_by_term("key", f"1-{n}")
    writer.commit(merge=False)
    with ix.searcher(weighting=weighting()) as opened:
        assert len(opened.leaf_searchers()) >= 3 and opened.reader().has_deletions()
        yield opened
    ix.close()


def _term(word: str) -> Any:
    return wq.Term("body", word)


QUERIES = [
    _term("w0"),
    wq.And([_term("w0"), _term("w5"), _term("w11")]),
    wq.Or([_term("w2"), _term("w9")], boost=1.5),
    wq.Or([TierQuery(wq.And([_term("w1"), _term("w10")]), score=1000), _term("w1"), _term("w10")]),
    wq.Phrase("body", ["w0", "w1"]),
    wq.Phrase("body", ["w0", "w1", "w2"], slop=3, boost=0.4),
    wq.Phrase("body", ["w3", "w3"], slop=2),
    wq.Phrase("body", ["w11", "w0", "w10", "w1"], slop=5),
    wq.Phrase("body", ["w0", "absent"], slop=2),
    wq.AndMaybe(wq.And([_term("w4"), _term("w6")]), wq.Phrase("body", ["w4", "w6"], slop=3)),
]


def _stepped(searcher: Any, query: Any, segment: Any) -> dict[int, float]:
    context = searcher.context(needs_current=True, weighting=searcher.weighting)
    matcher = query.matcher(segment, context)
    found = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


@pytest.mark.parametrize("restrict", ["none", "few", "half"])
@pytest.mark.parametrize("query", QUERIES, ids=repr)
def test_same_documents_and_floats_as_whoosh(searcher: Any, query: Any, restrict: str) -> None:
    context = searcher.context(needs_current=True, weighting=searcher.weighting)
    rng = random.Random(3)
    matched = 0
    for segment, _ in searcher.leaf_searchers():
        docs = list(range(segment.reader().doc_count_all()))
        within = {
            "none": None,
            "few": set(rng.sample(docs, 12)),
            "half": set(rng.sample(docs, len(docs) // 2)),
        }[restrict]
        expected = _stepped(searcher, query, segment)
        if within is not None:
            expected = {doc: score for doc, score in expected.items() if doc in within}
        found = Evaluator().scores(query, segment, context, None, within)
        assert found == expected
        matched += len(found)
    if restrict == "none" and "absent" not in repr(query):
        assert matched, "the query must match something, or it proves little"


def test_follows_keeps_the_words_within_the_slop_after_the_last() -> None:
    assert follows([3, 10], [1, 4, 5, 6, 12, 14], 2) == [4, 5, 12]
    assert follows([3], [3], 2) == []  # the same position is not after
    assert follows([], [1, 2], 5) == []


def test_tree_sum_adds_in_halves() -> None:
    values = [0.1, 0.2, 0.3, 1e16, -1e16]
    assert tree_sum(values) == (0.1 + 0.2) + (0.3 + (1e16 + -1e16))
    assert tree_sum([2.5]) == 2.5
