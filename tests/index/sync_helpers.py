"""Helpers for the sync tests: a generated archive of small text issues, and index checks.

Each generated issue carries two searchable marker words: `uid<number>` (which issue) and
`ver<number>x<version>` (which version of it), so a test can tell exactly which version of each
file the index holds and compare that with the record kept beside the index.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import query as wq

from index.analysis import analyze
from index.state import FileRecord
from index.storage import open_index

NEWSLETTERS = ("harbour-dispatch", "the-circuit", "green-ledger")
_VERSION = re.compile(r"ver\d{5}x\d{3}")


def issue_relpath(number: int) -> str:
    """Where issue `number` lives in a generated archive."""
    newsletter = NEWSLETTERS[number % len(NEWSLETTERS)]
    month = 1 + number % 12
    day = 1 + number % 28
    return f"{newsletter}/2024-{month:02d}-{day:02d}-issue-{number:04d}.txt"


def issue_text(number: int, version: int = 0) -> str:
    """The text of a generated issue: a headline line, a standfirst, a few paragraphs."""
    return (
        f"Weekly notes number {number}\n"
        f"Marker uid{number:05d} and version ver{number:05d}x{version:03d}.\n"
        "\n"
        f"The council met on Tuesday to discuss the harbour and the ferry timetable {number}.\n"
        "Residents asked about the flood barrier and the new market hall.\n"
        "\n"
        "Mara Quinn\n"
    )


def write_issue(folder: Path, number: int, version: int = 0) -> Path:
    """Write (or rewrite) one generated issue; returns its path."""
    path = folder / issue_relpath(number)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(issue_text(number, version), encoding="utf-8")
    return path


def write_archive(folder: Path, numbers: range, version: int = 0) -> dict[int, int]:
    """Write generated issues; returns {number: version}."""
    for number in numbers:
        write_issue(folder, number, version)
    return dict.fromkeys(numbers, version)


def age(folder: Path, seconds: float = 3600) -> None:
    """Make every file look modified `seconds` ago (as in an archive that is not being edited)."""
    past = time.time() - seconds
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


def term(word: str) -> str:
    """The indexed form of one word of a stemmed text field."""
    (found,) = analyze(word)
    return found


@dataclass(frozen=True)
class Snapshot:
    """What the committed index holds: its file records and its issue documents."""

    records: dict[str, FileRecord]
    complete: bool
    # issue id -> the `ver...` marker words found in that issue's body.
    versions: dict[str, set[str]]
    # ids of every document (issues and stories), and the issue id each belongs to.
    doc_issue_ids: set[str]


def snapshot(index_dir: Path) -> Snapshot:
    """Open the committed index as a reader would, and read what it holds."""
    opened = open_index(index_dir, with_state=True)
    state = opened.state
    assert state is not None
    versions: dict[str, set[str]] = {}
    doc_issue_ids: set[str] = set()
    with opened.searcher as searcher:
        for fields in searcher.all_stored_fields():
            doc_issue_ids.add(fields["issue_id"])
            if fields["kind"] == "issue":
                text = " ".join(value for value in fields.values() if isinstance(value, str))
                versions[fields["id"]] = set(_VERSION.findall(text))
    return Snapshot(state.files, state.complete, versions, doc_issue_ids)


def search_count(index_dir: Path, field: str, word: str) -> int:
    """How many issue documents match one word in one field."""
    with open_index(index_dir).searcher as searcher:
        found = searcher.search(
            wq.And([wq.Term("kind", "issue"), wq.Term(field, term(word))]), limit=None
        )
        return int(found.scored_length())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_consistent(index_dir: Path, folder: Path) -> Snapshot:
    """The committed index and its record agree, and every recorded issue is searchable.

    For each recorded file: its issue is indexed exactly once, in the version whose bytes the
    record's hash names (when that version's file is still on disk to compare with). No document
    belongs to an issue the record does not list.
    """
    snap = snapshot(index_dir)
    recorded_ids = {issue_id for record in snap.records.values() for issue_id in record.ids}
    assert snap.doc_issue_ids == recorded_ids
    assert set(snap.versions) == recorded_ids
    for relpath, record in snap.records.items():
        for issue_id in record.ids:
            assert len(snap.versions[issue_id]) == 1, (issue_id, snap.versions[issue_id])
            (marker,) = snap.versions[issue_id]
            assert search_count(index_dir, "standfirst", marker) == 1
            path = folder / relpath
            if record.sha256 and path.exists() and sha256(path) == record.sha256:
                assert marker in path.read_text(encoding="utf-8")
    return snap


def assert_in_step(index_dir: Path, folder: Path, expected: dict[int, int]) -> None:
    """The index holds exactly the folder's issues, each in its current version."""
    snap = assert_consistent(index_dir, folder)
    paths = {issue_relpath(number) for number in expected}
    assert set(snap.records) == paths
    assert snap.complete
    for relpath, record in snap.records.items():
        assert record.error is None
        assert record.sha256 == sha256(folder / relpath)
    assert set(snap.versions) == paths
    for number, version in expected.items():
        assert snap.versions[issue_relpath(number)] == {f"ver{number:05d}x{version:03d}"}


def run_options(**extra: Any) -> dict[str, Any]:
    """Options for an in-process sync in tests: one process, no lock wait."""
    return {"jobs": 1, "lock_timeout": 0, **extra}
