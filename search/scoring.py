"""Ranking: BM25F over the schema's fields, with the probabilistic (Robertson/Lucene) idf.

Each field's document count (for idf and the average field length) is that of the kind of
document the field belongs to: issues and stories do not share text fields.

whoosh's BM25F uses idf = log(N / (df + 1)) + 1, which never falls below 1: a word found in nearly
every issue still counts almost as much as a rare one. The Robertson form log(1 + (N - df + 0.5) /
(df + 0.5)) lets such words fade, which measured better on both judged collections
(bench/relevance.py).
"""

from __future__ import annotations

from math import log
from typing import Any

from whoosh import scoring

from index.fields import kind_of

# BM25's usual constants; the relevance benchmark found little to gain around them.
K1 = 1.2
B = 0.75


class _Scorer(scoring.BM25FScorer):  # type: ignore[misc]
    def __init__(
        self, searcher: Any, fieldname: str, text: bytes, b: float, k1: float, stats: Stats
    ) -> None:
        # BM25FScorer.__init__ would recompute the collection statistics for every segment.
        self.idf, self.avgfl = stats
        self.B, self.K1, self.qf = b, k1, 1
        self.setup(searcher, fieldname, text)


# (idf, average field length) of a term in a field, over the whole index.
Stats = tuple[float, float]


class RobertsonBM25F(scoring.BM25F):  # type: ignore[misc]
    """whoosh's BM25F with the Robertson idf (see the module docstring).

    The statistics of a term are the index's, not a segment's: they are computed once per term
    and searcher (a searcher sees one unchanging snapshot) instead of once per segment, which on
    an index of 17 segments was most of the cost of a prefix query's 2,000 expanded terms.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._parent: Any = None
        self._stats: dict[tuple[str, bytes], Stats] = {}
        self._totals: dict[str, int] = {}

    def _statistics(self, parent: Any, fieldname: str, text: bytes) -> Stats:
        if parent is not self._parent:
            self._parent, self._stats, self._totals = parent, {}, {}
        key = (fieldname, text)
        found = self._stats.get(key)
        if found is None:
            # Issues and stories have fields of their own (index.fields): each field's
            # statistics count the documents of its own kind, not the index's every document.
            kind = kind_of(fieldname) or ""
            total = self._totals.get(kind)
            if total is None:
                total = parent.doc_frequency("kind", kind) if kind else parent.doc_count_all()
                total = self._totals[kind] = total or parent.doc_count_all()
            df = parent.doc_frequency(fieldname, text)
            idf = log(1.0 + max(0.0, total - df + 0.5) / (df + 0.5))
            found = self._stats[key] = (idf, parent.field_length(fieldname) / max(total, 1) or 1)
        return found

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        b = self._field_B.get(fieldname, self.B)
        stats = self._statistics(searcher.get_parent(), fieldname, text)
        return _Scorer(searcher, fieldname, text, b, self.K1, stats)


def weighting() -> Any:
    """The weighting model every searcher uses."""
    return RobertsonBM25F(B=B, K1=K1)
