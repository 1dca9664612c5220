"""The options every engine's search takes, their defaults and their limits, in one place.

The CLI, the web page and both engines' searchers read them here, so none of them needs to
import an engine to know what a search accepts.
"""

from __future__ import annotations

from index.errors import QueryError

SORTS = ("relevance", "newest", "oldest")
# Seconds a search may take before it answers with what it found so far (and says so).
DEFAULT_TIMEOUT = 5.0
# Hits a page may hold: deeper lists are paged.
MAX_LIMIT = 1000
# When fewer hits than this are found, a spelling suggestion is looked for.
SUGGEST_BELOW = 3
# How juxtaposed words combine: "all" must match (notmuch, mu, FTS5, ripgrep habits) or "any".
MATCH_MODES = ("all", "any")
DEFAULT_MATCH = "all"


def check_options(limit: int, page: int, sort: str, timeout: float | None) -> None:
    """Refuse search options out of range (every engine's searcher takes the same ones)."""
    if not 1 <= limit <= MAX_LIMIT or page < 1:
        raise QueryError(f"limit must be 1 to {MAX_LIMIT}, and page 1 or more.")
    if sort not in SORTS:
        raise QueryError(f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.")
    if timeout is not None and timeout <= 0:
        raise QueryError("timeout must be more than 0 seconds.")


def check_match(match: str) -> None:
    """Refuse a match mode other than MATCH_MODES, with the choices."""
    if match not in MATCH_MODES:
        raise QueryError(f"Unknown match mode {match!r}: use one of {', '.join(MATCH_MODES)}.")


__all__ = [
    "DEFAULT_MATCH",
    "DEFAULT_TIMEOUT",
    "MATCH_MODES",
    "MAX_LIMIT",
    "SORTS",
    "SUGGEST_BELOW",
    "check_match",
    "check_options",
]
