"""Reading a file's bytes safely and decoding them (UTF-8/16 first, legacy encodings last)."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from charset_normalizer import from_bytes

from index.errors import IssueReadError
from index.readers.textutil import clean_text

# Above this share of bytes >= 0x80 a file is not mostly-ASCII Western text.
_WESTERN_MAX_HIGH_RATIO = 0.10
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15"})
# Bytes that never occur in text: NUL and the C0 controls other than tab, LF, VT, FF, CR, ESC.
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_SNIFF_BYTES = 8192
# Old posts carry a few ESC or ^B bytes; a real binary has far more control bytes than that.
_MAX_CONTROL_RATIO = 0.10


def _size_label(n_bytes: int) -> str:
    if n_bytes % (1024 * 1024) == 0:
        return f"{n_bytes // (1024 * 1024)} MB"
    if n_bytes % 1024 == 0:
        return f"{n_bytes // 1024} KB"
    return f"{n_bytes} bytes"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """All of a file's bytes, or IssueReadError saying in a few words why it cannot be read."""
    shown = str(path)
    too_large = f"larger than {_size_label(max_bytes)} (limit set by --max-size)"
    if path.is_symlink() and not path.exists():
        raise IssueReadError(shown, "broken symlink")
    try:
        info = path.stat()
        size = info.st_size
        if stat.S_ISDIR(info.st_mode):
            raise IssueReadError(shown, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            # Reading a pipe or a device would block or never end.
            raise IssueReadError(shown, "not a regular file")
        if size > max_bytes:
            raise IssueReadError(shown, too_large)
        with path.open("rb") as handle:
            # Read one byte past the limit: a file may grow between stat() and read().
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise IssueReadError(shown, "permission denied") from None
    except FileNotFoundError:
        raise IssueReadError(shown, "file not found") from None
    except IsADirectoryError:
        raise IssueReadError(shown, "is a directory") from None
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        if exc.errno == errno.ELOOP:
            reason = "symlink loop"
        raise IssueReadError(shown, f"cannot be read ({reason.lower()})") from None
    if len(data) > max_bytes:
        raise IssueReadError(shown, too_large)
    return data


def _utf16_without_bom(data: bytes) -> str | None:
    """Spot BOM-less UTF-16 of mostly-ASCII text by its NUL byte in every other position."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:_SNIFF_BYTES]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls == 0:
        codec = "utf-16-le"
    elif even_nuls > 0.4 * half and odd_nuls == 0:
        codec = "utf-16-be"
    else:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    return controls > _MAX_CONTROL_RATIO * len(sample)


def _legacy_decode(data: bytes, shown: str, declared: str | None) -> str:
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, ValueError):  # unknown or malformed charset name, or wrong one
            pass
    high = sum(1 for b in data if b >= 0x80)
    # Western European text is mostly ASCII with the odd "£", "é" or curly quote; with so few
    # telling bytes charset-normalizer guesses wildly (a Japanese or Baltic code page), so
    # such text is read as cp1252. Text dense in high bytes (Cyrillic, Greek, ...) is left to it.
    if high <= _WESTERN_MAX_HIGH_RATIO * len(data):
        return _cp1252(data)
    results = from_bytes(data)
    best = results.best()
    if best is None:
        if high > 0.3 * len(data):
            raise IssueReadError(shown, "not valid UTF-8/UTF-16 and no legacy encoding fits")
        return _cp1252(data)
    # Among equally clean readings, the Western one is the likelier (charset-normalizer ranks
    # them by an order of its own when it sees no language).
    western = [m for m in results if m.encoding in _WESTERN]
    if western and western[0].chaos <= best.chaos:
        return _cp1252(data)
    return str(best)


def _cp1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps them to controls, dropped later.
        return data.decode("latin-1")


_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def message_bytes(data: bytes, path: str) -> bytes:
    """A mail message's bytes as an 8-bit mail parser reads them; IssueReadError if not text.

    A message saved as UTF-16 or UTF-32 (a Windows tool's "Unicode") is decoded and given back
    as UTF-8; empty, BOM-only and binary files are refused as the other formats refuse them.
    """
    if not data.strip():
        raise IssueReadError(path, "empty file")
    if data.startswith(_WIDE_BOMS) or _utf16_without_bom(data) is not None:
        return decode_bytes(data, path).encode("utf-8")
    if _looks_binary(data.lstrip(codecs.BOM_UTF8)):
        raise IssueReadError(path, "binary file")
    if not data.lstrip(codecs.BOM_UTF8).strip():
        raise IssueReadError(path, "empty file")
    return data


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> str:
    """Decode a file's bytes to clean text (LF line endings, no control characters).

    Order: a BOM (UTF-8, UTF-16, UTF-32) wins; then UTF-8; then BOM-less UTF-16; then the
    `declared` charset (from an HTML meta tag); then charset-normalizer, preferring cp1252
    when it is unsure. Raises IssueReadError for empty and binary files.
    """
    if not data.strip():
        raise IssueReadError(path, "empty file")
    text: str | None = None
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise IssueReadError(path, f"damaged {codec.upper()} text") from None
            break
    if text is None:
        text = _utf16_without_bom(data)
    if text is None:
        if _looks_binary(data):
            raise IssueReadError(path, "binary file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _legacy_decode(data, path, declared)
    text = clean_text(text.lstrip("\ufeff"))
    if not text.strip():
        raise IssueReadError(path, "empty file")
    return text
