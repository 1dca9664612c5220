"""Replacing a small JSON file atomically: write a temporary file beside it, then rename it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from index.errors import IndexWriteError


def replace_json(path: Path, tmp: Path, text: str, *, durable: bool = False) -> None:
    """Put `text` at `path` through `tmp`; readers see the old file or the new one, never half.

    `durable` also fsyncs before the rename (the manifest: what every reader starts from).
    Raises IndexWriteError, leaving the old file in place.
    """
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise IndexWriteError(
            f"Could not write {path}: {error.strerror or error}. The previous index is kept."
        ) from error
