"""Showing how a file parses, for any engine: every field of its issues, or its source text.

An engine says where an indexed issue's file is (a `Located`); reading and describing it is the
same for all of them, and needs no index at all for a file given by its path.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from index.budget import DEFAULT_FILE_TIMEOUT, FileTimeout, TimeLimit
from index.documents import story_id
from index.errors import IssueNotFoundError, IssueReadError
from index.folders import Folder, with_label
from index.model import Issue
from index.parse import detect_format, parse_file
from index.readers.mail import mbox_message

__all__ = [
    "Located",
    "describe_file",
    "describe_located",
    "file_source",
    "issue_to_json",
    "located_source",
    "story_to_json",
]


def issue_to_json(issue: Issue) -> dict[str, Any]:
    """Every field of an issue as JSON-ready values (dates as ISO strings)."""
    data = dataclasses.asdict(issue)
    data["date"] = issue.date.isoformat() if issue.date else None
    data["briefs"] = [dataclasses.asdict(brief) for brief in issue.briefs]
    data["sections"] = list(issue.sections)
    data["links"] = list(issue.links)
    data["authors"] = list(issue.all_authors)
    return data


@dataclasses.dataclass(frozen=True)
class Located:
    """A file to read for `show`, and what in it was asked for."""

    path: Path
    root: Path | None  # the indexed folder, when the file is in it (ids are relative to it)
    wanted: str | None  # the issue id asked for (None: every issue of the file)
    story: tuple[str, int] | None  # (issue id, position) when a story id was given
    folder: Folder | None = None  # the indexed folder holding it (its label starts its ids)


def describe_located(found: Located, asked: str) -> list[dict[str, Any]]:
    """How the located file parses: the issue or story asked for, else every issue of the file.

    Any engine that can say where an indexed issue's file is (`Located`) shows it this way.
    """
    try:
        with TimeLimit(DEFAULT_FILE_TIMEOUT):  # the indexer's limit, so `show` never hangs either
            issues = parse_file(found.path, found.root or found.path.parent)
        issues = with_label(issues, found.folder)
    except FileTimeout:
        reason = f"took longer than {DEFAULT_FILE_TIMEOUT:g} s to read"
        raise IssueReadError(str(found.path), reason) from None
    story, wanted = found.story, found.wanted
    if story is not None:
        for issue in issues:
            if issue.id == story[0] and story[1] <= len(issue.briefs):
                return [story_to_json(issue, story[1])]
        raise IssueNotFoundError(f"{asked!r}: the file no longer holds that story.")
    chosen = [i for i in issues if i.id == wanted] if wanted and "#" in wanted else issues
    return [issue_to_json(issue) for issue in chosen or issues]


def located_source(found: Located) -> str:
    """The source text of the located file, or of its message when an mbox issue was asked for."""
    if not found.path.is_file():
        raise IssueReadError(str(found.path), "not a regular file")
    issue_id = found.story[0] if found.story else found.wanted
    try:
        if issue_id and detect_format(found.path, found.root or found.path.parent) == "mbox":
            _, _, ordinal = issue_id.rpartition("#")
            if ordinal.isdigit():
                return mbox_message(found.path, int(ordinal)).decode("utf-8", errors="replace")
        return found.path.read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        raise IssueReadError(str(found.path), error.strerror or "cannot be read") from error


def story_to_json(issue: Issue, position: int) -> dict[str, Any]:
    """One story of an issue (0: the lead, 1..: the briefs) as JSON-ready values."""
    common = {
        "id": story_id(issue.id, position),
        "issue_id": issue.id,
        "issue_headline": issue.headline,
        "path": issue.path,
        "newsletter": issue.newsletter,
        "date": issue.date.isoformat() if issue.date else None,
    }
    if position == 0:
        return {
            **common,
            "headline": issue.headline,
            "standfirst": issue.standfirst,
            "byline": issue.byline,
            "body": issue.body,
        }
    brief = issue.briefs[position - 1]
    return {
        **common,
        "headline": brief.headline,
        "byline": brief.author,
        "section": brief.section,
        "body": brief.text,
        "link": brief.link,
    }


def describe_file(path: str) -> list[dict[str, Any]]:
    """How a file parses, with no index: every issue of it, ids relative to its folder."""
    return describe_located(_alone(path), path)


def file_source(path: str) -> str:
    """The source text of a file, with no index (undecodable bytes replaced); untrusted."""
    return located_source(_alone(path))


def _alone(path: str) -> Located:
    candidate = Path(path).expanduser()
    if not candidate.exists():
        raise IssueNotFoundError(f"{path!r} is not a file.")
    return Located(candidate.resolve(), None, None, None)
