"""Whoosh building blocks outside the query text: the rank-tier query and the search filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh import query as wq
from whoosh.matching import AndNotMatcher, ConstantScoreWrapperMatcher, NullMatcher

from index.analysis import tokenize
from index.documents import author_keys, newsletter_key
from index.errors import QueryError
from index.fields import KINDS, schema_field

__all__ = ["AndNot", "TierQuery", "author_filter", "date_filter", "newsletter_filter"]


class _TierMatcher(ConstantScoreWrapperMatcher):  # type: ignore[misc]
    """A constant score that survives whoosh's quality-based pruning of its child."""

    def supports_block_quality(self) -> bool:
        # The child's block qualities are its own scores, not ours: never skip on them.
        return False

    def replace(self, minquality: float = 0) -> Any:
        if not self.child.is_active():
            return NullMatcher
        # Asking the child with minquality 0 stops it dropping itself for low scores of its own.
        child = self.child.replace(0)
        return self if child is self.child else self._replacement(child)


class _AndNotMatcher(AndNotMatcher):  # type: ignore[misc]
    """whoosh's AndNotMatcher with its first match checked against the exclusion too."""

    def _find_first(self) -> None:
        # whoosh only looks when both sides start on the same document: an exclusion whose
        # first document comes earlier was never moved up to the first match, which then went
        # through ('port -strike' found an issue with "strike" seven times in its body).
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class AndNot(wq.AndNot):  # type: ignore[misc]
    """`a` without the documents of `b` (whoosh's query, with the matcher fixed above)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        positive = self.a.matcher(searcher, context)
        return _AndNotMatcher(positive, self.b.matcher(searcher, searcher.boolean_context()))


class TierQuery(wq.ConstantScoreQuery):  # type: ignore[misc]
    """`ConstantScoreQuery` whose score holds even when the search needs the current match.

    whoosh's own class falls back to the child's real scores when the collector asks for the
    current match (`terms=True`, sorting, facets), which would turn the tier into a blend.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        child = self.child.matcher(searcher, context)
        if not child.is_active():
            return NullMatcher
        return _TierMatcher(child, score=self.score)


def date_filter(since: dt.date | None, until: dt.date | None) -> Any | None:
    """Documents dated from `since` to `until`, both days included; None if both are open."""
    if since is None and until is None:
        return None
    if since is not None and until is not None and since > until:
        raise QueryError(
            f"The start date {since.isoformat()} is after the end date {until.isoformat()}."
        )
    start = dt.datetime.combine(since, dt.time.min) if since else None
    end = dt.datetime.combine(until, dt.time.max) if until else None
    return wq.DateRange("date", start, end)


def _name_words(field: str, name: str) -> Any | None:
    words = [wq.Term(field, word) for word, _, _ in tokenize(name)]
    if not words:
        return None
    return words[0] if len(words) == 1 else wq.And(words)


def newsletter_filter(name: str) -> Any:
    """A newsletter by exact (case- and space-insensitive) name, or by all the words of its name."""
    key = newsletter_key(name)
    if not key:
        raise QueryError("Empty newsletter name: give the newsletter to search in.")
    exact = wq.Term("newsletter_key", key)
    words = _name_words("newsletter", name)
    return exact if words is None else wq.Or([exact, words])


def author_filter(name: str) -> Any:
    """An author by full name (case- and space-insensitive), or by all the words of the byline."""
    # `authors` holds lower-cased names (whoosh's KEYWORD lowercase, OpenSearch's too).
    key = author_keys((name,)).lower()
    if not key:
        raise QueryError("Empty author name: give the author to search for.")
    exact = wq.Term("authors", key)
    # Issues and stories keep their bylines in fields of their own (index.fields).
    fields = [schema_field("byline", kind) for kind in KINDS]
    bylines = [q for q in (_name_words(f, name) for f in fields if f) if q]
    return wq.Or([exact, *bylines]) if bylines else exact
