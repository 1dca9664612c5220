"""Why a --newsletter or --author filter matched nothing: the closest names the index knows."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from whoosh import query as wq

from search.filters import author_filter, newsletter_filter

# Suggestions offered for a name the index does not know, closest first.
_CLOSE_NAMES = 3
_CUTOFF = 0.6


def _keys(searcher: Any, field: str) -> list[str]:
    return [
        key.decode("utf-8") if isinstance(key, bytes) else str(key)
        for key in searcher.lexicon(field)
    ]


def close_names(wanted: str, keys: list[str]) -> list[str]:
    """Known keys like `wanted` (lower-cased): close spellings first, then names containing it."""
    folded = " ".join(wanted.lower().split())
    close = difflib.get_close_matches(folded, keys, n=_CLOSE_NAMES, cutoff=_CUTOFF)
    containing = [key for key in keys if folded in key and key not in close]
    return (close + containing)[:_CLOSE_NAMES]


def _note(
    searcher: Any,
    kind_filter: Any,
    what: str,
    wanted: str,
    build: Callable[[str], Any],
    field: str,
    label: Callable[[str], str],
) -> str | None:
    found = searcher.search(wq.And([kind_filter, build(wanted)]), limit=1)
    if not found.is_empty():
        return None  # the name is known: the other criteria left nothing
    names = [label(key) for key in close_names(wanted, _keys(searcher, field))]
    hint = f" (did you mean {' or '.join(names)}?)" if names else ""
    return f"no {what} is called {wanted!r}{hint}"


def unknown_filter_notes(
    searcher: Any,
    kind_filter: Any,
    newsletter: str | None,
    author: str | None,
    label: Callable[[str, str], str],
) -> list[str]:
    """A note for each name filter that matches no document at all, with the closest names.

    `label(facet, key)` turns an indexed key (lower-cased) back into the name as written.
    """
    notes = []
    if newsletter:
        note = _note(
            searcher,
            kind_filter,
            "newsletter",
            newsletter,
            newsletter_filter,
            "newsletter_key",
            lambda key: label("newsletter", key),
        )
        notes.append(note)
    if author:
        notes.append(
            _note(
                searcher,
                kind_filter,
                "author",
                author,
                author_filter,
                "authors",
                lambda key: label("author", key),
            )
        )
    return [note for note in notes if note]
