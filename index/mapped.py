"""Segment files read through a memory map, without the copy whoosh makes of a mapped file.

whoosh reads a term lookup or a block of postings as a dozen small reads. Through a plain file
each is a seek and a read across three Python layers (StructFile, SubFile, the file); through a
memory map it is a slice. whoosh's own mapped files (BufferFile) copy the whole file into a
BytesIO when opened, which cost a one-query CLI run more than its query; here nothing is copied:
pages are read by the operating system as they are touched.
"""

from __future__ import annotations

import contextlib
import mmap
from array import array
from sys import byteorder
from typing import Any

from whoosh.filedb.structfile import StructFile

# What peek gives at most: a block header, not the 128 KB pickle asks to look ahead.
_PEEK = 512


class _View:
    """A read-only file over a memoryview: what StructFile needs of a file (read, seek, tell)."""

    def __init__(self, view: memoryview, keep: Any = None) -> None:
        self._view = view
        self._pos = 0
        self._keep = keep  # the map, closed with the outermost file

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def peek(self, size: int = 1) -> bytes:
        # pickle.load reads ahead through peek: one call a pickle, not one per opcode.
        return bytes(self._view[self._pos : self._pos + min(max(size, 1), _PEEK)])

    def readline(self, size: int | None = -1) -> bytes:
        rest = self._view[self._pos :]
        found = bytes(rest).find(b"\n")
        length = len(rest) if found < 0 else found + 1
        if size is not None and size >= 0:
            length = min(length, size)
        return self.read(length)

    def seek(self, position: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._view)}[whence]
        self._pos = max(0, base + position)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if self._keep is not None:
            # Slices still held elsewhere keep the map alive: it closes when they are gone.
            with contextlib.suppress(BufferError):
                self._view.release()
                self._keep.close()
            self._keep = None


class MappedFile(StructFile):  # type: ignore[misc]
    """A whoosh StructFile over a slice of a memory map: `get` is a slice, `subset` a view."""

    def __init__(self, view: memoryview, name: str | None = None, keep: Any = None) -> None:
        super().__init__(_View(view, keep), name=name)
        self._buf = view

    def get(self, position: int, length: int) -> bytes:
        return bytes(self._buf[position : position + length])

    def get_array(self, position: int, typecode: str, length: int) -> array[Any]:
        found = array(typecode)
        found.frombytes(self.get(position, length * found.itemsize))
        if byteorder == "little":  # whoosh writes arrays big-endian
            found.byteswap()
        return found

    def subset(self, offset: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self._buf[offset : offset + length], name=name or self._name)


def open_mapped(path: str, name: str) -> MappedFile | None:
    """The file at `path` mapped for reading (None when it cannot be: empty, or no map)."""
    with open(path, "rb") as handle:
        try:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
    return MappedFile(memoryview(mapped), name=name, keep=mapped)
