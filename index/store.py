"""The index directory on disk: its manifest, its whoosh store, its write lock.

    INDEX_DIR/
      manifest.json      schema version, current store, source folder, last sync (atomic rename)
      write.lock         held (flock) by the one process writing; says who holds it
      store-<stamp>/     whoosh segments + stems.json + state-<generation>.json

A rebuild writes a new store beside the current one and switches `manifest.json` to it with one
atomic rename, so an interrupted or failed rebuild leaves the previous index as it was. Readers
never take the lock (see `index.storage.open_index`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.documents import SCHEMA_VERSION
from index.errors import IndexLockedError, IndexMissingError, IndexUnusableError, IndexWriteError
from index.folders import Folder
from index.jsonfile import replace_json
from index.state import REBUILD_HINT

__all__ = [
    "LOCK_NAME",
    "MANIFEST_NAME",
    "REBUILD_HINT",
    "Manifest",
    "new_store_name",
    "now_iso",
    "read_manifest",
    "remembered_folder",
    "remembered_folders",
    "remove_other_stores",
    "store_path",
    "write_lock",
    "write_manifest",
    "writer_active",
]

MANIFEST_NAME = "manifest.json"
LOCK_NAME = "write.lock"
_STORE_NAME = re.compile(r"^store-[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Manifest:
    """What `manifest.json` records about an index directory."""

    schema_version: int
    store: str
    folders: tuple[Folder, ...]
    created: str
    last_sync: str | None
    # Undated issues take their file's modification day (sync_index `date_from_mtime`).
    date_from_mtime: bool = False

    @property
    def folder(self) -> str | None:
        """The first folder of the index (the one whose ids carry no label)."""
        return self.folders[0].path if self.folders else None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "store": self.store,
            # "folder" too: what older versions and `remembered_folder` read.
            "folder": self.folder,
            "folders": [folder.to_json() for folder in self.folders],
            "created": self.created,
            "last_sync": self.last_sync,
            "date_from_mtime": self.date_from_mtime,
        }


def now_iso() -> str:
    """The current local time, ISO 8601 with offset, to the second."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def damaged(index_dir: Path, what: str) -> IndexUnusableError:
    """The error for a damaged index: what is wrong, and how to rebuild it (from which folder)."""
    error = IndexUnusableError(f"The index at {index_dir} is damaged: {what}. {REBUILD_HINT}")
    # The remedy names the folder (the CLI's "Rebuild it with: ... index FOLDER --rebuild").
    error.folder = remembered_folder(index_dir)
    return error


def read_manifest(index_dir: Path) -> Manifest:
    """The manifest of an index directory; raises IndexMissingError or IndexUnusableError."""
    path = index_dir / MANIFEST_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexMissingError(f"No index at {index_dir} yet.") from None
    except OSError as error:
        raise IndexUnusableError(
            f"The index at {index_dir} cannot be read ({error.strerror or error})."
        ) from None
    except ValueError as error:
        raise damaged(index_dir, f"{MANIFEST_NAME} is not valid JSON ({error})") from None
    if not isinstance(raw, dict):
        raise damaged(index_dir, f"{MANIFEST_NAME} holds no manifest")
    version = raw.get("schema_version")
    if not isinstance(version, int):
        raise damaged(index_dir, f"{MANIFEST_NAME} does not say its schema version")
    if version != SCHEMA_VERSION:
        age = "an older" if version < SCHEMA_VERSION else "a newer"
        raise IndexUnusableError(
            f"The index at {index_dir} was written by {age} version of newsletter-search (index"
            f" schema {version}; this version reads schema {SCHEMA_VERSION}). {REBUILD_HINT}"
        )
    store, folder = raw.get("store"), raw.get("folder")
    if not isinstance(store, str) or not _STORE_NAME.match(store):
        raise damaged(index_dir, f"{MANIFEST_NAME} does not name a store")
    if folder is not None and not isinstance(folder, str):
        raise damaged(index_dir, f"{MANIFEST_NAME} names no usable source folder")
    folders = _folders(raw.get("folders"), folder)
    if folders is None:
        raise damaged(index_dir, f"{MANIFEST_NAME} lists its folders wrongly")
    last_sync = raw.get("last_sync")
    return Manifest(
        schema_version=version,
        store=store,
        folders=folders,
        created=str(raw.get("created") or ""),
        last_sync=last_sync if isinstance(last_sync, str) else None,
        date_from_mtime=raw.get("date_from_mtime") is True,
    )


def _folders(listed: Any, folder: str | None) -> tuple[Folder, ...] | None:
    """The folders a manifest lists; one written before indexes had several names one."""
    if listed is None:
        return (Folder(folder),) if folder else ()
    if not isinstance(listed, list):
        return None
    folders = []
    for entry in listed:
        if not isinstance(entry, dict):
            return None
        path, label = entry.get("path"), entry.get("label", "")
        if not isinstance(path, str) or not path or not isinstance(label, str):
            return None
        folders.append(Folder(path, label))
    return tuple(folders)


def remembered_folder(index_dir: Path) -> str | None:
    """The first source folder of an index, even of one `read_manifest` refuses (a rebuild)."""
    folders = remembered_folders(index_dir)
    return folders[0].path if folders else None


def remembered_folders(index_dir: Path) -> tuple[Folder, ...]:
    """The source folders of an index, even of one `read_manifest` refuses (a rebuild).

    The manifest names them; when the manifest is damaged or gone, the newest record of source
    files (`state-<generation>.json` in a store) names the first one.
    """
    candidates = [index_dir / MANIFEST_NAME]
    with contextlib.suppress(OSError):
        states = index_dir.glob("store-*/state-*.json")
        candidates += sorted(states, key=_modified, reverse=True)
    for path in candidates:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(raw, dict):
            continue
        folder = raw.get("folder")
        folders = _folders(raw.get("folders"), folder if isinstance(folder, str) else None)
        if folders:
            return folders
    return ()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically (write a temporary file, fsync, rename)."""
    path = index_dir / MANIFEST_NAME
    tmp = index_dir / f"{MANIFEST_NAME}.tmp-{os.getpid()}"
    replace_json(path, tmp, json.dumps(manifest.to_json(), indent=2), durable=True)


def new_store_name() -> str:
    """A fresh, sortable store directory name."""
    return f"store-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"


def store_path(index_dir: Path, manifest: Manifest) -> Path:
    """The whoosh directory the manifest points at; raises IndexUnusableError if it is gone."""
    path = index_dir / manifest.store
    if not path.is_dir():
        raise damaged(index_dir, f"{path} is missing")
    return path


def remove_other_stores(index_dir: Path, keep: str | None) -> None:
    """Remove every store but `keep`: replaced ones, and any a killed rebuild left half-written.

    Only a writer holding the lock calls this. A searcher still reading a removed store is not
    disturbed: its files are open, and POSIX keeps removed files readable while they are.
    """
    for path in index_dir.glob("store-*"):
        if path.name != keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _describe_holder(lock_path: Path) -> str:
    try:
        info = json.loads(lock_path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or not info.get("pid"):
        return f"another process (lock file {lock_path})"
    return (
        f"process {info.get('pid')} on host {info.get('host')} (since {info.get('started')},"
        f" command: {info.get('command')}; lock file {lock_path})"
    )


def _open_lock_file(index_dir: Path) -> Any:
    try:
        # Private: an index of one's mail must not be readable by every user of the machine.
        # (A folder that exists already keeps the permissions its owner gave it.)
        index_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return open(index_dir / LOCK_NAME, "a+", encoding="utf-8")
    except OSError as error:
        raise IndexWriteError(
            f"Cannot write to the index directory {index_dir} ({error.strerror or error})."
        ) from error


def writer_active(index_dir: Path) -> str | None:
    """Who is writing the index right now (a description), or None when nobody is.

    A shared lock is tried and let go at once: it fails only while a writer holds the lock.
    """
    lock_path = index_dir / LOCK_NAME
    try:
        handle = open(lock_path, encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError:
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _describe_holder(lock_path)
    except OSError:
        return None
    finally:
        handle.close()  # closing releases a lock taken above
    return None


@contextlib.contextmanager
def write_lock(index_dir: Path, timeout: float = 10.0) -> Iterator[None]:
    """Hold the index's write lock, waiting up to `timeout` seconds for another writer.

    flock is released by the kernel when its holder dies, so a killed indexer never leaves a
    stale lock behind; the JSON in the file only describes the holder for the error message.
    """
    handle = _open_lock_file(index_dir)
    lock_path = index_dir / LOCK_NAME
    held = False
    try:
        deadline = time.monotonic() + timeout
        while not held:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"The index at {index_dir} is being written by "
                        f"{_describe_holder(lock_path)}. Waited {timeout:g} s. Wait for it to "
                        "finish, or try again with a longer --lock-timeout."
                    ) from None
                time.sleep(0.1)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": now_iso(),
            "command": " ".join(sys.argv[:3]) or "python",
        }
        with contextlib.suppress(OSError):
            # "a+" appends: empty the file first so it holds this holder's description only.
            handle.truncate(0)
            handle.write(json.dumps(info))
            handle.flush()
        yield
    finally:
        if held:
            # Only the holder empties the file: a waiter that gives up must not erase the
            # description the next waiter's message needs.
            with contextlib.suppress(OSError):
                handle.truncate(0)
        handle.close()
