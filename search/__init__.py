"""Querying the index: query language, ranking, highlighting and the public query API."""

from __future__ import annotations

from index.errors import QueryError
from search.engine import Location, SearchEngine, open_searcher
from search.highlight import query_spans
from search.locate import default_index_dir
from search.model import FacetCount, Hit, Results, Snippet, Span
from search.opensearch_searcher import OpenSearchSearcher
from search.query import ParsedQuery, parse_query
from search.searcher import Searcher, search

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
