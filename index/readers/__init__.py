"""One reader per container format turning a file's bytes into `Draft`s, then into `Issue`s."""

from __future__ import annotations

import re
from pathlib import Path

from index.model import Issue
from index.readers.dates import date_from_filename
from index.readers.decode import decode_bytes, read_bytes
from index.readers.draft import Draft
from index.readers.naming import stated_newsletter, stem_headline
from index.readers.text import read_text
from index.readers.textutil import number_from_title, prettify_name, squash

__all__ = ["Draft", "finish", "read_issues"]

# Folder names that say how an archive is organised rather than which newsletter it holds;
# the newsletter name is looked for one level further up.
_GENERIC_FOLDERS = frozenset(
    {
        "issues",
        "issue",
        "archive",
        "archives",
        "posts",
        "post",
        "content",
        "newsletters",
        "newsletter",
        "mail",
        "email",
        "emails",
        "inbox",
        "html",
        "markdown",
        "md",
        "txt",
        "text",
        "src",
        "pages",
        "_posts",
        "data",
        "files",
        "docs",
    }
)
_DATE_FOLDER = re.compile(r"^\d{1,4}$")


def read_issues(path: Path, fmt: str, max_bytes: int) -> list[Draft]:
    """Read a file of a known format into drafts (several for an mbox); IssueReadError if not."""
    # Readers are imported when a file of their format comes: BeautifulSoup, markdown-it and
    # the email parser cost a sync of one changed text file 0.15-0.2 s of imports otherwise.
    data = read_bytes(path, max_bytes)
    shown = str(path)
    if fmt in ("mbox", "email"):
        from index.readers.mail import read_email, read_mbox

        return read_mbox(path, data, shown) if fmt == "mbox" else [read_email(data, shown)]
    if fmt == "html":
        from index.readers.html_reader import declared_charset, read_html

        return [read_html(decode_bytes(data, shown, declared_charset(data)), shown)]
    text = decode_bytes(data, shown)
    if fmt == "markdown":
        if path.suffix.lower() == ".rst":
            from index.readers.rst_reader import read_rst

            return [read_rst(text)]
        from index.readers.markdown_reader import read_markdown

        return [read_markdown(text)]
    return [read_text(text)]


def folder_newsletter(path: Path, root: Path | None) -> str:
    """The newsletter named by the folder an issue sits in, prettified (see `prettify_name`).

    Organising folders ("issues", "archive", "2024", "11") are skipped upwards, but never past
    `root`; a file directly in root takes root's name.
    """
    folder = path.parent
    while (
        folder.name.lower() in _GENERIC_FOLDERS or _DATE_FOLDER.match(folder.name)
    ) and folder != root:
        if folder.parent == folder or (root is not None and root not in folder.parents):
            break
        folder = folder.parent
    return prettify_name(folder.name) if folder.name else ""


def _newsletter(draft: Draft, path: Path, root: Path | None) -> str:
    """The file's own name for its newsletter, else the folder's.

    A post sent to several groups belongs to the one whose folder holds it ("sci.med/58106"
    crossposted to sci.energy first is still a sci.med post).
    """
    if path.parent.name in draft.groups:
        return path.parent.name
    return (
        squash(draft.newsletter)
        or ("" if draft.is_post else stated_newsletter([draft.standfirst, *draft.paragraphs[:3]]))
        or folder_newsletter(path, root)
    )


def finish(draft: Draft, issue_id: str, path: Path, root: Path | None, fmt: str) -> Issue:
    """Freeze a draft into an Issue, filling what the file's place supplies when it said nothing."""
    newsletter = _newsletter(draft, path, root)
    headline = squash(draft.headline) or stem_headline(path.stem, newsletter, draft.number)
    body_parts = [p for p in draft.paragraphs if p and p != draft.standfirst]
    return Issue(
        id=issue_id,
        path=str(path),
        newsletter=newsletter,
        headline=headline,
        byline=squash(draft.byline),
        date=draft.date or date_from_filename(path.name),
        body="\n\n".join(body_parts),
        briefs=tuple(draft.briefs),
        sections=tuple(draft.sections),
        standfirst=squash(draft.standfirst),
        number=draft.number if draft.number is not None else number_from_title(headline),
        links=tuple(draft.links),
        authors=tuple(dict.fromkeys(a for a in (squash(x) for x in draft.authors) if a)),
        format=fmt,
        message_id=draft.message_id.strip(),
    )
