"""Plain, frozen result values: what every caller of the query API gets (never whoosh objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of a snippet: `text[start:end]`."""

    start: int
    end: int


@dataclass(frozen=True)
class Snippet:
    """A fragment of one field, with the character spans of the matched words or phrases."""

    field: str
    text: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One ranked result: an issue, or with `stories=True` a story (lead or brief) of an issue."""

    id: str
    kind: str
    path: str
    newsletter: str
    headline: str
    byline: str
    date: dt.date | None
    score: float
    rank: int
    snippets: tuple[Snippet, ...] = ()
    issue_id: str = ""
    issue_headline: str = ""
    link: str = ""
    number: int | None = None
    # An issue's best-matching brief (issues are ranked with their stories: search/carry.py).
    story_id: str = ""
    story_headline: str = ""
    story_link: str = ""
    # Paths of byte-identical files this hit stands for (shown once, at its best-ranked copy).
    also_at: tuple[str, ...] = ()
    # The date is the file's modification day, nothing in the issue dated it (--date-from-mtime).
    date_from_file: bool = False
    # The indexed folder the file lies in (an index may follow several; "" when not known).
    folder: str = ""


@dataclass(frozen=True)
class FacetCount:
    """How many hits of the whole result set share one value."""

    value: str
    count: int


@dataclass(frozen=True)
class Results:
    """One page of ranked hits for a query, with the total and optional extras."""

    query: str
    total: int
    page: int
    limit: int
    hits: tuple[Hit, ...]
    explanation: str = ""
    notes: tuple[str, ...] = ()
    suggestion: str | None = None
    facets: dict[str, tuple[FacetCount, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    stories: bool = False
    match: str = "all"  # how the hits were found: "all" words, or "any" (asked for, or fallback)
    # The folders the index follows (a hit's `folder` is one of them).
    folders: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        """How many pages of `limit` hits the whole result set fills."""
        return max(1, -(-self.total // self.limit)) if self.limit else 1

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO strings, spans as [start, end] pairs."""
        data = asdict(self)
        data["pages"] = self.pages
        data["folders"] = list(self.folders)
        for hit in data["hits"]:
            hit["date"] = hit["date"].isoformat() if hit["date"] else None
            hit["also_at"] = list(hit["also_at"])
            for snippet in hit["snippets"]:
                snippet["spans"] = [[s["start"], s["end"]] for s in snippet["spans"]]
        data["facets"] = {
            name: [{"value": c["value"], "count": c["count"]} for c in counts]
            for name, counts in data["facets"].items()
        }
        return data
