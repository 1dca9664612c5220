"""Change detection: walk a folder, compare it with what the index last saw, say what to do.

A file is unchanged when its size and mtime match the record (then it is neither read nor even
sniffed for its format); when they differ, a content hash decides, so a file that was touched or
copied over with the same bytes is not parsed again.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.parse import detect_format
from index.state import FileRecord

__all__ = ["FileRecord", "Plan", "SeenFile", "hash_file", "is_racy", "plan_sync", "walk"]

# File systems stamp modification times coarsely (a clock tick; 2 s on FAT). A file modified
# this close to the moment it was read could be rewritten with the same size and time stamp,
# so its record asks the next sync to confirm it by hash (see FileRecord.recheck).
RACY_WINDOW_NS = 2_000_000_000


@dataclass(frozen=True)
class SeenFile:
    """A candidate issue file found in the folder (stat taken during the walk)."""

    relpath: str
    path: Path
    size: int
    mtime_ns: int
    # The content hash, when the walk already had to compute it.
    sha256: str | None = None


@dataclass
class Plan:
    """What a sync must do, file by file (relative paths)."""

    new: list[SeenFile] = field(default_factory=list)
    changed: list[SeenFile] = field(default_factory=list)
    unchanged: dict[str, FileRecord] = field(default_factory=dict)
    removed: dict[str, FileRecord] = field(default_factory=dict)
    # Files whose stat changed but whose content hash did not: only their record is refreshed.
    touched: dict[str, FileRecord] = field(default_factory=dict)
    # Files that could not even be looked at (broken links, no permission): relpath -> reason.
    unreadable: dict[str, str] = field(default_factory=dict)
    # Folders that could not be listed: relative path ("" for the folder itself) -> reason.
    unlisted: dict[str, str] = field(default_factory=dict)
    ignored: int = 0

    @property
    def todo(self) -> list[SeenFile]:
        """The files to read and parse: new ones, then changed ones."""
        return self.new + self.changed

    @property
    def seen(self) -> int:
        """How many issue files the folder holds."""
        return (
            len(self.new)
            + len(self.changed)
            + len(self.unchanged)
            + len(self.touched)
            + len(self.unreadable)
        )


def hash_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_racy(mtime_ns: int, read_ns: int) -> bool:
    """Whether a file stamped `mtime_ns` and read at `read_ns` must be confirmed by hash later."""
    return mtime_ns > read_ns - RACY_WINDOW_NS


def walk(folder: Path) -> Iterator[tuple[str, Path]]:
    """Yield (relative posix path, path) of every file below `folder`, hidden folders skipped."""
    for relpath, entry in _entries(folder, {}):
        yield relpath, Path(entry.path)


def _entries(
    folder: Path, errors: dict[str, str], skip: frozenset[str] = frozenset()
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file below `folder` as (relative posix path, directory entry), in sorted order.

    Like os.walk: hidden folders are skipped and symbolic links to folders are not followed
    (no cycles). Unlike os.walk, a folder that cannot be listed is not skipped in silence: it
    lands in `errors` (relative path with a trailing "/" -> reason). Folders whose paths are in
    `skip` (an index kept inside the folder it indexes) are left out.
    """
    stack: list[tuple[str, str]] = [("", str(folder))]
    while stack:
        prefix, directory = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            errors[prefix] = f"folder cannot be read ({error.strerror or error})"
            continue
        folders = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if not is_folder:
                yield prefix + entry.name, entry
            elif (
                not entry.name.startswith(".")
                and not entry.is_symlink()
                and os.path.abspath(entry.path) not in skip
            ):
                folders.append((f"{prefix}{entry.name}/", entry.path))
        stack.extend(reversed(folders))


def plan_sync(folder: Path, previous: dict[str, FileRecord], skip: tuple[Path, ...] = ()) -> Plan:
    """Compare the folder with the previous records and sort every file into the plan.

    Folders in `skip` (the index's own directory, when it lies inside the folder) are not read.
    """
    plan = Plan()
    seen: set[str] = set()
    unlisted = plan.unlisted
    skipped = frozenset(os.path.abspath(path) for path in skip)
    for relpath, entry in _entries(folder, unlisted, skipped):
        record = previous.get(relpath)
        try:
            stat = entry.stat()
        except FileNotFoundError:
            if detect_format(Path(entry.path), folder) is not None:
                seen.add(relpath)
                broken = entry.is_symlink()
                plan.unreadable[relpath] = "broken symbolic link" if broken else "file vanished"
            continue
        except OSError as error:
            seen.add(relpath)
            plan.unreadable[relpath] = error.strerror or str(error)
            continue
        if (
            record is not None
            and record.size == stat.st_size
            and record.mtime_ns == stat.st_mtime_ns
            and not record.recheck
        ):
            # The format was decided when the file was recorded; same stat, same bytes.
            seen.add(relpath)
            plan.unchanged[relpath] = record
            continue
        path = Path(entry.path)
        if detect_format(path, folder) is None:
            plan.ignored += 1
            continue
        seen.add(relpath)
        current = SeenFile(relpath, path, stat.st_size, stat.st_mtime_ns)
        if record is None:
            plan.new.append(current)
        else:
            _compare(plan, current, record)
    for relpath, record in previous.items():
        if relpath in seen:
            continue
        reason = next((why for where, why in unlisted.items() if relpath.startswith(where)), None)
        if reason is not None:
            # Its folder could not be listed: the file may well be there; say so, do not guess.
            plan.unreadable[relpath] = reason
        else:
            plan.removed[relpath] = record
    return plan


def _compare(plan: Plan, current: SeenFile, record: FileRecord) -> None:
    """Sort a recorded file whose stat changed (or must be confirmed) by its content hash."""
    try:
        read_ns = time.time_ns()
        digest = hash_file(current.path)
    except OSError:
        plan.changed.append(current)  # reading it again will report why
        return
    if digest == record.sha256 and record.error is None:
        plan.touched[current.relpath] = FileRecord(
            current.size,
            current.mtime_ns,
            digest,
            record.ids,
            None,
            is_racy(current.mtime_ns, read_ns),
        )
    else:
        plan.changed.append(
            SeenFile(current.relpath, current.path, current.size, current.mtime_ns, digest)
        )
