"""Deciding a file's issue format from its name, or from its first bytes if it has no extension."""

from __future__ import annotations

import re
from pathlib import Path

_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".eml": "email",
    ".mbox": "mbox",
    ".mbx": "mbox",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".rst": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
# Files that travel with an archive but are not issues of it (e.g. a dataset's README.TXT or a
# licence beside the pages), whatever their extension.
_NOT_ISSUES = frozenset(
    {
        "license",
        "licence",
        "copying",
        "notice",
        "readme",
        "changelog",
        "contributing",
        "code_of_conduct",
        "authors",
    }
)
_SNIFF_BYTES = 4096
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,40}:")
# Headers that a mail transport or a mail client writes, marking a file as an email message;
# news-only headers win over them, since posts gated through mail carry both.
_MAIL_ONLY = (b"received", b"return-path", b"delivered-to", b"dkim-signature", b"list-unsubscribe")
_NEWS_ONLY = (b"newsgroups", b"lines", b"nntp-posting-host", b"path")


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


def _sniff(path: Path) -> str:
    if path.exists() and not path.is_file():
        return "text"  # a pipe or device: opening it could block; the reader reports it
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return "text"  # unreadable: let the reader report why, rather than skip silently
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"From "):
        return "mbox"
    lowered = start[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    header_keys = []
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        if not line.strip():
            break
        if _HEADER_LINE.match(line):
            header_keys.append(line.split(b":", 1)[0].lower())
    if any(key in _NEWS_ONLY for key in header_keys):
        return "text"  # a Usenet post, even one that passed through a mail gateway
    if any(key in _MAIL_ONLY or key == b"mime-version" for key in header_keys):
        return "email"
    return "text"


def detect(path: Path, root: Path | None) -> str | None:
    """See `index.parse.detect_format`."""
    if root is not None:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            parts = (path.name,)
    elif path.is_absolute():
        parts = (path.name,)
    else:
        parts = path.parts
    if _hidden(parts) or path.name.startswith("~") or path.name.endswith("~"):
        return None  # hidden files, editor backups and lock files
    if path.name.split(".", 1)[0].lower() in _NOT_ISSUES:
        return None
    suffix = path.suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix and not suffix[1:].isdigit():
        return None  # a known-other or unknown extension: images, feeds, JSON, CSS, ...
    return _sniff(path)
