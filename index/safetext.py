"""Untrusted text made harmless: control characters out of parsed fields, escapes for display.

Issues are untrusted input. A newsletter can carry terminal escape sequences (an RFC 2047 subject
holding `ESC ] 52 ; ...`, which writes the clipboard in many terminals; an HTML `&#27;`), and a
file name can hold any byte but "/" and NUL, including bytes that are not UTF-8 (Python carries
those as lone surrogates, "surrogateescape"). Parsed fields lose their control characters once,
when a reader's draft becomes an Issue; names and anything else printed go through `printable`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from typing import TypeVar

__all__ = ["clean_fields", "display_name", "printable", "strip_controls"]

T = TypeVar("T")

# C0 controls but tab and newline, DEL, and the C1 controls (0x80-0x9f: CSI, OSC, ST...).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What a terminal must not receive raw: the controls above, lone surrogates (a file name's
# undecodable bytes), and the bidirectional overrides that reorder what is shown.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


_SURROGATES = re.compile(r"[\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """`text` without control characters (tab and newline stay).

    Lone surrogates (a file or folder name's undecodable bytes, which become a fallback headline
    or a newsletter name) become visible escapes instead: no index or output can encode them.
    """
    return _SURROGATES.sub(_escape, _CONTROLS.sub("", text))


def clean_fields(value: T) -> T:
    """`value` with control characters stripped from every string in it (dataclasses, tuples)."""
    if isinstance(value, str):
        return strip_controls(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(clean_fields(item) for item in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: clean_fields(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # an undecodable byte of a file name, as that byte
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = True) -> str:
    """`text` safe to write to a terminal: every unprintable character as a visible escape.

    Control characters become `\\x1b`-style escapes, a file name's undecodable bytes `\\xe9`.
    With `newlines=False` tab and newline are escaped too (a name that must stay on one line).
    """
    pattern = _UNPRINTABLE if newlines else _UNPRINTABLE_LINE
    return pattern.sub(_escape, text)


def display_name(name: str | os.PathLike[str]) -> str:
    """A file name or path as text that any output can carry (UTF-8 encodable, one line)."""
    return printable(os.fspath(name), newlines=False)
