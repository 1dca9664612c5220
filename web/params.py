"""The search page's URL parameters: read and checked into one value, and written back as links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from search import QueryError
from search.options import DEFAULT_MATCH, MATCH_MODES, SORTS

DEFAULT_LIMIT = 10
# Enough for a long page of hits (the library allows more): a page of thousands is refused.
MAX_LIMIT = 100
LIMIT_CHOICES = (10, 20, 50, 100)
# Far beyond any reading; a query longer than this is a paste accident or an attack.
MAX_QUERY_CHARS = 1000
_FLAG_VALUES = {"1": True, "on": True, "true": True, "yes": True, "0": False, "": False}


@dataclass(frozen=True)
class SearchParams:
    """One search as the URL gives it (`/?q=flood&newsletter=Green+Ledger&page=2`)."""

    q: str = ""
    page: int = 1
    limit: int = DEFAULT_LIMIT
    sort: str = "relevance"
    newsletter: str = ""
    author: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    stories: bool = False
    match: str = DEFAULT_MATCH  # all words (as on the command line), or any of them

    @property
    def filtered(self) -> bool:
        """Whether any filter (not the query, sort or paging) narrows the search."""
        return bool(self.newsletter or self.author or self.since or self.until)

    def options(self) -> dict[str, Any]:
        """The keyword arguments of `Searcher.search` for these parameters."""
        return {
            "limit": self.limit,
            "page": self.page,
            "sort": self.sort,
            "newsletter": self.newsletter or None,
            "author": self.author or None,
            "since": self.since,
            "until": self.until,
            "stories": self.stories,
            "match": self.match,
        }

    def url(self, path: str = "/", **changes: Any) -> str:
        """A link to `path` with these parameters, `changes` applied; defaults are left out.

        Any change but a page turn starts again at page 1: page 3 of another search means nothing.
        """
        if "page" not in changes:
            changes["page"] = 1
        target = replace(self, **changes)
        pairs = []
        for item in fields(target):
            value = getattr(target, item.name)
            if value == item.default:
                continue
            if isinstance(value, bool):
                value = "1"
            elif isinstance(value, dt.date):
                value = value.isoformat()
            pairs.append((item.name, str(value)))
        return f"{path}?{urlencode(pairs)}" if pairs else path


def _integer(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {raw[:40]!r}.") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be from {low} to {high}, not {value}.")
    return value


def _date(params: Mapping[str, str], name: str) -> dt.date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise QueryError(
            f"{name} must be a date written YYYY-MM-DD (such as 2024-10-31), not {raw[:40]!r}."
        ) from None


def read_params(params: Mapping[str, str]) -> SearchParams:
    """Check the URL's parameters; anything unreadable raises QueryError (a 400 page)."""
    query = params.get("q", "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is {len(query)} characters long; at most {MAX_QUERY_CHARS}.")
    sort = params.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        raise QueryError(f"Unknown sort {sort[:40]!r}: use one of {', '.join(SORTS)}.")
    match = params.get("match", "").strip().lower() or DEFAULT_MATCH
    if match not in MATCH_MODES:
        raise QueryError(f"match must be one of {', '.join(MATCH_MODES)}, not {match[:40]!r}.")
    stories = params.get("stories", "").strip().lower()
    if stories not in _FLAG_VALUES:
        raise QueryError(f"stories must be 1 or 0, not {stories[:40]!r}.")
    # A start after the end is refused by the searcher's date filter, with its own message.
    since, until = _date(params, "since"), _date(params, "until")
    return SearchParams(
        q=query,
        page=_integer(params, "page", 1, 1, 1_000_000),
        limit=_integer(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        sort=sort,
        newsletter=params.get("newsletter", "").strip()[:200],
        author=params.get("author", "").strip()[:200],
        since=since,
        until=until,
        stories=_FLAG_VALUES[stories],
        match=match,
    )
