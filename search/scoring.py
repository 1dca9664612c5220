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
    def __init__(self, searcher: Any, fieldname: str, text: bytes, b: float, k1: float) -> None:
        super().__init__(searcher, fieldname, text, b, k1)
        parent = searcher.get_parent()
        # Issues and stories have fields of their own (index.fields): each field's
        # statistics count the documents of its own kind, not the index's every document.
        kind = kind_of(fieldname)
        total = parent.doc_frequency("kind", kind) if kind else parent.doc_count_all()
        total = total or parent.doc_count_all()
        found = parent.doc_frequency(fieldname, text)
        self.idf = log(1.0 + max(0.0, total - found + 0.5) / (found + 0.5))
        self.avgfl = parent.field_length(fieldname) / max(total, 1) or 1


class RobertsonBM25F(scoring.BM25F):  # type: ignore[misc]
    """whoosh's BM25F with the Robertson idf (see the module docstring)."""

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        b = self._field_B.get(fieldname, self.B)
        return _Scorer(searcher, fieldname, text, b, self.K1)


def weighting() -> Any:
    """The weighting model every searcher uses."""
    return RobertsonBM25F(B=B, K1=K1)
