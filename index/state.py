"""The record of source files kept beside each whoosh commit: `state-<generation>.json`.

Every commit of generation N is preceded by writing `state-N.json`, the record of every source file
the index reflects at that commit (size, mtime, hash, issue ids, parse error). whoosh publishes a
commit by renaming its table of contents into place, so whichever generation is the latest, its
record is already on disk: the record and the index never disagree, whenever a sync is stopped.
A record with no matching commit (the sync died before committing) is simply ignored and removed.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from index.errors import IndexUnusableError
from index.jsonfile import replace_json

# Every message about an unusable index ends with this (index.store re-exports it); the error's
# remedy ("rebuild") lets a front end add its own command for it.
REBUILD_HINT = "Rebuild the index from its folder to use it again."


class FileRecord(NamedTuple):
    """What the index remembers of one source file.

    `recheck` marks a record whose file was modified so shortly before it was read that a later
    write could keep the same size and timestamp (file systems stamp times coarsely): the next sync
    confirms such a file by its hash instead of trusting size and mtime. (A named tuple, not a
    dataclass: a large archive has tens of thousands of records, read at every sync.)
    """

    size: int
    mtime_ns: int
    sha256: str
    ids: tuple[str, ...] = ()
    error: str | None = None
    recheck: bool = False

    def to_json(self) -> list[Any]:
        """A compact row."""
        row: list[Any] = [self.size, self.mtime_ns, self.sha256, list(self.ids)]
        if self.error is not None or self.recheck:
            row += [self.error, self.recheck]
        return row

    @classmethod
    def from_json(cls, row: Any) -> FileRecord:
        """Read one row; ValueError/TypeError/IndexError for anything malformed."""
        size, mtime_ns, sha256, ids = row[:4]
        error, recheck = row[4:6] if len(row) > 4 else (None, False)
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            raise ValueError("ids must be a list of strings")
        if not isinstance(sha256, str) or not (error is None or isinstance(error, str)):
            raise ValueError("malformed record")
        return cls(int(size), int(mtime_ns), sha256, tuple(ids), error, bool(recheck))


@dataclass(frozen=True)
class State:
    """The contents of one `state-<generation>.json`."""

    folder: str
    files: dict[str, FileRecord]
    # False for a checkpoint taken part-way through a sync (the next run finishes the work).
    complete: bool = True
    synced: str | None = None


def state_path(store: Path, generation: int) -> Path:
    """Where the record of a whoosh generation lives."""
    return store / f"state-{generation}.json"


def read_state(store: Path, generation: int) -> State:
    """The record of a committed generation; IndexUnusableError when it is missing or damaged."""
    path = state_path(store, generation)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = {str(rel): FileRecord.from_json(item) for rel, item in raw["files"].items()}
        return State(
            folder=str(raw["folder"]),
            files=files,
            complete=bool(raw.get("complete", True)),
            synced=raw.get("synced"),
        )
    except FileNotFoundError:
        problem = f"{path.name} is missing"
    except OSError as error:
        problem = f"{path.name} cannot be read ({error.strerror or error})"
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        problem = f"{path.name} is damaged ({type(error).__name__}: {error})"
    raise IndexUnusableError(
        f"The index in {store} is damaged: its record of source files, {problem}. {REBUILD_HINT}"
    )


def write_state(store: Path, generation: int, state: State) -> None:
    """Write the record of the generation about to be committed (temporary file, then rename)."""
    path = state_path(store, generation)
    tmp = path.with_name(f"{path.name}.tmp")
    data = {
        "folder": state.folder,
        "complete": state.complete,
        "synced": state.synced,
        "files": {relpath: record.to_json() for relpath, record in sorted(state.files.items())},
    }
    # dumps, not dump: json.dump encodes in pure Python, dumps in C (ten times faster).
    # ASCII: a file name that is not UTF-8 is kept as its surrogate escapes (\udce9), which
    # JSON can carry and read back as they were, but which no UTF-8 file can hold raw.
    replace_json(path, tmp, json.dumps(data, separators=(",", ":")))


def remove_other_states(store: Path, keep: int) -> None:
    """Remove records of other generations: superseded commits and syncs that never committed."""
    for path in store.glob("state-*"):
        if path.name != state_path(store, keep).name:
            with contextlib.suppress(OSError):
                path.unlink()
