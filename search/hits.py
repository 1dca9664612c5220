"""Stored documents -> Hit values: the fields a hit shows and its highlighted snippets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from index.fields import BY_NAME, DISPLAY_FIELDS, KIND_ISSUE, SNIPPET_FIELDS, schema_field
from search.highlight import make_snippets
from search.model import Hit, Snippet


def _joined(name: str, text: str) -> str:
    """Stored list fields hold one item a line: show them as separate items in snippets."""
    if BY_NAME[name].list_valued:
        return " · ".join(line.strip() for line in text.splitlines() if line.strip())
    return text


def display_texts(stored: Mapping[str, Any]) -> dict[str, str]:
    """Logical field -> the document's stored text of it, for the kind of document it is."""
    kind = stored.get("kind", KIND_ISSUE)
    texts: dict[str, str] = {}
    for name in DISPLAY_FIELDS:
        field = schema_field(name, kind)
        texts[name] = (stored.get(field) or "") if field else ""
    return texts


def build_hit(
    stored: Mapping[str, Any],
    *,
    score: float,
    rank: int,
    terms: Mapping[str, frozenset[str]],
    phrases: tuple[tuple[str, ...], ...],
    story: Mapping[str, Any] | None = None,
) -> Hit:
    """A hit from a document's stored fields; `terms` are the words to highlight per field.

    `story`, the stored fields of the issue's best-matching brief, puts that brief in the hit:
    its id, headline and link, and its snippet first (field "story").
    """
    texts = display_texts(stored)
    snippets = _snippets(texts, terms, phrases)
    story_fields: dict[str, Any] = {}
    if story is not None:
        story_texts = display_texts(story)
        found = _snippets(story_texts, terms, phrases)
        if found and found[0].spans:
            snippets = (Snippet("story", found[0].text, found[0].spans), *snippets)[:2]
        story_fields = {
            "story_id": str(story.get("id", "")),
            "story_headline": story_texts["headline"],
            "story_link": str(story.get("link", "") or ""),
        }
    when = stored.get("date")
    return Hit(
        id=stored["id"],
        kind=stored.get("kind", KIND_ISSUE),
        path=stored.get("path", ""),
        newsletter=stored.get("newsletter", ""),
        headline=texts["headline"],
        byline=texts["byline"],
        date=when.date() if isinstance(when, dt.datetime) else None,
        score=round(score, 4),
        rank=rank,
        snippets=snippets,
        issue_id=stored.get("issue_id", ""),
        issue_headline=stored.get("issue_headline", ""),
        link=stored.get("link", "") or "",
        number=stored.get("number"),
        date_from_file=stored.get("date_source") == "file",
        **story_fields,
    )


def _snippets(
    texts: Mapping[str, str],
    terms: Mapping[str, frozenset[str]],
    phrases: tuple[tuple[str, ...], ...],
) -> tuple[Snippet, ...]:
    return make_snippets(
        [
            (name, _joined(name, texts[name]), BY_NAME[name].analyzer == "text")
            for name in SNIPPET_FIELDS
        ],
        dict(terms),
        phrases,
    )
