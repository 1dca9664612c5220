"""Parsing newsletter issues into fields and writing them into a search index.

Names load on first use (PEP 562), so that `search` can import `index.schema` without pulling in
the HTML and Markdown parsers, and a CLI search stays quick to start.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.describe import issue_to_json
    from index.documents import SCHEMA_VERSION
    from index.engines.location import Location, sync_into
    from index.engines.opensearch_engine import sync_opensearch
    from index.errors import (
        EngineOptionError,
        FolderMismatchError,
        IndexLockedError,
        IndexMissingError,
        IndexUnusableError,
        IndexWriteError,
        IssueNotFoundError,
        IssueReadError,
        NewsletterSearchError,
        NothingIndexedError,
        QueryError,
    )
    from index.inspection import describe_issues, index_stats, source_text
    from index.model import Brief, Issue
    from index.parse import detect_format, parse_file, parse_issue
    from index.report import IndexReport, Skipped
    from index.watch import watch_folder
    from index.writer import build_index, sync_index

_WHERE = {
    "Brief": "index.model",
    "Issue": "index.model",
    "parse_issue": "index.parse",
    "parse_file": "index.parse",
    "detect_format": "index.parse",
    "build_index": "index.writer",
    "sync_index": "index.writer",
    "watch_folder": "index.watch",
    "sync_opensearch": "index.engines.opensearch_engine",
    "sync_into": "index.engines.location",
    "Location": "index.engines.location",
    "EngineOptionError": "index.errors",
    "IndexReport": "index.report",
    "Skipped": "index.report",
    "describe_issues": "index.inspection",
    "index_stats": "index.inspection",
    "issue_to_json": "index.describe",
    "source_text": "index.inspection",
    "SCHEMA_VERSION": "index.documents",
    "NewsletterSearchError": "index.errors",
    "IssueReadError": "index.errors",
    "IndexMissingError": "index.errors",
    "IndexUnusableError": "index.errors",
    "IndexLockedError": "index.errors",
    "FolderMismatchError": "index.errors",
    "IndexWriteError": "index.errors",
    "NothingIndexedError": "index.errors",
    "IssueNotFoundError": "index.errors",
    "QueryError": "index.errors",
}

__all__ = [
    "SCHEMA_VERSION",
    "Brief",
    "EngineOptionError",
    "FolderMismatchError",
    "IndexLockedError",
    "IndexMissingError",
    "IndexReport",
    "IndexUnusableError",
    "IndexWriteError",
    "Issue",
    "IssueNotFoundError",
    "IssueReadError",
    "Location",
    "NewsletterSearchError",
    "NothingIndexedError",
    "QueryError",
    "Skipped",
    "build_index",
    "describe_issues",
    "detect_format",
    "index_stats",
    "issue_to_json",
    "parse_file",
    "parse_issue",
    "source_text",
    "sync_index",
    "sync_into",
    "sync_opensearch",
    "watch_folder",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
