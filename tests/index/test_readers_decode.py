"""Decoding issue files: BOMs, UTF-16, legacy single-byte encodings, and bytes that are not text."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from index.errors import IssueReadError
from index.parse import parse_issue
from index.readers.decode import decode_bytes

TEXT = "Tide tables\n\nHigh water at 06:12 costs nothing to watch — entry £0.\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM: recognised by its NUL bytes
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le-no-bom"],
)
def test_unicode_encodings(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "tides.txt"
    path.write_bytes(data)
    issue = parse_issue(path)
    assert issue.headline == "Tide tables"
    assert issue.body == "High water at 06:12 costs nothing to watch — entry £0."


def test_legacy_bytes_prefer_cp1252() -> None:
    data = b"Chelsea sign a striker for \xa315.8m, a club record \x96 and \x93worth it\x94.\n"
    assert (
        decode_bytes(data, "x")
        == "Chelsea sign a striker for £15.8m, a club record – and “worth it”.\n"
    )


def test_latin1_accents() -> None:
    assert decode_bytes("Caf\xe9 cr\xe8me br\xfbl\xe9e\n".encode("latin-1"), "x") == (
        "Café crème brûlée\n"
    )


def test_control_characters_are_dropped_and_line_endings_normalised() -> None:
    assert decode_bytes(b"one\x02 two\r\nthree\rfour\x1b[0m\n", "x") == "one two\nthree\nfour[0m\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n", "empty file"),
        (codecs.BOM_UTF8 + b"\n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (bytes(range(1, 9)) * 40, "binary file"),
    ],
    ids=["empty", "whitespace", "bom-only", "png-bytes", "control-bytes"],
)
def test_not_text(data: bytes, reason: str) -> None:
    with pytest.raises(IssueReadError) as caught:
        decode_bytes(data, "some/file.txt")
    assert caught.value.reason == reason
    assert caught.value.path == "some/file.txt"
