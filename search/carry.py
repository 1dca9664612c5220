"""Issues carried by their best-matching story: a digest's one relevant item lifts the issue.

A digest of 100+ items is one long document: the one item a reader remembers is diluted by every
other item's words, so BM25 over the whole issue ranks it low. Each issue's stories (its lead and
each brief) are also scored as documents of their own, and the issue's score adds its best story's
(search engines do the same for nested documents; Pagefind does it with sub-results). A one-story
issue is lifted by its own lead alike, so issues without briefs keep their order among themselves.
The set of matched issues is unchanged; only their order, and the story shown in each hit.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection
from typing import Any

from whoosh import query as wq

from index.fields import KIND_ISSUE, KIND_STORY
from search import matching
from search.evaluate import Evaluator

# What a best story's score counts for beside its issue's own. With queries of several words the
# all-words tier does most of the work (a story holding every word adds 1000 x this weight, above
# issues that hold the words scattered); among equals, 0.25 keeps an issue wholly about the query
# ahead of one with a short item about it (tests/search/test_searcher.py), while known items on
# This Week in Rust rank first as often as with weight 1 (a 10-query sample: MRR 0.90 at 0.25,
# 0.5 and 1.0; 0.53 without stories).
STORY_WEIGHT = 0.25

# Only the stories of the matched issues are read when they are fewer than 1 in this many issues:
# noting them costs a step a story, repaid only when most blocks of postings can be skipped.
_FEW_ISSUES = 4


def issue_docnums(searcher: Any, evaluator: Evaluator) -> list[int]:
    """Every issue document's number, in order (kept by the evaluator: one snapshot's)."""
    if evaluator.issue_order is None:
        issues = matching.allowed(searcher, [wq.Term("kind", KIND_ISSUE)], evaluator)
        evaluator.issue_order = sorted(issues)
    return evaluator.issue_order


def best_stories(
    searcher: Any,
    story_query: Any,
    filters: list[Any],
    deadline: float | None,
    evaluator: Evaluator | None = None,
    of: Collection[int] | None = None,
) -> dict[int, tuple[int, float]]:
    """Issue docnum -> (its best-matching story's docnum, that story's score).

    An issue's stories are written right after it, in the same segment, and merges keep that
    order: the issue of a story is the nearest issue document before it. With `of`, only the
    stories of those issues are read (the others carry nothing).
    """
    evaluator = evaluator or Evaluator()
    story_filters = [wq.Term("kind", KIND_STORY), *filters[1:]]
    within = matching.allowed(searcher, story_filters, evaluator)
    issues = issue_docnums(searcher, evaluator)
    if of is not None and len(of) * _FEW_ISSUES < len(issues):
        within = _stories_of(searcher, evaluator, issues, of, within)
    scores, _ = matching.collect(searcher, story_query, within, deadline, evaluator)
    best: dict[int, tuple[int, float]] = {}
    for docnum, score in scores.items():
        at = bisect_right(issues, docnum) - 1
        if at < 0:
            continue
        issue = issues[at]
        if issue not in best or score > best[issue][1]:
            best[issue] = (docnum, score)
    return best


def _stories_of(
    searcher: Any,
    evaluator: Evaluator,
    issues: list[int],
    of: Collection[int],
    allowed: frozenset[int],
) -> frozenset[int]:
    """The allowed stories of the issues `of`, noted segment by segment for matching.collect."""
    leaves = searcher.leaf_searchers()
    offsets = [offset for _, offset in leaves]
    ends = [*offsets[1:], searcher.doc_count_all()]
    per_segment: dict[int, set[int]] = {id(sub.reader()): set() for sub, _ in leaves}
    found: set[int] = set()
    for issue in of:
        at = bisect_right(issues, issue)
        leaf = bisect_right(offsets, issue) - 1
        end = min(issues[at] if at < len(issues) else ends[leaf], ends[leaf])
        stories = [doc for doc in range(issue + 1, end) if doc in allowed]
        found.update(stories)
        offset = offsets[leaf]
        per_segment[id(leaves[leaf][0].reader())].update(doc - offset for doc in stories)
    result = frozenset(found)
    matching.by_segment(evaluator, result, dict(per_segment))
    return result


def carried(
    scores: dict[int, float], stories: dict[int, tuple[int, float]], weight: float | None = None
) -> dict[int, float]:
    """The issues' scores, each its own plus its best story's (weighted).

    A sum, not the better of the two: an issue wholly about the query keeps its lead over one
    that merely holds a short item about it (`max` ranked a heat-pump issue with a one-line flood
    brief above the issue headlined "Floods"), while a digest's matching item still lifts it.
    """
    share = STORY_WEIGHT if weight is None else weight
    return {
        docnum: score + share * stories[docnum][1] if docnum in stories else score
        for docnum, score in scores.items()
    }
