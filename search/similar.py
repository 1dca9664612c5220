"""Issues like a given one: its key terms, searched for in every text field."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from index.fields import KIND_ISSUE, KIND_STORY, default_weights, schema_field
from index.stopwords import STOP_WORDS
from search import matching
from search.evaluate import Evaluator
from search.hits import build_hit
from search.model import Results
from search.query import DEFAULT_WEIGHTS, NAME_FIELDS


def similar_to(
    searcher: Any, doc: dict[str, Any], limit: int, terms: int, evaluator: Evaluator
) -> Results:
    """The documents most like `doc` (stored fields), of its kind, itself excluded."""
    kind = doc.get("kind", KIND_ISSUE)
    scores: dict[str, float] = {}
    for name in ("headline", "body", "brief_headlines", "briefs"):
        field = schema_field(name, kind)
        text = (doc.get(field) or "") if field else ""
        if not text:
            continue
        # Ask for more than needed: stop words and numbers say nothing of what an issue is
        # about, yet in short texts they rank high.
        for term, score in searcher.key_terms_from_text(field, text, numterms=terms * 2):
            if term not in STOP_WORDS and not term.isdigit() and len(term) > 1:
                scores[term] = scores.get(term, 0.0) + float(score)
    key_terms = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:terms]
    picked = [
        wq.Term(field, term, boost=weight * score)
        for term, score in key_terms
        for name, weight in default_weights(kind).items()
        if name not in NAME_FIELDS
        and weight > 0
        and (field := schema_field(name, kind)) is not None
    ]
    label = f"similar:{doc['id']}"
    if not picked:
        return Results(
            query=label, total=0, page=1, limit=limit, hits=(), stories=kind == KIND_STORY
        )
    filters = [wq.Term("kind", kind), wq.Not(wq.Term("id", doc["id"]))]
    ranked = matching.run(searcher, wq.Or(picked), filters, "relevance", None, evaluator).ranked
    highlight = {
        name: frozenset(term for term, _ in key_terms)
        for name in DEFAULT_WEIGHTS
        if name not in NAME_FIELDS
    }
    hits = tuple(
        build_hit(
            searcher.stored_fields(docnum),
            score=score,
            rank=n + 1,
            terms=highlight,
            phrases=(),
        )
        for n, (docnum, score) in enumerate(ranked[:limit])
    )
    return Results(
        query=label,
        total=len(hits),
        page=1,
        limit=limit,
        hits=hits,
        explanation="key terms: " + " ".join(term for term, _ in key_terms),
        stories=kind == KIND_STORY,
    )


__all__ = ["similar_to"]
