"""Turning one file into `Issue` values: format detection, reading, and the path-derived fields."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from index.errors import IssueReadError
from index.model import Issue
from index.readers import finish, read_issues
from index.readers.sniff import detect
from index.safetext import clean_fields, display_name

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

__all__ = ["DEFAULT_MAX_BYTES", "detect_format", "parse_file", "parse_issue"]


def detect_format(path: Path, root: Path | None = None) -> str | None:
    """The issue format of a file, or None when the file is not an issue and should be ignored.

    Returns "text", "email", "mbox", "markdown" or "html". The extension decides (".txt",
    ".eml", ".mbox", ".md", ".markdown", ".rst", ".html", ".htm", ...); a file without one is
    sniffed: "From " opens an mbox, mail headers such as MIME-Version or Received make an email,
    "<html" makes a web page, anything else readable is text. None for other extensions (feeds,
    JSON, images, stylesheets), hidden files, licence/readme files, and, when `root` is given,
    files inside hidden folders below it (with no root, the folders of a relative path count).
    """
    return detect(Path(path), None if root is None else Path(root))


def _issue_id(path: Path, root: Path | None) -> str:
    """The id an issue keeps across runs: its path relative to root, in posix form.

    Shown as `display_name` shows it: a name that is not UTF-8 (`caf\\xe9.txt` in Latin-1) or
    that holds control characters gets visible escapes, so an id is text every output carries.
    """
    if root is None:
        return display_name(path.name)
    try:
        return display_name(path.relative_to(root).as_posix())
    except ValueError:
        return display_name(path.as_posix())  # outside root: still stable and unique


def parse_file(
    path: str | os.PathLike[str],
    root: str | os.PathLike[str] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[Issue]:
    """Every issue in a file (an mbox holds several, other formats one), in file order.

    Ids are the path relative to `root` (the file name when root is None), with "#1", "#2", ...
    appended for the messages of an mbox. Raises IssueReadError, and nothing else, for a file
    that cannot be read, decoded or parsed, or that is not an issue format at all.
    """
    file_path = Path(os.path.abspath(path))
    root_path = Path(os.path.abspath(root)) if root is not None else None
    if file_path.is_dir():
        raise IssueReadError(str(file_path), "is a directory")
    fmt = detect(file_path, None)
    if fmt is None:
        raise IssueReadError(str(file_path), "not an issue file (unsupported file type)")
    try:
        drafts = read_issues(file_path, fmt, max_bytes)
    except (IssueReadError, MemoryError):
        raise
    except RecursionError:
        raise IssueReadError(str(file_path), "markup nested too deeply to parse") from None
    except Exception as exc:
        # A parser library tripping over hostile input must cost one file, not a whole index
        # build; the reason names the failure so that it can be reported and fixed.
        reason = f"could not be parsed ({type(exc).__name__}: {exc})"
        raise IssueReadError(str(file_path), reason) from exc
    base_id = _issue_id(file_path, root_path)
    issues = []
    for n, draft in enumerate(drafts, start=1):
        issue_id = f"{base_id}#{draft.ordinal or n}" if fmt == "mbox" else base_id
        issue = finish(draft, issue_id, file_path, root_path, fmt)
        # Here, once for every reader: no field carries a control character (an escape
        # sequence in a subject, a sender's name, an HTML `&#27;`) to a terminal or a page.
        issues.append(clean_fields(replace(issue, path=display_name(issue.path))))
    return issues


def parse_issue(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> Issue:
    """The first (or only) issue in a file; raises IssueReadError when there is none."""
    issues = parse_file(path, root)
    if not issues:
        raise IssueReadError(str(Path(os.path.abspath(path))), "mailbox holds no messages")
    return issues[0]
