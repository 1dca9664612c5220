"""Change detection: walk a folder, compare it with what the index last saw, say what to do.

A file is unchanged when its size and mtime match the record (then it is neither read nor even
sniffed for its format); when they differ, a content hash decides, so a file that was touched or
copied over with the same bytes is not parsed again.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.folders import Folder, folder_of
from index.parse import detect_format
from index.state import FileRecord

__all__ = [
    "FileRecord",
    "Plan",
    "SeenFile",
    "hash_file",
    "is_racy",
    "not_regular",
    "plan_folders",
    "plan_sync",
    "walk",
]

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
    # The folder it was found in, when the index follows several (its ids carry its label).
    folder: Folder | None = None


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


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def not_regular(mode: int) -> str | None:
    """Why a file of this mode must not be read ("not a regular file: a socket"), or None.

    Reading a pipe waits for a writer that may never come; a device such as /dev/zero never
    ends: a folder holding either (or a symbolic link to one) must not hang the indexer.
    """
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"not a regular file: {kind}"


def hash_file(path: Path) -> str:
    """The SHA-256 of a regular file's bytes, read in blocks; OSError for anything else.

    The file is opened without blocking and checked once open: a pipe or device put in the
    place of a regular file after the folder was scanned is refused, not read forever.
    """
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb") as handle:
        problem = not_regular(os.fstat(fd).st_mode)
        if problem is not None:
            raise OSError(errno.EINVAL, problem)
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


def plan_sync(
    folder: Path,
    previous: dict[str, FileRecord],
    skip: tuple[Path, ...] = (),
    *,
    follow_symlinks: bool = True,
) -> Plan:
    """Compare the folder with the previous records and sort every file into the plan.

    Folders in `skip` (the index's own directory, when it lies inside the folder) are not read.
    Files that are not regular files (pipes, devices, sockets, also behind a symbolic link)
    are never read: they are reported as unreadable. Symbolic links to files are followed,
    wherever they point, unless `follow_symlinks` is false: then they are reported too.
    """
    plan = Plan()
    seen: set[str] = set()
    unlisted = plan.unlisted
    skipped = frozenset(os.path.abspath(path) for path in skip)
    for relpath, entry in _entries(folder, unlisted, skipped):
        record = previous.get(relpath)
        if not follow_symlinks and entry.is_symlink():
            if detect_format(Path(entry.path), folder) is not None:
                seen.add(relpath)
                plan.unreadable[relpath] = "symbolic link (not followed)"
            continue
        try:
            info = entry.stat()
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
        problem = not_regular(info.st_mode)
        if problem is not None:
            if record is not None or detect_format(Path(entry.path), folder) is not None:
                seen.add(relpath)
                plan.unreadable[relpath] = problem
            continue
        if (
            record is not None
            and record.size == info.st_size
            and record.mtime_ns == info.st_mtime_ns
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
        current = SeenFile(relpath, path, info.st_size, info.st_mtime_ns)
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


def plan_folders(
    folders: Sequence[Folder],
    previous: dict[str, FileRecord],
    skip: tuple[Path, ...] = (),
    *,
    follow_symlinks: bool = True,
) -> tuple[Plan, list[str]]:
    """`plan_sync` over every folder of an index, keys carrying the folders' labels; warnings.

    Records of folders no longer followed are removed. A folder that is missing, cannot be
    listed or holds no issue files while its records say otherwise (a drive not mounted) keeps
    its records unchanged, with a warning, so that the other folders still sync.
    """
    plan, warnings = Plan(), []
    mine: dict[Folder | None, dict[str, FileRecord]] = {}
    for key, record in previous.items():
        found = folder_of(key, folders)
        owner = found[0] if found is not None else None
        mine.setdefault(owner, {})[found[1] if found is not None else key] = record
    plan.removed.update(mine.pop(None, {}))  # of a forgotten folder: their issues go
    for folder in folders:
        known = mine.get(folder, {})
        root = Path(folder.path)
        part = Plan()
        if root.is_dir():
            part = plan_sync(root, known, skip, follow_symlinks=follow_symlinks)
        problem = _unusable(root, part, known)
        if problem is not None:
            n = _issues(known)
            warnings.append(
                f"{folder.path} {problem}; its {n} issue{' stays' if n == 1 else 's stay'} in the"
                " index as they were (index --forget FOLDER drops them)."
            )
            plan.unchanged.update({folder.prefix + rel: rec for rel, rec in known.items()})
            continue
        _merge(plan, part, folder)
    return plan, warnings


def _unusable(root: Path, part: Plan, known: dict[str, FileRecord]) -> str | None:
    if not root.is_dir():
        return "is not there"
    if "" in part.unlisted:
        return f"cannot be read ({part.unlisted['']})"
    if part.seen == 0 and known:
        return "holds no issue files now"
    return None


def _issues(records: dict[str, FileRecord]) -> int:
    return sum(len(record.ids) for record in records.values())


def _merge(plan: Plan, part: Plan, folder: Folder) -> None:
    """Add one folder's plan to the whole, its relative paths turned into the index's keys."""
    prefix = folder.prefix

    def seen(files: list[SeenFile]) -> list[SeenFile]:
        return [replace(f, relpath=prefix + f.relpath, folder=folder) for f in files]

    plan.new += seen(part.new)
    plan.changed += seen(part.changed)
    for mine, theirs in (
        (plan.unchanged, part.unchanged),
        (plan.removed, part.removed),
        (plan.touched, part.touched),
    ):
        mine.update({prefix + rel: record for rel, record in theirs.items()})
    plan.unreadable.update({prefix + rel: why for rel, why in part.unreadable.items()})
    plan.unlisted.update({prefix + rel: why for rel, why in part.unlisted.items() if rel})
    plan.ignored += part.ignored
