"""The index schema: how an Issue becomes whoosh documents (the issue, and each of its stories).

Bump SCHEMA_VERSION whenever a field, an analyzer or the meaning of a stored value changes: an
index written under another version is refused with a message that says to rebuild it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.analysis import name_analyzer, text_analyzer
from index.model import Issue

SCHEMA_VERSION = 2

# Searchable text fields, in the order snippets prefer them.
TEXT_FIELDS = (
    "headline",
    "standfirst",
    "byline",
    "body",
    "brief_headlines",
    "briefs",
    "sections",
    "newsletter",
)

KIND_ISSUE = "issue"
KIND_STORY = "story"

# Stories (an issue's lead and each brief) live in fields of their own, so that each kind's
# statistics (document frequency, average field length) describe that kind alone: 126 short
# briefs beside one long issue would otherwise make every issue body look enormous.
STORY_FIELDS: dict[str, str] = {
    "headline": "story_headline",
    "standfirst": "story_standfirst",
    "byline": "story_byline",
    "body": "story_body",
    "sections": "story_sections",
    "newsletter": "newsletter",
}


def build_schema() -> Schema:
    """A fresh schema object (whoosh keeps and pickles it with the index)."""
    text = text_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        issue_id=ID(stored=True),
        path=ID(stored=True),
        newsletter=TEXT(analyzer=names, stored=True),
        newsletter_key=ID(stored=True, sortable=True),
        headline=TEXT(analyzer=text, stored=True),
        standfirst=TEXT(analyzer=text, stored=True),
        byline=TEXT(analyzer=names, stored=True),
        authors=KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        body=TEXT(analyzer=text, stored=True),
        brief_headlines=TEXT(analyzer=text, stored=True),
        briefs=TEXT(analyzer=text, stored=True),
        sections=TEXT(analyzer=text, stored=True),
        date=DATETIME(stored=True, sortable=True),
        month=ID(stored=True, sortable=True),
        number=NUMERIC(stored=True),
        story_headline=TEXT(analyzer=text, stored=True),
        story_standfirst=TEXT(analyzer=text, stored=True),
        story_byline=TEXT(analyzer=names, stored=True),
        story_body=TEXT(analyzer=text, stored=True),
        story_sections=TEXT(analyzer=text, stored=True),
        issue_headline=STORED(),
        link=STORED(),
        extra=STORED(),
    )


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
    return fields


def story_id(issue_id: str, position: int) -> str:
    """The id of a story: position 0 is the lead, 1.. the briefs in order."""
    return f"{issue_id}::{position}"


def documents(issue: Issue) -> Iterator[dict[str, Any]]:
    """The documents of an issue: the issue itself, then its lead and each brief as stories."""
    common = _common(issue)
    extra = {"format": issue.format, "links": list(issue.links), "message_id": issue.message_id}
    yield {
        **common,
        "id": issue.id,
        "kind": KIND_ISSUE,
        "headline": issue.headline,
        "standfirst": issue.standfirst,
        "byline": issue.byline,
        "authors": author_keys(issue.all_authors),
        "body": issue.body,
        "brief_headlines": "\n".join(brief.headline for brief in issue.briefs),
        "briefs": "\n".join(brief.text for brief in issue.briefs if brief.text),
        "sections": "\n".join(issue.sections),
        "extra": json.dumps(extra),
    }
    if issue.body or issue.standfirst:
        yield {
            **common,
            "id": story_id(issue.id, 0),
            "kind": KIND_STORY,
            "story_headline": issue.headline,
            "story_standfirst": issue.standfirst,
            "story_byline": issue.byline,
            "authors": author_keys(issue.all_authors),
            "story_body": issue.body,
        }
    for position, brief in enumerate(issue.briefs, start=1):
        names = (brief.author,) if brief.author else ()
        yield {
            **common,
            "id": story_id(issue.id, position),
            "kind": KIND_STORY,
            "story_headline": brief.headline,
            "story_byline": brief.author,
            "authors": author_keys(names),
            "story_body": brief.text,
            "story_sections": brief.section,
            "link": brief.link,
        }
