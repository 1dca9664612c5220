"""Querying the index: query language, ranking, highlighting and the public query API.

Names load on first use (PEP 562), so that importing one light module of the package (the
options, the result types) does not load an engine: the CLI starts without whoosh or OpenSearch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.errors import QueryError
    from search.engine import Location, SearchEngine, open_searcher
    from search.highlight import query_spans
    from search.locate import default_index_dir
    from search.model import FacetCount, Hit, Results, Snippet, Span
    from search.opensearch_searcher import OpenSearchSearcher
    from search.query import ParsedQuery, parse_query
    from search.searcher import Searcher, search

_WHERE = {
    "FacetCount": "search.model",
    "Hit": "search.model",
    "Results": "search.model",
    "Snippet": "search.model",
    "Span": "search.model",
    "Location": "search.engine",
    "SearchEngine": "search.engine",
    "open_searcher": "search.engine",
    "query_spans": "search.highlight",
    "default_index_dir": "search.locate",
    "OpenSearchSearcher": "search.opensearch_searcher",
    "ParsedQuery": "search.query",
    "parse_query": "search.query",
    "Searcher": "search.searcher",
    "search": "search.searcher",
    "QueryError": "index.errors",
}

__all__ = [
    "FacetCount",
    "Hit",
    "Location",
    "OpenSearchSearcher",
    "ParsedQuery",
    "QueryError",
    "Results",
    "SearchEngine",
    "Searcher",
    "Snippet",
    "Span",
    "default_index_dir",
    "open_searcher",
    "parse_query",
    "query_spans",
    "search",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
