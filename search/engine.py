"""The engine boundary on the query side: what every engine's searcher offers, and opening one.

Callers (the CLI, the web page, scripts) hold a `SearchEngine` and never an engine's own class:
`open_searcher(Location(index_dir=...))` gives the embedded whoosh searcher, and
`open_searcher(Location(url=..., index_name=...))` the OpenSearch one. Both take the same
options and give the same plain result values (search.model).
"""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Any, Protocol

from index.engines.location import Location
from search.model import Results


class SearchEngine(Protocol):
    """A searcher of one index, whichever engine holds it; close it (or use `with`)."""

    def __enter__(self) -> SearchEngine: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def close(self) -> None: ...

    def search(
        self,
        query: str,
        *,
        limit: int = ...,
        page: int = ...,
        since: dt.date | None = ...,
        until: dt.date | None = ...,
        newsletter: str | None = ...,
        author: str | None = ...,
        sort: str = ...,
        facets: bool = ...,
        stories: bool = ...,
        today: dt.date | None = ...,
        timeout: float | None = ...,
        match: str = ...,
    ) -> Results:
        """Ranked hits for a query, one page of them, with the exact total and any extras."""
        ...

    def similar(self, id_or_path: str, *, limit: int = ..., terms: int = ...) -> Results:
        """Issues most like the given one (stories like a given story), itself left out."""
        ...

    def document(self, id_or_path: str) -> dict[str, Any]:
        """The stored fields of one issue (by id or path) or story (by story id)."""
        ...

    def describe(self, path_or_id: str) -> list[dict[str, Any]]:
        """How a file, or the indexed issue or story with this id, parses: every field."""
        ...

    def source_text(self, path_or_id: str) -> str:
        """The source text of a file or an indexed issue (an mbox's message alone); untrusted."""
        ...

    def stats(self) -> dict[str, Any]:
        """Figures about the index (index.inspection.index_stats's keys, whichever engine)."""
        ...


def open_searcher(location: Location | None = None) -> SearchEngine:
    """A searcher of the index at `location` (None: the local index in the default place)."""
    location = location or Location()
    if location.engine == "opensearch":
        from search.opensearch_searcher import OpenSearchSearcher

        assert location.url is not None
        return OpenSearchSearcher(url=location.url, index_name=location.index_name)
    from search.searcher import Searcher

    return Searcher(location.index_dir)


__all__ = ["Location", "SearchEngine", "open_searcher"]
