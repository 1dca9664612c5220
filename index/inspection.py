"""Looking at an index and at single files: how a file parses, and figures about an index."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh import sorting

from index.describe import Located, describe_located, located_source
from index.documents import KIND_ISSUE, story_parts
from index.errors import IndexMissingError, IndexUnusableError, IssueNotFoundError
from index.folders import Folder, folder_of
from index.state import REBUILD_HINT, FileRecord
from index.storage import open_index
from index.store import writer_active


def _records(index_dir: Path) -> tuple[tuple[Folder, ...], dict[str, FileRecord]]:
    """The indexed folders and the record of every source file of the committed index."""
    opened = open_index(index_dir, with_state=True)
    opened.close()
    assert opened.state is not None
    return opened.manifest.folders, opened.state.files


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
    return describe_located(locate(path_or_id, index_dir), path_or_id)


def source_text(path_or_id: str, index_dir: str | os.PathLike[str] | None = None) -> str:
    """The source text of a file, or of an indexed issue or story: an mbox gives its message.

    Bytes that are not UTF-8 are replaced; the text is untrusted (escape it before showing it).
    """
    return located_source(locate(path_or_id, index_dir))


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
