"""Looking at an index and at single files: how a file parses, and figures about an index."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh import sorting

from index.budget import DEFAULT_FILE_TIMEOUT, FileTimeout, TimeLimit
from index.errors import IndexMissingError, IndexUnusableError, IssueNotFoundError, IssueReadError
from index.folders import Folder, folder_of, with_label
from index.model import Issue
from index.parse import detect_format, parse_file
from index.readers.mail import mbox_message
from index.schema import KIND_ISSUE, story_id, story_parts
from index.state import REBUILD_HINT, FileRecord
from index.storage import open_index
from index.store import writer_active


def issue_to_json(issue: Issue) -> dict[str, Any]:
    """Every field of an issue as JSON-ready values (dates as ISO strings)."""
    data = dataclasses.asdict(issue)
    data["date"] = issue.date.isoformat() if issue.date else None
    data["briefs"] = [dataclasses.asdict(brief) for brief in issue.briefs]
    data["sections"] = list(issue.sections)
    data["links"] = list(issue.links)
    data["authors"] = list(issue.all_authors)
    return data


def _records(index_dir: Path) -> tuple[tuple[Folder, ...], dict[str, FileRecord]]:
    """The indexed folders and the record of every source file of the committed index."""
    opened = open_index(index_dir, with_state=True)
    opened.close()
    assert opened.state is not None
    return opened.manifest.folders, opened.state.files


@dataclasses.dataclass(frozen=True)
class Located:
    """A file to read for `show`, and what in it was asked for."""

    path: Path
    root: Path | None  # the indexed folder, when the file is in it (ids are relative to it)
    wanted: str | None  # the issue id asked for (None: every issue of the file)
    story: tuple[str, int] | None  # (issue id, position) when a story id was given
    folder: Folder | None = None  # the indexed folder holding it (its label starts its ids)


def locate(path_or_id: str, index_dir: str | os.PathLike[str] | None = None) -> Located:
    """The file of a path, or of an indexed issue's or story's id; IssueNotFoundError if none."""
    candidate = Path(path_or_id).expanduser()
    home: Folder | None = None
    wanted: str | None = None
    story: tuple[str, int] | None = None
    if index_dir is not None:
        try:
            folders, records = _records(Path(index_dir).expanduser().resolve())
        except IndexMissingError:
            folders, records = (), {}
        if not candidate.exists():
            parts = story_parts(path_or_id)
            for key, record in records.items():
                if path_or_id == key or path_or_id in record.ids:
                    wanted = path_or_id
                elif parts is not None and parts[0] in record.ids:
                    wanted, story = parts[0], parts
                else:
                    continue
                found = folder_of(key, folders)
                if found is not None:
                    candidate = Path(found[0].path) / found[1]
                break
        if candidate.exists():
            resolved = candidate.resolve()
            home = next((f for f in folders if resolved.is_relative_to(f.path)), None)
    if not candidate.exists():
        raise IssueNotFoundError(
            f"{path_or_id!r} is neither a file nor the id of an indexed issue. Give a file path, "
            "or an issue or story id as search results show them."
        )
    root = Path(home.path) if home is not None else None
    return Located(candidate.resolve(), root, wanted, story, home)


def describe_issues(
    path_or_id: str, index_dir: str | os.PathLike[str] | None = None
) -> list[dict[str, Any]]:
    """How a file parses (all its issues), or how the indexed issue or story with this id does."""
    found = locate(path_or_id, index_dir)
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
        raise IssueNotFoundError(f"{path_or_id!r}: the file no longer holds that story.")
    chosen = [i for i in issues if i.id == wanted] if wanted and "#" in wanted else issues
    return [issue_to_json(issue) for issue in chosen or issues]


def source_text(path_or_id: str, index_dir: str | os.PathLike[str] | None = None) -> str:
    """The source text of a file, or of an indexed issue or story: an mbox gives its message.

    Bytes that are not UTF-8 are replaced; the text is untrusted (escape it before showing it).
    """
    found = locate(path_or_id, index_dir)
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


def _size(path: Path) -> int:
    total = 0
    for item in path.rglob("*"):
        with contextlib.suppress(OSError):  # a sync may remove files while we add them up
            if item.is_file():
                total += item.stat().st_size
    return total


def index_stats(index_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Issues per newsletter and author, date range, size on disk, last sync, folder, schema."""
    target = Path(index_dir).expanduser().resolve()
    opened = open_index(target, with_state=True)
    manifest, state = opened.manifest, opened.state
    assert state is not None
    try:
        figures = _figures(opened.searcher)
    except Exception as error:  # a segment that opened but cannot be read is damage too
        raise IndexUnusableError(
            f"The index at {target} is damaged ({type(error).__name__}: {error}). {REBUILD_HINT}"
        ) from error
    finally:
        opened.close()
    return {
        "index_dir": str(target),
        "folder": manifest.folder,
        "folders": [folder.to_json() for folder in manifest.folders],
        "schema_version": manifest.schema_version,
        "issues": figures["issues"],
        "stories": figures["stories"],
        "files": len(state.files),
        "files_skipped": sum(1 for record in state.files.values() if record.error),
        "first_date": figures["first_date"],
        "last_date": figures["last_date"],
        "created": manifest.created,
        "last_sync": manifest.last_sync or state.synced,
        "last_sync_complete": state.complete,
        "writer": writer_active(target),
        "size_bytes": _size(target),
        "newsletters": figures["newsletters"],
        "authors": figures["authors"],
    }


def _figures(searcher: Any) -> dict[str, Any]:
    """Counts and dates from the index itself."""
    issues = wq.Term("kind", KIND_ISSUE)
    found = searcher.search(
        issues,
        limit=None,
        groupedby={
            "n": sorting.FieldFacet("newsletter_key"),
            "a": sorting.FieldFacet("authors", allow_overlap=True),
        },
        maptype=sorting.Count,
    )
    per_key: dict[Any, int] = found.groups("n")
    names = {}
    for key in per_key:
        doc = searcher.document(newsletter_key=key, kind=KIND_ISSUE)
        names[key] = doc["newsletter"] if doc else str(key)
    dated = wq.And([issues, wq.Every("date")])
    oldest = searcher.search(dated, limit=1, sortedby="date")
    newest = searcher.search(dated, limit=1, sortedby="date", reverse=True)
    total = found.scored_length()
    ranked = sorted(per_key.items(), key=lambda item: (-item[1], names[item[0]]))
    return {
        "issues": total,
        "stories": searcher.doc_count() - total,
        "first_date": _day(oldest[0].get("date")) if len(oldest) else None,
        "last_date": _day(newest[0].get("date")) if len(newest) else None,
        "newsletters": {names[key]: count for key, count in ranked},
        "authors": _authors(searcher, found.groups("a")),
    }


def _authors(searcher: Any, per_key: dict[Any, int]) -> dict[str, int]:
    """Issues per author, most first, each name as a byline writes it (the keys are folded)."""
    names = {}
    for key in per_key:
        if not key:
            continue
        folded = key.decode("utf-8") if isinstance(key, bytes) else str(key)
        doc = searcher.document(authors=folded, kind=KIND_ISSUE) or {}
        written = [a.strip() for a in str(doc.get("authors", "")).split(",")]
        names[key] = next((a for a in written if a.lower() == folded), folded)
    ranked = sorted(names, key=lambda key: (-per_key[key], names[key]))
    return {names[key]: per_key[key] for key in ranked}


def _day(value: Any) -> str | None:
    return value.date().isoformat() if isinstance(value, dt.datetime) else None
