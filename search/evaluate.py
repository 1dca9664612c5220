"""Scoring a whole query a term at a time: each matching document and the score whoosh gives it.

whoosh scores through a tree of matchers stepped one document at a time: for a long question
(30 words x 8 fields, issues and stories) that is tens of millions of Python calls, most of a
search's time. Here each term's postings are read block by block into a dictionary of scores and
the tree's nodes combine dictionaries, with whoosh's own arithmetic: a union sums its parts' scores,
an intersection sums them where all match, `AndMaybe` adds the optional part where it matches,
`AndNot` drops the excluded documents, a boost multiplies. Scores come from the searcher's own
scorer (search/scoring.py). Each node is given the documents still possible (the filters', then
those an intersection's rarer parts matched), and reads postings only for them. Phrases are decided
from positions (search/postings.py); a node of any other kind (ranges, `Every`) is stepped with its
whoosh matcher, so every query keeps its meaning.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Set
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.reading import TermNotFound

from index.storage import field_lengths
from search import datecolumn, postings
from search.filters import AndNot, TierQuery

Scores = dict[int, float]

# Filter terms whose documents are kept per segment: kinds and the last searches' filters.
_TERM_DOCS_KEPT = 256
# Orders of intersections kept: a search's (several per segment), then cleared.
_ORDERS_KEPT = 256


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
        self._indexed: dict[int, frozenset[str]] = {}  # segment reader -> fields with terms
        # The documents each recent filter allows, over the whole index (see search.matching).
        self.allowed: dict[Any, frozenset[int]] = {}
        # id(allowed set) -> (the set, segment reader's id -> its segment docnums in the set).
        self.per_segment: dict[int, tuple[frozenset[int], dict[int, Set[int]]]] = {}
        self._term_docs: dict[tuple[int, str, Any], set[int]] = {}
        self.issue_order: list[int] | None = None  # every issue's docnum, ascending (search.carry)
        # Per search and segment: terms' scores, their documents and their term infos.
        self._base: Set[int] | None = None
        self._memo: dict[tuple[str, Any, float], Scores] = {}
        self._docs_of: dict[tuple[str, Any], Set[int]] = {}
        self._infos: dict[tuple[str, Any], tuple[bytes, Any] | None] = {}
        self._deadline: float | None = None
        # Intersections' parts and phrases' words, cheapest first (see _order).
        self._orders: dict[int, tuple[Any, list[int]]] = {}

    def scores(
        self,
        query: Any,
        segment: Any,
        context: Any,
        deadline: float | None,
        within: Set[int] | None = None,
    ) -> Scores:
        """Segment docnum -> score of every document of `segment` that `query` matches.

        With `within` (segment docnums), only those documents: the rest are not scored, and
        blocks of postings holding none of them are not read.
        """
        self._deadline = deadline
        self._base = within
        try:
            return self._run(query, segment, context, within)
        finally:
            self._memo, self._docs_of, self._infos = {}, {}, {}

    def _run(self, query: Any, segment: Any, context: Any, within: Set[int] | None) -> Scores:
        """The scores of `query`'s documents among `within` (every node keeps to `within`)."""
        kind = type(query)
        if kind is wq.Term:
            return self._term(query, segment, context, within)
        if query is wq.NullQuery:
            return {}
        if kind in (wq.Or, wq.And):
            subs = query.subqueries
            if not subs:
                return {}
            if len(subs) == 1:  # whoosh uses the one part's matcher, without this query's boost
                return self._run(subs[0], segment, context, within)
            if kind is wq.Or:
                combined = _union([self._run(sub, segment, context, within) for sub in subs])
            else:
                combined = self._all_of(subs, segment, context, within)
            if query.boost != 1.0:
                combined = {doc: score * query.boost for doc, score in combined.items()}
            return combined
        if kind is wq.AndMaybe:
            required = self._run(query.a, segment, context, within)
            if not required:
                return {}
            # The optional part counts only where the required part matched: read only there.
            optional = self._run(query.b, segment, context, required.keys())
            return {doc: score + optional.get(doc, 0.0) for doc, score in required.items()}
        if kind is AndNot:
            kept = self._run(query.a, segment, context, within)
            if not kept:
                return {}
            excluded = _ids(query.b.matcher(segment, segment.boolean_context()))
            return {doc: score for doc, score in kept.items() if doc not in excluded}
        if kind is TierQuery:
            return dict.fromkeys(
                self._run(query.child, segment, context, within), float(query.score)
            )
        if datecolumn.answers(query, segment.reader()) and query.constantscore:
            return dict.fromkeys(_only(self._dated(query, segment.reader()), within), query.boost)
        if kind is wq.Phrase:
            return self._phrase(query, segment, context, within)
        return _stepped(query.matcher(segment, context), within)

    def _all_of(
        self, subs: list[Any], segment: Any, context: Any, within: Set[int] | None
    ) -> Scores:
        """An intersection: the rarest part first, each next part read only where all matched.

        Scores are summed in the query's order, as whoosh sums them (the same floats).
        """
        parts: list[Scores] = [{} for _ in subs]
        current: Set[int] | None = within
        for n in self._order(subs, subs, lambda sub: self._cost(sub, segment)):
            part = self._run(subs[n], segment, context, current)
            if not part:
                return {}
            parts[n] = part
            current = part.keys()
        assert current is not None
        return {doc: sum(part[doc] for part in parts) for doc in current}

    def _order(self, owner: Any, items: list[Any], cost: Callable[[Any], int]) -> list[int]:
        """The positions of `owner`'s `items`, cheapest first: measured in the first segment.

        The same words are about as common in every segment, and measuring costs a term lookup
        per word and field: once a search, not once a segment (a long question has hundreds).
        """
        kept = self._orders.get(id(owner))
        if kept is not None and kept[0] is owner:
            return kept[1]
        if len(self._orders) >= _ORDERS_KEPT:
            self._orders.clear()
        ranked = sorted(range(len(items)), key=lambda n: cost(items[n]))
        self._orders[id(owner)] = (owner, ranked)  # the owner kept: its id stays its own
        return ranked

    def _cost(self, query: Any, segment: Any) -> int:
        """About how many documents a query's postings hold in the segment (for ordering)."""
        kind = type(query)
        if kind is wq.Term:
            found = self._info(segment, query.fieldname, query.text)
            return 0 if found is None else int(found[1].doc_frequency())
        if kind is wq.Or:
            return sum(self._cost(sub, segment) for sub in query.subqueries)
        if kind is wq.And:
            return min((self._cost(sub, segment) for sub in query.subqueries), default=0)
        if kind in (wq.AndMaybe, AndNot):
            return self._cost(query.a, segment)
        if kind is TierQuery:
            return self._cost(query.child, segment)
        # Anything else is read last, where the fewest documents are left.
        return int(segment.reader().doc_count_all())

    def _info(self, segment: Any, fieldname: str, text: Any) -> tuple[bytes, Any] | None:
        """A term's bytes and whoosh term info in the segment (None: not there), kept per search."""
        key = (fieldname, text)
        if key in self._infos:
            return self._infos[key]
        found: tuple[bytes, Any] | None = None
        schema = segment.schema
        # A field with no terms in the segment (empty there, as bylines are in many archives)
        # is known without a lookup in the term table, which costs as much as reading a block.
        reader = segment.reader()
        indexed = self._indexed.get(id(reader))
        if indexed is None:
            indexed = self._indexed[id(reader)] = frozenset(reader.indexed_field_names())
        if fieldname in schema and fieldname in indexed:
            try:
                btext = schema[fieldname].to_bytes(text)
                found = (btext, reader.term_info(fieldname, btext))
            except (ValueError, TermNotFound):
                found = None
        self._infos[key] = found
        return found

    def _phrase(self, query: Any, segment: Any, context: Any, within: Set[int] | None) -> Scores:
        """A phrase (or words near each other): where all its words are, then their positions.

        Matches and scores are whoosh's (an ordered SpanNear2 of the words, scored as the sum of
        its words' scores); only documents holding every word are read, from blocks of postings.
        """
        fieldname, words = query.fieldname, list(query.words)
        if fieldname not in segment.schema:
            return {}
        field = segment.schema[fieldname]
        if not words or not field.format or not field.format.supports("positions"):
            return _stepped(query.matcher(segment, context), within)  # whoosh's answer or error
        current: Set[int] | None = within
        distinct = list(dict.fromkeys(words))

        def cost(word: str) -> int:
            return self._cost(wq.Term(fieldname, word), segment)

        for at in self._order(query, distinct, cost):
            word = distinct[at]
            held: Set[int] | None = self._docs_of.get((fieldname, word))
            if held is None:
                held = self._term(wq.Term(fieldname, word), segment, context, current).keys()
            if current is None:
                current = set(held)
            else:
                fewer, more = sorted((current, held), key=len)
                current = {doc for doc in fewer if doc in more}
            if not current:
                return {}
        assert current is not None
        docs = sorted(current)
        found: dict[str, dict[int, tuple[float, list[int]]]] = {}
        lengths = self._field_lengths(segment.reader(), fieldname)
        for word in set(words):
            info = self._info(segment, fieldname, word)
            matcher = (
                None if info is None else postings.open_leaf(segment, context, fieldname, *info)
            )
            if matcher is None:
                return _stepped_at(query.matcher(segment, context), docs)
            found[word] = postings.positions(matcher, lengths, docs)
        slop, boost = query.slop, query.boost
        out: Scores = {}
        for doc in docs:
            ends = found[words[0]][doc][1]
            for word in words[1:]:
                ends = postings.follows(ends, found[word][doc][1], slop)
                if not ends:
                    break
            if ends:
                score = postings.tree_sum([found[word][doc][0] for word in words])
                out[doc] = score * boost if boost != 1.0 else score
        return out

    def _term(self, query: Any, segment: Any, context: Any, within: Set[int] | None) -> Scores:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise Timeout
        # A word searched in several places of one query (all-words tier, any word, proximity)
        # is read once per search and segment.
        key = (query.fieldname, query.text, query.boost)
        found = self._memo.get(key)
        if found is not None:
            return found if within is self._base else _only_scores(found, within)
        found = self._scored(query, segment, context, within)
        if within is self._base:
            self._memo[key] = found
            self._docs_of[query.fieldname, query.text] = found.keys()
        return found

    def _scored(self, query: Any, segment: Any, context: Any, within: Set[int] | None) -> Scores:
        info = self._info(segment, query.fieldname, query.text)
        if info is None:  # whoosh's matcher would be empty
            return {}
        btext, terminfo = info
        matcher = postings.open_leaf(segment, context, query.fieldname, btext, terminfo)
        if matcher is None:
            return _stepped(query.matcher(segment, context), within)
        reader = segment.reader()
        deleted: Any = reader.deleted_docs_set if reader.has_deletions() else ()
        # Few documents wanted among many postings: skip the blocks that hold none of them.
        sparse = within is not None and len(within) * 4 < terminfo.doc_frequency()
        lengths = self._field_lengths(reader, query.fieldname)
        return postings.bm25(matcher, lengths, deleted, query.boost, within, sparse)

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


def _stepped(matcher: Any, within: Set[int] | None = None) -> Scores:
    """Every document a whoosh matcher matches (among `within`), with its score, one by one."""
    out: Scores = {}
    while matcher.is_active():
        doc = matcher.id()
        if within is None or doc in within:
            out[doc] = float(matcher.score())
        matcher.next()
    return out


def _stepped_at(matcher: Any, docs: list[int]) -> Scores:
    """The scores of a whoosh matcher at the given documents (ascending), skipping to each."""
    out: Scores = {}
    for doc in docs:
        if not matcher.is_active():
            break
        if matcher.id() < doc:
            matcher.skip_to(doc)
            if not matcher.is_active():
                break
        if matcher.id() == doc:
            out[doc] = float(matcher.score())
    return out


def _only(docs: set[int], within: Set[int] | None) -> set[int]:
    return docs if within is None else {doc for doc in docs if doc in within}


def _only_scores(scores: Scores, within: Set[int] | None) -> Scores:
    return scores if within is None else {d: s for d, s in scores.items() if d in within}
