"""Ranking metrics (MAP, nDCG@10, P@10, Recall@100, reciprocal rank) and markdown tables."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LIMIT = 100
CUTOFF = 10

# qid -> {doc id: gain}; only relevant documents (gain > 0) are listed.
Judgements = dict[str, dict[str, int]]


def precision_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """The share of the first k ranks holding a relevant document (empty ranks count as misses)."""
    return sum(1 for doc in ranking[:k] if relevant.get(doc, 0) > 0) / k


def recall_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """The share of the relevant documents found in the first k ranks."""
    wanted = sum(1 for gain in relevant.values() if gain > 0)
    if not wanted:
        return 0.0
    return sum(1 for doc in ranking[:k] if relevant.get(doc, 0) > 0) / wanted


def average_precision(ranking: Sequence[str], relevant: Mapping[str, int]) -> float:
    """The precision at each rank holding a relevant document, summed, over the relevant count."""
    wanted = sum(1 for gain in relevant.values() if gain > 0)
    if not wanted:
        return 0.0
    found = 0
    total = 0.0
    for rank, doc in enumerate(ranking, start=1):
        if relevant.get(doc, 0) > 0:
            found += 1
            total += found / rank
    return total / wanted


def ndcg_at(ranking: Sequence[str], gains: Mapping[str, int], k: int) -> float:
    """Normalised discounted cumulative gain at k: linear gains, discount 1 / log2(rank + 1)."""
    dcg = sum(gains.get(doc, 0) / math.log2(rank + 1) for rank, doc in enumerate(ranking[:k], 1))
    ideal = sorted((g for g in gains.values() if g > 0), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranking: Sequence[str], target: str) -> float:
    """1 / the rank of `target` in `ranking`, 0 when it is absent."""
    for rank, doc in enumerate(ranking, start=1):
        if doc == target:
            return 1.0 / rank
    return 0.0


@dataclass(frozen=True)
class Scores:
    """Mean metric values over the judged queries of one collection."""

    map: float
    ndcg10: float
    p10: float
    r100: float
    queries: int


def evaluate(rankings: Mapping[str, Sequence[str]], judgements: Judgements) -> Scores:
    """Mean MAP, nDCG@10, P@10 and Recall@100 over the queries with relevant documents."""
    judged = [qid for qid, gains in judgements.items() if gains]
    if not judged:
        return Scores(0.0, 0.0, 0.0, 0.0, 0)
    per_query = [
        (
            average_precision(rankings.get(qid, [])[:LIMIT], judgements[qid]),
            ndcg_at(rankings.get(qid, []), judgements[qid], CUTOFF),
            precision_at(rankings.get(qid, []), judgements[qid], CUTOFF),
            recall_at(rankings.get(qid, []), judgements[qid], LIMIT),
        )
        for qid in judged
    ]
    means = [statistics.fmean(values) for values in zip(*per_query, strict=True)]
    return Scores(means[0], means[1], means[2], means[3], len(judged))


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-style markdown table, the first column left-aligned and the others right."""
    align = ["---:" if i else "---" for i in range(len(header))]
    return "\n".join([_row(header), _row(align), *(_row(row) for row in rows)])


def fmt(value: float) -> str:
    """A metric value as the tables show it."""
    return f"{value:.4f}"
