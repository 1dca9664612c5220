"""Facet counts of a matched set: newsletters, authors and months, labelled as written."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh import sorting

from search.model import FacetCount

# The facets a search can count, in the order results show them.
FACETS = ("newsletter", "author", "month")


def facet_counts(
    searcher: Any, ranked: list[tuple[int, float]]
) -> dict[str, tuple[FacetCount, ...]]:
    """Each facet's values among the ranked documents, most frequent first (months newest)."""
    # whoosh's grouping, run over exactly the matched documents (a set filter on Every).
    counted = searcher.search(
        wq.Every(),
        filter={docnum for docnum, _ in ranked},
        limit=1,
        groupedby={
            "newsletter": sorting.FieldFacet("newsletter_key"),
            "author": sorting.FieldFacet("authors", allow_overlap=True),
            "month": sorting.FieldFacet("month"),
        },
        maptype=sorting.Count,
    )
    out: dict[str, tuple[FacetCount, ...]] = {}
    for name in FACETS:
        counts: dict[Any, int] = counted.groups(name)
        out[name] = in_order(
            name,
            [
                FacetCount(facet_label(searcher, name, key), count)
                for key, count in counts.items()
                if key not in (None, "", b"")
            ],
        )
    return out


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


__all__ = ["FACETS", "facet_counts", "facet_label", "in_order"]
