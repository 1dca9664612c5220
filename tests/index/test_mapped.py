"""Memory-mapped segment files (index/mapped.py) read as whoosh's own file classes read."""

from __future__ import annotations

import pickle
from array import array
from io import BytesIO
from pathlib import Path

from whoosh.filedb.structfile import StructFile

from index.mapped import MappedFile, open_mapped


def _pair(tmp_path: Path, data: bytes) -> tuple[MappedFile, StructFile]:
    path = tmp_path / "part.seg"
    path.write_bytes(data)
    mapped = open_mapped(str(path), "part.seg")
    assert mapped is not None
    return mapped, StructFile(BytesIO(data), name="part.seg")


def test_reads_like_whoosh_structfile(tmp_path: Path) -> None:
    writer = StructFile(BytesIO())
    writer.write_int(-7)
    writer.write_pickle({"a": [1, 2]})
    writer.write(b"line one\nline two")
    writer.write_array(array("i", [3, 1, 2]))
    data = writer.file.getvalue()
    mapped, plain = _pair(tmp_path, data)
    for f in (mapped, plain):
        f.seek(0)
    assert mapped.read_int() == plain.read_int() == -7
    assert mapped.read_pickle() == plain.read_pickle() == {"a": [1, 2]}
    assert mapped.tell() == plain.tell()
    assert mapped.readline() == plain.readline() == b"line one\n"
    assert mapped.read(4) == plain.read(4) == b"line"
    assert mapped.get(0, 4) == plain.get(0, 4)
    start = len(data) - 12
    assert (
        list(mapped.get_array(start, "i", 3)) == list(plain.get_array(start, "i", 3)) == [3, 1, 2]
    )
    mapped.seek(-3, 2)
    assert mapped.read() == data[-3:]
    assert mapped.read(5) == b""
    mapped.close()


def test_a_subset_is_a_view_of_its_range(tmp_path: Path) -> None:
    data = bytes(range(64)) + pickle.dumps("inner")
    mapped, _ = _pair(tmp_path, data)
    inner = mapped.subset(64, len(data) - 64, name="inner")
    assert isinstance(inner, MappedFile)
    assert inner.read_pickle() == "inner"
    assert inner.get(0, 2) == data[64:66]
    assert mapped.subset(10, 4).read() == bytes(range(10, 14))
    inner.close()
    mapped.close()  # subsets alive: the map closes when they are gone, without an error


def test_an_empty_file_is_not_mapped(tmp_path: Path) -> None:
    path = tmp_path / "empty.seg"
    path.write_bytes(b"")
    assert open_mapped(str(path), "empty.seg") is None
