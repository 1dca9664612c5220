"""Running a query exhaustively: every match scored, the filters applied, then ordered.

whoosh's own collectors skip blocks by score quality and count separately, which miscounted
totals on real archives and crashed on date filters (an assertion in its intersection matcher's
quality skipping). Here every matching document is scored (a term at a time: search/evaluate.py),
so the total is the length of the very list that pages are cut from: a total and its pages cannot
disagree.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Set
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from search.evaluate import Evaluator, Timeout

# How many filters' allowed documents a searcher keeps: issues and stories, with the filters of the
# last search, are then read once per snapshot, not once per search. Few, because a long-lived
# searcher (the web page) on a large archive would otherwise hold many sets of every story.
_ALLOWED_KEPT = 4

# A date that sorts after every real one: undated documents come last in either direction.
_UNDATED = float("inf")


@dataclass(frozen=True)
class Matched:
    """The documents a query matched within the filters, best first, and whether all were seen."""

    ranked: list[tuple[int, float]]  # (docnum, score) in the order asked for
    complete: bool  # False when the deadline stopped the search early


def allowed(
    searcher: Any, filters: list[Any], evaluator: Evaluator | None = None
) -> frozenset[int]:
    """The documents that pass every filter (docnums of the whole index).

    Segment by segment through the evaluator, which reads date ranges from the date column.
    """
    evaluator = evaluator or Evaluator()
    query = filters[0] if len(filters) == 1 else wq.And(filters)
    key: Any = query
    try:
        hash(query)
    except TypeError:  # a query whoosh cannot hash is not kept
        key = None
    if key is not None and key in evaluator.allowed:
        return evaluator.allowed[key]
    found: set[int] = set()
    per_segment: dict[int, Set[int]] = {}
    for subsearcher, offset in searcher.leaf_searchers():
        docs = evaluator.docs(query, subsearcher)
        per_segment[id(subsearcher.reader())] = docs
        found.update(docs if offset == 0 else (doc + offset for doc in docs))
    result = frozenset(found)
    if key is not None:
        if len(evaluator.allowed) >= _ALLOWED_KEPT:
            evaluator.allowed.clear()
        evaluator.allowed[key] = result
        by_segment(evaluator, result, per_segment)
    return result


def by_segment(
    evaluator: Evaluator, docs: frozenset[int], per_segment: dict[int, Set[int]]
) -> None:
    """Note `docs` segment by segment (segment reader's id -> its docnums among them).

    By the set's identity: collect() handed the set scores only these documents, and skips
    blocks of postings that hold none of them.
    """
    if len(evaluator.per_segment) >= 2 * _ALLOWED_KEPT:
        evaluator.per_segment.clear()
    evaluator.per_segment[id(docs)] = (docs, per_segment)


def collect(
    searcher: Any,
    query: Any,
    within: Set[int],
    deadline: float | None,
    evaluator: Evaluator | None = None,
) -> tuple[dict[int, float], bool]:
    """Score every document that matches `query` and is in `within`; stop at `deadline`.

    Scored a term at a time (search/evaluate.py); pass the searcher's `evaluator` to reuse the
    field lengths it has read.
    """
    evaluator = evaluator or Evaluator()
    scores: dict[int, float] = {}
    context = searcher.context(needs_current=True, weighting=searcher.weighting, top_query=query)
    # A set from allowed() is known segment by segment: only its documents are scored there.
    kept = evaluator.per_segment.get(id(within))
    per_segment = kept[1] if kept is not None and kept[0] is within else None
    for subsearcher, offset in searcher.leaf_searchers():
        if deadline is not None and time.monotonic() > deadline:
            return scores, False
        local = None if per_segment is None else per_segment.get(id(subsearcher.reader()))
        try:
            found = evaluator.scores(query, subsearcher, context, deadline, local)
        except Timeout:
            return scores, False
        for docnum, score in found.items():
            if local is not None or docnum + offset in within:
                scores[docnum + offset] = score
    return scores, True


def order(searcher: Any, scores: dict[int, float], sort: str) -> list[tuple[int, float]]:
    """Documents by score (ties by index order), or by date with score breaking ties.

    Undated documents come after every dated one, whichever way dates run.
    """
    if sort == "relevance":
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    newest = sort == "newest"
    missing = searcher.schema["date"].default
    # Per segment: whoosh's multi-segment column reader skips segments without the column (all
    # undated) and then reads other segments' dates at wrong offsets, or past its end.
    leaves = searcher.reader().leaf_readers()
    offsets = [offset for _, offset in leaves]
    columns = [
        reader.column_reader("date", translate=False) if reader.has_column("date") else None
        for reader, _ in leaves
    ]

    def key(item: tuple[int, float]) -> tuple[float, float, int]:
        at = bisect_right(offsets, item[0]) - 1
        column = columns[at]
        raw = None if column is None else column[item[0] - offsets[at]]
        when = _UNDATED if raw == missing or raw is None else (-raw if newest else raw)
        return (when, -item[1], item[0])

    return sorted(scores.items(), key=key)


def run(
    searcher: Any,
    query: Any,
    filters: list[Any],
    sort: str,
    deadline: float | None,
    evaluator: Evaluator | None = None,
) -> Matched:
    """Every document matching `query` within `filters`, ordered by `sort`."""
    evaluator = evaluator or Evaluator()
    within = allowed(searcher, filters, evaluator)
    scores, complete = collect(searcher, query, within, deadline, evaluator)
    return Matched(order(searcher, scores, sort), complete)
