"""An indexed issue for its page and its raw view, looked up by id only (never by a URL's path)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from index import IssueNotFoundError, IssueReadError
from search import SearchEngine


def indexed_document(searcher: SearchEngine, doc_id: str) -> dict[str, Any]:
    """The stored fields of the issue (or story) with exactly this id.

    `SearchEngine.document` also takes a source path; a page must not, so a path that happens to be
    indexed is refused like any unknown id.
    """
    doc = searcher.document(doc_id)
    if doc.get("id") != doc_id:
        raise IssueNotFoundError(f"No indexed issue has the id {doc_id!r}.")
    return doc


def load_issue(doc: dict[str, Any], searcher: SearchEngine) -> tuple[dict[str, Any], str]:
    """The issue of these stored fields as its reader parses it, and a note for the page.

    The index keeps the text of each field but not each brief's link, so the source file is read
    again; when it has gone or no longer parses, the indexed text is shown with a note saying so.
    """
    issue_id = doc["id"]
    try:
        parsed = searcher.describe(doc["path"])
    except (IssueNotFoundError, IssueReadError, OSError):
        parsed = []
    for issue in parsed:
        if issue["id"] == issue_id:
            return issue, ""
    note = "The source file is gone or has changed since it was indexed: this is the indexed text."
    return _from_document(doc), note


def _from_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The issue from its stored fields (brief texts and links are not kept per brief)."""
    when = doc.get("date")
    extra = json.loads(doc.get("extra") or "{}")
    return {
        "id": doc["id"],
        "path": doc.get("path", ""),
        "newsletter": doc.get("newsletter", ""),
        "headline": doc.get("headline", ""),
        "standfirst": doc.get("standfirst", ""),
        "byline": doc.get("byline", ""),
        "date": when.date().isoformat() if isinstance(when, dt.datetime) else None,
        "body": doc.get("body", ""),
        "sections": [line for line in (doc.get("sections") or "").splitlines() if line.strip()],
        "briefs": [
            {"headline": line, "text": "", "section": "", "author": "", "link": ""}
            for line in (doc.get("brief_headlines") or "").splitlines()
            if line.strip()
        ],
        "links": list(extra.get("links", [])),
    }


def raw_text(searcher: SearchEngine, issue_id: str) -> str:
    """The source file's text of an indexed issue (undecodable bytes replaced)."""
    doc = indexed_document(searcher, issue_id)
    try:
        data = Path(doc["path"]).read_bytes()
    except OSError as error:
        raise IssueNotFoundError(
            f"The source file of {issue_id!r} cannot be read any more ({error.strerror})."
        ) from error
    return data.decode("utf-8", errors="replace")
