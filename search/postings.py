"""One term's postings read block by block from whoosh's files: BM25F scores and positions.

whoosh steps postings one at a time through Python method calls; a long question reads millions
of them. Here a block's documents, weights and (for phrases) positions are decoded at once, blocks
holding none of the wanted documents are skipped unread, and scores use whoosh's own BM25F
arithmetic (the same floats). Used by search/evaluate.py, which falls back to whoosh's matchers
wherever these readers do not apply.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence, Set
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25FScorer

Scores = dict[int, float]
Lengths = list[int | None] | None  # every document's length in the field (None: whoosh says 1)


def open_leaf(segment: Any, context: Any, fieldname: str, btext: bytes, terminfo: Any) -> Any:
    """whoosh's block reader of a term's postings with its BM25F scorer set, or None.

    None where these readers do not apply: postings inlined in the term info (one document), a
    scorer other than BM25F, another codec. The caller then steps whoosh's own matcher.
    """
    terms = getattr(segment.reader(), "_terms", None)
    scorer = context.weighting.scorer(segment, fieldname, btext)
    if terms is None or getattr(type(scorer), "_score", None) is not BM25FScorer._score:
        return None
    matcher = terms._codec.postings_reader(
        terms._postfile,
        terminfo,
        segment.schema[fieldname].format,
        term=(fieldname, btext),
        scorer=scorer,
    )
    return matcher if type(matcher) is W3LeafMatcher else None


def _blocks(matcher: Any, wanted: Sequence[int] | None) -> Iterator[Any]:
    """The matcher at each block of postings, skipping blocks that hold none of `wanted`."""
    at = 0
    while matcher.is_active():
        if wanted is not None:
            if at == len(wanted):
                return
            if wanted[at] > matcher._maxid:  # the block ends before the next wanted document
                matcher._next_block()
                continue
            at = bisect_right(wanted, matcher._maxid, at)
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        yield matcher
        matcher._next_block()


def bm25(
    matcher: Any,
    lengths: Lengths,
    deleted: Set[int],
    boost: float,
    within: Set[int] | None,
    sparse: bool,
) -> Scores:
    """Document -> boosted BM25F score of the term, for its live documents among `within`.

    `sparse`: `within` holds few documents beside the postings, worth skipping blocks for.
    """
    scorer = matcher.scorer
    # whoosh's bm25() written out, in its order of operations (the same floats), without a
    # call a posting: a long question scores millions of postings.
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    k1_plus_1, one_minus_b = k1 + 1, 1 - b
    out: Scores = {}
    wanted = sorted(within) if sparse and within is not None else None
    for block in _blocks(matcher, wanted):
        ids, weights = block._ids, block._weights
        for i in range(block._i, block._blocklength):
            doc = ids[i]
            if doc not in deleted and (within is None or doc in within):
                length = lengths[doc] if lengths is not None else 1
                tf = weights[i]
                out[doc] = (
                    idf
                    * ((tf * k1_plus_1) / (tf + k1 * (one_minus_b + b * length / avgfl)))
                    * boost
                )
    return out


def positions(
    matcher: Any, lengths: Lengths, docs: list[int]
) -> dict[int, tuple[float, list[int]]]:
    """Document -> (unboosted BM25F score, word positions) of the term, at `docs` (ascending)."""
    scorer = matcher.scorer
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    k1_plus_1, one_minus_b = k1 + 1, 1 - b
    decode = matcher.format.decoder("positions")
    wanted = set(docs)
    out: dict[int, tuple[float, list[int]]] = {}
    for block in _blocks(matcher, docs):
        if block._values is None:
            block._read_values()
        ids, weights, values = block._ids, block._weights, block._values
        for i in range(block._i, block._blocklength):
            doc = ids[i]
            if doc in wanted:
                length = lengths[doc] if lengths is not None else 1
                tf = weights[i]
                score = idf * ((tf * k1_plus_1) / (tf + k1 * (one_minus_b + b * length / avgfl)))
                out[doc] = (score, list(decode(values[i])))
    return out


def follows(ends: list[int], after: list[int], slop: int) -> list[int]:
    """The positions of `after` that come 1 to `slop` positions after one of `ends` (ascending).

    whoosh's ordered SpanNear2 with mindist 1 over single words, reduced to what decides a
    match: a chain of words, each within `slop` after the one before it.
    """
    found = []
    for position in after:
        at = bisect_left(ends, position)
        if at and ends[at - 1] >= position - slop:
            found.append(position)
    return found


def tree_sum(values: Sequence[float]) -> float:
    """A sum in whoosh's order for an intersection of matchers (a balanced binary tree)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return tree_sum(values[:half]) + tree_sum(values[half:])
