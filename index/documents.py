"""How an Issue becomes index documents (the issue, and each of its stories), for any engine.

The documents are plain dicts keyed by the field table's schema names; the whoosh schema
(index.schema) and the OpenSearch mapping (index.engines.opensearch_mapping) both hold them.
Bump SCHEMA_VERSION whenever a field, an analyzer or the meaning of a stored value changes: an
index written under another version is refused with a message that says to rebuild it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from index.fields import (
    BY_NAME,
    KIND_ISSUE,
    KIND_STORY,
    logical_name,
    schema_field,
    schema_text_fields,
)
from index.model import Issue

# 3: a headline is indexed in front of its text (index.fields `opened_by`).
SCHEMA_VERSION = 3
# whoosh stores `_stored_<field>` in place of the indexed value when a document gives both.
STORED_PREFIX = "_stored_"

__all__ = [
    "KIND_ISSUE",
    "KIND_STORY",
    "SCHEMA_VERSION",
    "STORED_PREFIX",
    "author_keys",
    "documents",
    "newsletter_key",
    "opened",
    "opened_fields",
    "story_id",
    "story_parts",
]


def newsletter_key(name: str) -> str:
    """The exact-match key of a newsletter name (filters and facets)."""
    return " ".join(name.lower().split())


def author_keys(names: tuple[str, ...]) -> str:
    """The comma-separated author names of a document (indexed lower-cased: filters, facets)."""
    return ",".join(" ".join(name.replace(",", " ").split()) for name in names if name.strip())


def _common(issue: Issue) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "issue_id": issue.id,
        "path": issue.path,
        "newsletter": issue.newsletter,
        "newsletter_key": newsletter_key(issue.newsletter),
        "issue_headline": issue.headline,
    }
    if issue.date is not None:
        fields["date"] = dt.datetime.combine(issue.date, dt.time())
        fields["month"] = issue.date.strftime("%Y-%m")
    if issue.number is not None:
        fields["number"] = issue.number
    if issue.date_from_file:
        fields["date_source"] = "file"  # the file's modification day (--date-from-mtime)
    return fields


STORY_SEPARATOR = "::"


def story_id(issue_id: str, position: int) -> str:
    """The id of a story: position 0 is the lead, 1.. the briefs in order."""
    return f"{issue_id}{STORY_SEPARATOR}{position}"


def story_parts(doc_id: str) -> tuple[str, int] | None:
    """(issue id, position) of a story id, or None when `doc_id` is not one."""
    issue_id, sep, position = doc_id.rpartition(STORY_SEPARATOR)
    if not sep or not issue_id or not position.isdigit():
        return None
    return issue_id, int(position)


def opened_fields() -> tuple[str, ...]:
    """The schema text fields indexed with another field's text in front of their own."""
    return tuple(
        name for name in schema_text_fields() if BY_NAME[logical_name(name)].opened_by is not None
    )


def opened(lead: str, text: str) -> str:
    """The indexed text of a field that `lead` opens (index.fields `opened_by`)."""
    return f"{lead}\n{text}" if lead and text else lead or text


def _texts(kind: str, items: dict[str, str] | None = None, **values: str) -> dict[str, str]:
    """Logical text fields -> the schema fields of `kind` (index.fields) that hold them.

    A field opened by another is indexed with that field's text in front and stored as written,
    under STORED_PREFIX; for a list field, `items` gives its indexed text, opened item by item.
    """
    out: dict[str, str] = {}
    for name, value in values.items():
        field = schema_field(name, kind)
        if field is None:
            raise ValueError(f"{kind} documents have no {name!r} field")
        out[field] = value
        lead_name = BY_NAME[name].opened_by
        if lead_name is None:
            continue
        if BY_NAME[name].list_valued:
            indexed = (items or {})[name]
        else:
            indexed = opened(values.get(lead_name, ""), value)
        if indexed != value:
            out[field] = indexed
            out[STORED_PREFIX + field] = value
    return out


def documents(issue: Issue) -> Iterator[dict[str, Any]]:
    """The documents of an issue: the issue itself, then its lead and each brief as stories."""
    common = _common(issue)
    extra = {"format": issue.format, "links": list(issue.links), "message_id": issue.message_id}
    yield {
        **common,
        **_texts(
            KIND_ISSUE,
            headline=issue.headline,
            standfirst=issue.standfirst,
            byline=issue.byline,
            body=issue.body,
            brief_headlines="\n".join(brief.headline for brief in issue.briefs),
            briefs="\n".join(brief.text for brief in issue.briefs if brief.text),
            sections="\n".join(issue.sections),
            items={"briefs": "\n".join(opened(b.headline, b.text) for b in issue.briefs)},
        ),
        "id": issue.id,
        "kind": KIND_ISSUE,
        "authors": author_keys(issue.all_authors),
        "extra": json.dumps(extra),
    }
    if issue.body or issue.standfirst:
        yield {
            **common,
            **_texts(
                KIND_STORY,
                headline=issue.headline,
                standfirst=issue.standfirst,
                byline=issue.byline,
                body=issue.body,
            ),
            "id": story_id(issue.id, 0),
            "kind": KIND_STORY,
            "authors": author_keys(issue.all_authors),
        }
    for position, brief in enumerate(issue.briefs, start=1):
        names = (brief.author,) if brief.author else ()
        yield {
            **common,
            **_texts(
                KIND_STORY,
                headline=brief.headline,
                byline=brief.author,
                body=brief.text,
                sections=brief.section,
            ),
            "id": story_id(issue.id, position),
            "kind": KIND_STORY,
            "authors": author_keys(names),
            "link": brief.link,
        }
