"""Scoring a whole query a term at a time: each matching document and the score whoosh gives it.

whoosh scores through a tree of matchers stepped one document at a time: for a long question
(30 words x 8 fields, issues and stories) that is tens of millions of Python calls, most of a
search's time. Here each term's postings are read block by block into a dictionary of scores and
the tree's nodes combine dictionaries, with whoosh's own arithmetic: a union sums its parts' scores,
an intersection sums them where all match, `AndMaybe` adds the optional part where it matches,
`AndNot` drops the excluded documents, a boost multiplies. Scores come from the searcher's own
scorer (search/scoring.py). A node of any other kind (phrases, ranges, `Every`) is stepped with its
whoosh matcher, so every query keeps its meaning.
"""

from __future__ import annotations

import time
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher, WrappingMatcher
from whoosh.scoring import BM25FScorer

from index.storage import field_lengths
from search import datecolumn
from search.filters import AndNot, TierQuery

Scores = dict[int, float]

# Filter terms whose documents are kept per segment: kinds and the last searches' filters.
_TERM_DOCS_KEPT = 256


class Timeout(Exception):
    """The deadline passed while a query was being scored."""


class Evaluator:
    """Scores queries over the segments of one searcher snapshot, and keeps what it read for it.

    Kept per snapshot: field lengths and sorted dates per segment, recent filter terms'
    documents, recent filters' allowed sets (search.matching) and the issues' order (search.carry).
    """

    def __init__(self) -> None:
        self._lengths: dict[tuple[int, str], list[int | None] | None] = {}
        self._dates: dict[tuple[int, str], datecolumn.SortedDates] = {}
        # The documents each recent filter allows, over the whole index (see search.matching).
        self.allowed: dict[Any, frozenset[int]] = {}
        self._term_docs: dict[tuple[int, str, Any], set[int]] = {}
        self.issue_order: list[int] | None = None  # every issue's docnum, ascending (search.carry)

    def scores(self, query: Any, segment: Any, context: Any, deadline: float | None) -> Scores:
        """Segment docnum -> score of every document of `segment` that `query` matches."""
        self._deadline = deadline
        return self._run(query, segment, context)

    def _run(self, query: Any, segment: Any, context: Any) -> Scores:
        kind = type(query)
        if kind is wq.Term:
            return self._term(query, segment, context)
        if query is wq.NullQuery:
            return {}
        if kind in (wq.Or, wq.And):
            subs = query.subqueries
            if not subs:
                return {}
            if len(subs) == 1:  # whoosh uses the one part's matcher, without this query's boost
                return self._run(subs[0], segment, context)
            parts = [self._run(sub, segment, context) for sub in subs]
            combined = _union(parts) if kind is wq.Or else _intersection(parts)
            if query.boost != 1.0:
                combined = {doc: score * query.boost for doc, score in combined.items()}
            return combined
        if kind is wq.AndMaybe:
            required = self._run(query.a, segment, context)
            if not required:
                return {}
            optional = self._run(query.b, segment, context)
            return {doc: score + optional.get(doc, 0.0) for doc, score in required.items()}
        if kind is AndNot:
            kept = self._run(query.a, segment, context)
            if not kept:
                return {}
            excluded = _ids(query.b.matcher(segment, segment.boolean_context()))
            return {doc: score for doc, score in kept.items() if doc not in excluded}
        if kind is TierQuery:
            return dict.fromkeys(self._run(query.child, segment, context), float(query.score))
        if datecolumn.answers(query, segment.reader()) and query.constantscore:
            return dict.fromkeys(self._dated(query, segment.reader()), query.boost)
        return _stepped(query.matcher(segment, context))

    def docs(self, query: Any, segment: Any) -> set[int]:
        """Segment docnums of the live documents of `segment` that `query` matches (unscored).

        For filters: intersections and unions of parts, date ranges from the date column. A
        term's set is kept for later searches: callers must not change what they get.
        """
        kind = type(query)
        if kind is wq.And and query.subqueries:
            parts = sorted((self.docs(sub, segment) for sub in query.subqueries), key=len)
            return parts[0].intersection(*parts[1:])
        if kind is wq.Or and query.subqueries:
            return set().union(*(self.docs(sub, segment) for sub in query.subqueries))
        if kind is wq.Term:
            key = (id(segment.reader()), query.fieldname, query.text)
            if key not in self._term_docs:
                if len(self._term_docs) >= _TERM_DOCS_KEPT:
                    self._term_docs.clear()
                self._term_docs[key] = term_docs(query, segment)
            return self._term_docs[key]
        if datecolumn.answers(query, segment.reader()):
            return self._dated(query, segment.reader())
        return set(query.docs(segment))

    def _dated(self, query: Any, reader: Any) -> set[int]:
        key = (id(reader), query.fieldname)
        if key not in self._dates:
            self._dates[key] = datecolumn.sorted_dates(reader, query.fieldname)
        return datecolumn.range_docs(self._dates[key], query)

    def _term(self, query: Any, segment: Any, context: Any) -> Scores:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise Timeout
        matcher = query.matcher(segment, context)
        boost = 1.0
        if type(matcher) is WrappingMatcher:
            boost, matcher = matcher.boost, matcher.child
        deleted: Any = ()
        if type(matcher) is FilterMatcher and matcher._exclude and matcher.boost == 1.0:
            deleted, matcher = matcher._ids, matcher.child
        scorer: Any = getattr(matcher, "scorer", None)
        # whoosh's BM25F scorer is written out below; any other scorer is stepped as whoosh does.
        if type(matcher) is not W3LeafMatcher or (
            getattr(type(scorer), "_score", None) is not BM25FScorer._score
        ):
            found = _stepped(matcher)
            return {d: s * boost for d, s in found.items() if d not in deleted}
        lengths = self._field_lengths(segment.reader(), query.fieldname)
        # whoosh's bm25() written out, in its order of operations (the same floats), without a
        # call a posting: a long question scores millions of postings.
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        k1_plus_1, one_minus_b = k1 + 1, 1 - b
        out: Scores = {}
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            ids, weights = matcher._ids, matcher._weights
            for i in range(matcher._i, matcher._blocklength):
                doc = ids[i]
                if doc not in deleted:
                    length = lengths[doc] if lengths is not None else 1
                    tf = weights[i]
                    out[doc] = (
                        idf
                        * ((tf * k1_plus_1) / (tf + k1 * (one_minus_b + b * length / avgfl)))
                        * boost
                    )
            matcher._next_block()
        return out

    def _field_lengths(self, reader: Any, fieldname: str) -> list[int | None] | None:
        """Every document's length in the field (None: the segment keeps none; whoosh says 1)."""
        key = (id(reader), fieldname)
        if key not in self._lengths:
            lengths = field_lengths(reader._perdoc, fieldname)
            if lengths is not None:
                # Documents after the last stored length have none (no postings in the field).
                lengths += [1] * (reader.doc_count_all() - len(lengths))
            self._lengths[key] = lengths
        return self._lengths[key]


def _union(parts: list[Scores]) -> Scores:
    out: Scores = {}
    for part in parts:
        for doc, score in part.items():
            out[doc] = out.get(doc, 0.0) + score
    return out


def _intersection(parts: list[Scores]) -> Scores:
    smallest = min(parts, key=len)
    out: Scores = {}
    for doc in smallest:
        if all(doc in part for part in parts):
            out[doc] = sum(part[doc] for part in parts)
    return out


def term_docs(query: Any, segment: Any) -> set[int]:
    """The live documents holding a term, read a block of postings at a time."""
    matcher = query.matcher(segment, segment.boolean_context())
    deleted: Any = ()
    if type(matcher) is FilterMatcher and matcher._exclude:
        deleted, matcher = matcher._ids, matcher.child
    if type(matcher) is not W3LeafMatcher:
        return _ids(matcher) - set(deleted)
    found: set[int] = set()
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        found.update(matcher._ids[matcher._i : matcher._blocklength])
        matcher._next_block()
    return found - set(deleted) if deleted else found


def _ids(matcher: Any) -> set[int]:
    found: set[int] = set()
    while matcher.is_active():
        found.add(matcher.id())
        matcher.next()
    return found


def _stepped(matcher: Any) -> Scores:
    """Every document a whoosh matcher matches, with its score, stepped one by one."""
    out: Scores = {}
    while matcher.is_active():
        out[matcher.id()] = float(matcher.score())
        matcher.next()
    return out
