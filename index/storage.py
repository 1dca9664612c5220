"""Opening the whoosh index of a store: for writing, for reading alongside writers, and tidying.

Readers never take the write lock, so a reader can lose a race with a writer: a commit removes
the table of contents the reader just listed, a rebuild switches the manifest and removes the
store the reader was about to open. `open_index` retries such races, and opens everything a
search needs inside the retry, so the searcher it returns keeps working whatever writers do next.
Damage (and old indexes) become IndexUnusableError with a message that says how to rebuild.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from index.errors import IndexMissingError, IndexUnusableError
from index.mapped import open_mapped
from index.schema import build_schema
from index.state import State, read_state
from index.store import Manifest, damaged, read_manifest, store_path

__all__ = [
    "OpenIndex",
    "closing_on_error",
    "field_lengths",
    "open_index",
    "open_store",
    "tidy_store",
]


def _length_of_byte() -> list[int | None]:
    from whoosh.util.numeric import byte_to_length

    return [None] + [byte_to_length(b) for b in range(1, 256)]


# A length byte -> the field length it stands for (0: none, as whoosh reads it).
_LENGTH_OF_BYTE = _length_of_byte()


def field_lengths(perdoc: Any, fieldname: str) -> list[int | None] | None:
    """Every document's length in a field, from a segment's per-document reader, read at once.

    None when the segment keeps no lengths for the field; None for a document with no length
    (a zero byte), as whoosh's own per-document reads say. Reading the column in one piece
    instead of one `doc_field_length` call a posting is what makes it worth having.
    """
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    raw = column._dbfile.get(column._basepos, column._count)
    return [_LENGTH_OF_BYTE[b] for b in raw]


def _remember_missing_columns() -> None:
    """Make whoosh's per-document reader remember that a segment has no column for a field.

    whoosh caches the column readers it finds but not the ones it does not: for a field without
    stored lengths (ids, keywords) it asks the file system again for every posting it writes.
    On This Week in Rust that was half a million `stat` calls, an eighth of the indexing time.
    A segment's files never change once written, so a miss can be remembered like a hit.
    """
    from whoosh.codec.whoosh3 import W3PerDocReader

    def cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        try:
            return self._readers[fieldname]
        except KeyError:
            found = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
            self._readers[fieldname] = found
            return found

    W3PerDocReader._cached_reader = cached_reader


_remember_missing_columns()


class _SegmentLengths:
    """A just-written segment's field lengths, each field's column read in one piece.

    whoosh's FieldWriter.add_postings asks the length of every posting it writes, one read of
    the column each (12% of a build's time): here each column is read once, into a list.
    """

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._columns: dict[str, list[int | None]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        column = self._columns.get(fieldname)
        if column is None:
            column = self._columns[fieldname] = self._read(fieldname)
        if not column:
            return default
        # As W3PerDocReader: past the stored lengths, or a zero byte, is no length (None).
        return column[docnum] if docnum < len(column) else None

    def _read(self, fieldname: str) -> list[int | None]:
        return field_lengths(self._reader, fieldname) or []


def _read_lengths_once() -> None:
    """Give whoosh's posting writer the field lengths of a new segment read once per field."""
    from whoosh.codec.base import FieldWriter
    from whoosh.codec.whoosh3 import W3PerDocReader

    original = FieldWriter.add_postings

    def add_postings(self: Any, schema: Any, lengths: Any, items: Any) -> Any:
        if type(lengths) is W3PerDocReader:
            lengths = _SegmentLengths(lengths)
        return original(self, schema, lengths, items)

    FieldWriter.add_postings = add_postings


_read_lengths_once()

# whoosh's compound segment files: all of a segment's terms, postings and stored fields.
_SEGMENT_SUFFIX = ".seg"

# A reader that loses a race with a writer (a store switched, a table of contents replaced)
# tries again; damage is reported after this many attempts.
_OPEN_ATTEMPTS = 5


class _Storage(FileStorage):  # type: ignore[misc]
    """whoosh's FileStorage, able to close every file it opened when an operation fails.

    whoosh does not clean up after a failure: a table of contents it cannot decode, or the files
    of a segment whose writing failed (disk full), stay open until garbage collection finds them.
    Inside `closing_on_error()`, this storage and the temporary storages it hands out note every
    file they open or create, and close them all if the block raises.
    """

    def __init__(
        self, path: str, box: dict[str, list[Any] | None] | None = None, mmap: bool = True
    ) -> None:
        # whoosh's own mapping copies each file it maps (index/mapped.py): never asked for.
        super().__init__(path, supports_mmap=False)
        self.mapped = mmap  # segment files through index.mapped
        # Shared with the temporary storages made from this one.
        self._box: dict[str, list[Any] | None] = box if box is not None else {"files": None}

    def _note(self, handle: Any) -> Any:
        files = self._box["files"]
        if files is not None:
            files.append(handle)
        return handle

    def open_file(self, name: str, **kwargs: Any) -> Any:
        if self.mapped and name.endswith(_SEGMENT_SUFFIX) and not kwargs:
            found = open_mapped(self._fpath(name), name)
            if found is not None:
                return self._note(found)
        return self._note(super().open_file(name, **kwargs))

    def create_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._note(super().create_file(name, *args, **kwargs))

    def temp_storage(self, name: str | None = None) -> Any:
        name = name or f"{os.urandom(8).hex()}.tmp"
        return _Storage(os.path.join(self.folder, name), self._box, self.mapped).create()

    @contextlib.contextmanager
    def closing_on_error(self) -> Iterator[None]:
        self._box["files"] = []
        try:
            yield
        except BaseException:
            for handle in self._box["files"] or ():
                with contextlib.suppress(Exception):
                    # The raw file: StructFile.close() may run whoosh's on-close writes.
                    getattr(handle, "file", handle).close()
            raise
        finally:
            self._box["files"] = None


@contextlib.contextmanager
def closing_on_error(ix: Any) -> Iterator[None]:
    """Close every file whoosh opens for `ix` in this block if the block fails."""
    storage = ix.storage
    if isinstance(storage, _Storage):
        with storage.closing_on_error():
            yield
    else:
        yield


def open_store(store: Path, *, mmap: bool = True) -> Any:
    """Open the whoosh index in `store`, checking that its table of contents and segments open.

    With `mmap`, segment files are read through memory maps (index/mapped.py): a reader's term
    lookups and postings are slices, not seeks and reads. The writer goes without.
    """
    storage = _Storage(str(store), mmap=mmap)
    with _decoding(store), storage.closing_on_error():
        ix = FileIndex(storage)
        toc = ix._read_toc()  # once: each of ix's properties reads the latest one again
        # Each segment's directory, not its contents: opening a reader would copy every
        # terms file into memory (whoosh's BufferFile), a tenth of a second on 20news.
        for segment in toc.segments:
            if segment.is_compound():
                segment.open_compound_file(storage).close()
    if set(toc.schema.names()) != set(build_schema().names()):
        raise damaged(store.parent, f"{store.name} holds an index of another shape")
    return ix


@contextlib.contextmanager
def _decoding(store: Path) -> Iterator[None]:
    """Whatever a damaged store raises inside whoosh becomes IndexUnusableError.

    (A truncated table of contents fails to unpickle, a garbled segment fails a struct read...)
    """
    try:
        yield
    except OSError as error:
        if isinstance(error, FileNotFoundError | NotADirectoryError):
            raise damaged(store.parent, f"a file of {store.name} is missing ({error})") from None
        raise IndexUnusableError(
            f"The index in {store} cannot be read ({error.strerror or error})."
        ) from None
    except Exception as error:  # whatever fails while decoding a store's files is damage
        raise damaged(
            store.parent, f"{store.name} cannot be opened ({type(error).__name__}: {error})"
        ) from None


@dataclass(frozen=True)
class OpenIndex:
    """A committed index opened for reading (see `open_index`)."""

    manifest: Manifest
    store: Path
    # whoosh's index object. Careful: its searcher() and reader() re-read whatever commit is
    # latest at the time they are called, which a writer may be removing; use `searcher`.
    index: Any
    # A whoosh searcher over the commit that was the latest when the index was opened; it keeps
    # working whatever writers do afterwards (its files are open, or mapped into memory).
    searcher: Any
    generation: int
    # The record of source files of that commit (when asked for).
    state: State | None

    def close(self) -> None:
        self.searcher.close()


def open_index(index_dir: Path, *, with_state: bool = False, mmap: bool = True) -> OpenIndex:
    """Open the committed index for reading, as a searcher should.

    Writers do not wait for readers: while this runs, a sync may commit and remove the table of
    contents or state just listed, and a rebuild may switch the manifest and remove the old store.
    Such a lost race (the manifest or the store's tables of contents differ after the failure) is
    retried; a failure with nothing moving is damage, reported as IndexUnusableError at once.
    Raises IndexMissingError when there is no index. `mmap`: see `open_store`.
    """
    attempt = 0
    while True:
        attempt += 1
        manifest = read_manifest(index_dir)
        store = index_dir / manifest.store
        tables = _tables_of_contents(store)
        try:
            return _open_for_reading(index_dir, manifest, with_state, mmap)
        except IndexUnusableError:
            moved = _tables_of_contents(store) != tables or _manifest_now(index_dir) != manifest
            if attempt >= _OPEN_ATTEMPTS or not moved:
                raise
            time.sleep(0.02 * attempt)


def _open_for_reading(
    index_dir: Path, manifest: Manifest, with_state: bool, mmap: bool
) -> OpenIndex:
    from whoosh.searching import Searcher

    store = store_path(index_dir, manifest)
    ix = open_store(store, mmap=mmap)
    with _decoding(store), ix.storage.closing_on_error():
        info = ix._read_toc()
        reader = FileIndex._reader(ix.storage, info.schema, info.segments, info.generation)
    try:
        state = read_state(store, info.generation) if with_state else None
    except IndexUnusableError:
        reader.close()
        raise
    return OpenIndex(manifest, store, ix, Searcher(reader, fromindex=ix), info.generation, state)


def _tables_of_contents(store: Path) -> set[str]:
    try:
        return {name for name in os.listdir(store) if name.endswith(".toc")}
    except OSError:
        return set()


def _manifest_now(index_dir: Path) -> Manifest | None:
    try:
        return read_manifest(index_dir)
    except (IndexMissingError, IndexUnusableError):
        return None


def tidy_store(store: Path, ix: Any) -> None:
    """Remove what killed or failed syncs left in a store (the caller holds the write lock).

    whoosh's writer keeps its sorting runs in `MAIN.tmp/`, writes a table of contents under a
    temporary name before renaming it, and only deletes unreferenced segment files at its next
    commit; our own temporary files end in `.tmp*`. None of these is part of the committed index.
    """
    from whoosh.index import clean_files

    generation = ix.latest_generation()
    for path in store.iterdir():
        name = path.name
        if path.is_dir() and name.endswith(".tmp"):
            shutil.rmtree(path, ignore_errors=True)
        elif ".toc." in name or ".tmp" in name:
            with contextlib.suppress(OSError):
                path.unlink()
    clean_files(ix.storage, ix.indexname, generation, ix._segments())
