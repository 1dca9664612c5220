"""Facet counts from OpenSearch aggregations: the same facets, labels and order as whoosh's."""

from __future__ import annotations

from typing import Any

from search.facets import FACET_FIELDS, FACETS, in_order
from search.model import FacetCount

# Facet values counted per facet (whoosh counts them all; a terms aggregation needs a cap).
FACET_SIZE = 10_000


def facet_aggs() -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    for name in FACETS:
        agg: dict[str, Any] = {"terms": {"field": FACET_FIELDS[name], "size": FACET_SIZE}}
        if name != "month":  # a label as written: from one document holding the value
            source = "newsletter" if name == "newsletter" else "author_names"
            agg["aggs"] = {"label": {"top_hits": {"size": 1, "_source": [source]}}}
        aggs[name] = agg
    return aggs


def _label(name: str, bucket: dict[str, Any]) -> str:
    key = str(bucket["key"])
    if name == "month":
        return key
    hits = bucket["label"]["hits"]["hits"]
    source = hits[0]["_source"] if hits else {}
    if name == "newsletter":
        return str(source.get("newsletter") or key)
    for author in source.get("author_names") or ():
        if author.strip().lower() == key:
            return str(author.strip())
    return key


def facets_of(aggregations: dict[str, Any]) -> dict[str, tuple[FacetCount, ...]]:
    out: dict[str, tuple[FacetCount, ...]] = {}
    for name in FACETS:
        out[name] = in_order(
            name,
            [
                FacetCount(_label(name, bucket), int(bucket["doc_count"]))
                for bucket in aggregations[name]["buckets"]
                if bucket["key"] not in (None, "")
            ],
        )
    return out


__all__ = ["FACET_SIZE", "facet_aggs", "facets_of"]
