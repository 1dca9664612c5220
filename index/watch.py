"""Keeping an index in step with its folder while files change: a sync after each burst of changes.

The watching is watchfiles' (the operating system's change notifications, debounced); the syncing
is the ordinary incremental sync, so a watched index is exactly what `index` would build. The
watcher outlives what a folder goes through: a sync that fails (a file locked by another indexer,
a folder emptied) is reported and the next change tries again; a folder moved away is waited for.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from index.errors import NewsletterSearchError

# A burst of saves (an editor, a mail client, an rsync) settles before one sync runs.
DEBOUNCE_MS = 1600
# How often, with nothing changing, the watcher looks whether it should stop or the folder went.
_CHECK_MS = 1000


def watch_folder(
    folder: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    sync: Callable[[], Any],
    *,
    on_sync: Callable[[Any], None],
    on_error: Callable[[str], None],
    stop: threading.Event | None = None,
    ignore: tuple[str | os.PathLike[str], ...] = (),
    debounce_ms: int = DEBOUNCE_MS,
) -> None:
    """Call `sync` after each burst of changes under `folder` (one or several) until `stop`.

    Each report goes to `on_sync`; a sync that fails with one of our errors, and a folder that is
    gone, go to `on_error` as a message, and watching goes on (over the folders still there).
    Paths in `ignore` (the index itself, when it lives inside the folder) never trigger a sync.
    Ctrl-C stops it too.
    """
    from watchfiles import DefaultFilter, watch

    given = [folder] if isinstance(folder, str | os.PathLike) else list(folder)
    wheres = [Path(one).expanduser().resolve() for one in given]
    stop = stop or threading.Event()
    ignored = DefaultFilter(ignore_paths=[str(Path(p).expanduser().resolve()) for p in ignore])
    missing: set[Path] = set()
    while not stop.is_set():
        present = [where for where in wheres if where.is_dir()]
        gone = set(wheres) - set(present)
        for where in sorted(gone - missing):
            on_error(f"{where} is gone; waiting for it to come back.")
        came_back = missing - gone
        missing = gone
        if came_back:
            _run(sync, on_sync, on_error)  # back: whatever changed meanwhile
        if not present:
            stop.wait(_CHECK_MS / 1000)
            continue
        try:
            for changes in watch(
                *present,
                watch_filter=ignored,
                debounce=debounce_ms,
                stop_event=stop,
                rust_timeout=_CHECK_MS,
                yield_on_timeout=True,
            ):
                if changes:
                    _run(sync, on_sync, on_error)
                if [where for where in wheres if where.is_dir()] != present:
                    break  # one went or came back: watch what is there now
        except (OSError, RuntimeError):
            # A watched folder went away under the watcher: the loop waits for it.
            if all(where.is_dir() for where in present):
                raise


def _run(
    sync: Callable[[], Any], on_sync: Callable[[Any], None], on_error: Callable[[str], None]
) -> None:
    try:
        report = sync()
    except NewsletterSearchError as error:
        on_error(str(error))
    else:
        on_sync(report)


__all__ = ["DEBOUNCE_MS", "watch_folder"]
