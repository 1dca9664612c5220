"""Facet counts of a matched set: newsletters, authors and months, labelled as written."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from search.evaluate import term_docs
from search.model import FacetCount

# The facets a search can count, in the order results show them, each with the schema field whose
# terms are its keys (one term per value; authors: one each), for both engines.
FACET_FIELDS = {"newsletter": "newsletter_key", "author": "authors", "month": "month"}
FACETS = tuple(FACET_FIELDS)


# A segment's matches are read from the column when they are fewer than 1 in this many documents.
_COLUMN_SHARE = 4


def facet_counts(
    searcher: Any, ranked: list[tuple[int, float]]
) -> dict[str, tuple[FacetCount, ...]]:
    """Each facet's values among the ranked documents, most frequent first (months newest)."""
    matched = {docnum for docnum, _ in ranked}
    out: dict[str, tuple[FacetCount, ...]] = {}
    for name in FACETS:
        counts = _term_counts(searcher, FACET_FIELDS[name], matched)
        out[name] = in_order(
            name,
            [
                FacetCount(facet_label(searcher, name, key), count)
                for key, count in counts.items()
                if key
            ],
        )
    return out


def _term_counts(searcher: Any, fieldname: str, matched: set[int]) -> dict[str, int]:
    """How many of the matched documents hold each term of the field.

    Each term's postings against the matched set, segment by segment: whoosh's grouping stepped
    every document of the index through a collector (most of a faceted search's time).
    """
    counts: dict[str, int] = {}
    for segment, offset in searcher.leaf_searchers():
        reader = segment.reader()
        end = offset + reader.doc_count_all()
        local = {docnum - offset for docnum in matched if offset <= docnum < end}
        if not local or fieldname not in reader.indexed_field_names():
            continue
        if reader.has_column(fieldname) and len(local) * _COLUMN_SHARE < end - offset:
            # Few matches: each one's value from the column beats reading every term's postings.
            column = reader.column_reader(fieldname, translate=False)
            for docnum in local:
                raw = column[docnum]
                if raw:
                    key = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                    counts[key] = counts.get(key, 0) + 1
            continue
        for text in reader.lexicon(fieldname):
            found = len(local.intersection(term_docs(wq.Term(fieldname, text), segment)))
            if found:
                key = text.decode("utf-8") if isinstance(text, bytes) else str(text)
                counts[key] = counts.get(key, 0) + found
    return counts


def in_order(name: str, counts: list[FacetCount]) -> tuple[FacetCount, ...]:
    """A facet's counts as shown: months newest first, the others most frequent first."""
    if name == "month":
        return tuple(sorted(counts, key=lambda c: c.value, reverse=True))
    return tuple(sorted(counts, key=lambda c: (-c.count, c.value)))


def facet_label(searcher: Any, name: str, key: Any) -> str:
    """A facet key as people read it: the newsletter's or author's name as written."""
    value = key.decode("utf-8") if isinstance(key, bytes) else str(key)
    if name == "newsletter":
        doc = searcher.document(newsletter_key=value)
        return str(doc["newsletter"]) if doc else value
    if name == "author":
        doc = searcher.document(authors=value)
        for author in str((doc or {}).get("authors", "")).split(","):
            if author.strip().lower() == value:
                return author.strip()
    return value


__all__ = ["FACETS", "FACET_FIELDS", "facet_counts", "facet_label", "in_order"]
