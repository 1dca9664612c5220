"""Reading one source file for a sync: hash it, parse it, label its ids, notice it changing."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from index.budget import DEFAULT_FILE_TIMEOUT, FileTimeout, TimeLimit
from index.errors import IssueReadError
from index.filedates import with_file_dates
from index.folders import with_label
from index.model import Issue
from index.parse import parse_file
from index.scan import FileRecord, SeenFile, hash_file, is_racy, not_regular

__all__ = ["FileResult", "read_source"]


@dataclass(frozen=True)
class FileResult:
    """One file read: its new record and, until they are indexed, its issues."""

    relpath: str
    record: FileRecord
    issues: tuple[Issue, ...] = field(default=())

    def without_issues(self) -> FileResult:
        """The result as a worker sends it back (its issues are in the worker's segment)."""
        return FileResult(self.relpath, self.record)


def read_source(
    seen: SeenFile,
    root: Path,
    max_bytes: int,
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT,
    date_from_mtime: bool = False,
) -> FileResult:
    """Hash and parse one file, noticing when it changes while being read.

    The record keeps the stat taken before reading. If the file changed while it was read, the
    record's hash is left empty, so the next sync sees a new stat, finds no matching hash and
    reads the file again: nothing written during a sync is missed. Parsing that takes longer
    than `file_timeout` seconds is stopped and the file skipped (see `index.budget`).
    """
    try:
        before = os.stat(seen.path)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        return FileResult(seen.relpath, FileRecord(seen.size, seen.mtime_ns, "", (), reason))
    odd = not_regular(before.st_mode)
    if odd is not None:  # replaced by a pipe or a device since the scan: never open it
        return FileResult(seen.relpath, FileRecord(seen.size, seen.mtime_ns, "", (), odd))
    read_ns = time.time_ns()
    digest, issues, error, after = "", [], None, before
    try:
        known = seen.sha256 if (seen.size, seen.mtime_ns) == _stat(before) else None
        digest = known or hash_file(seen.path)
        home = seen.folder
        with TimeLimit(file_timeout):
            issues = parse_file(seen.path, home.path if home else root, max_bytes=max_bytes)
        issues = with_label(issues, home)
        if date_from_mtime:
            issues = with_file_dates(issues, before.st_mtime_ns)
        after = os.stat(seen.path)
    except IssueReadError as problem:
        error = problem.reason
    except OSError as problem:
        error = problem.strerror or str(problem)
    except FileTimeout:
        error = f"took longer than {file_timeout:g} s to read (limit set by --file-timeout)"
    if _stat(after) != _stat(before):
        digest = ""
    record = FileRecord(
        before.st_size,
        before.st_mtime_ns,
        digest,
        tuple(issue.id for issue in issues),
        error,
        is_racy(before.st_mtime_ns, read_ns),
    )
    return FileResult(seen.relpath, record, tuple(issues))


def _stat(result: os.stat_result) -> tuple[int, int]:
    return result.st_size, result.st_mtime_ns
