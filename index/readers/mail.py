"""Email issues: one .eml message, or each message of an mbox, read with stdlib `email`."""

from __future__ import annotations

import contextlib
import email
import email.errors
import email.header
import email.policy
import email.utils
import mailbox
import re
from email.message import EmailMessage, Message
from pathlib import Path

from index.errors import IssueNotFoundError, IssueReadError
from index.readers.decode import decode_bytes, message_bytes
from index.readers.draft import Draft
from index.readers.html_reader import extract_html
from index.readers.mailguard import cap_headers
from index.readers.text import clean_subject, read_text
from index.readers.textutil import split_sender, squash

# "Ann Lee from The Weekly", "Ann Lee | The Weekly": the sender names both writer and newsletter.
_NEWS_HEADERS = ("Newsgroups", "Lines", "NNTP-Posting-Host", "Path")


def _raw_header(msg: Message, name: str) -> str:
    """A header's value as written, RFC 2047 words decoded where they can be."""
    raw = str(next((value for key, value in msg.raw_items() if key.lower() == name.lower()), ""))
    with contextlib.suppress(ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        raw = str(email.header.make_header(email.header.decode_header(raw)))
    return squash(raw)


def _header(msg: Message, name: str) -> str:
    """A header as text, or its raw value when the structured parse fails."""
    try:
        value = msg.get(name)
    except Exception:
        # The stdlib's structured header parser can raise almost anything (IndexError,
        # HeaderParseError, ...) on a damaged address or date; the raw text still reads.
        return _raw_header(msg, name)
    return squash(str(value)) if value is not None else ""


def _part_text(part: Message) -> str:
    """The decoded text of a MIME part (transfer encoding and declared charset undone)."""
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
            if isinstance(content, str):
                return content
        except (LookupError, ValueError, UnicodeError, KeyError, AssertionError):
            pass  # unknown charset or damaged encoding: decode the raw payload ourselves
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        return ""
    try:
        return decode_bytes(payload, "<mime part>", part.get_content_charset())
    except IssueReadError:
        return ""


def _text_parts(msg: Message) -> tuple[str, str]:
    """(html, plain) bodies of a message: the first of each type that is not an attachment."""
    html = plain = ""
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/html" and not html:
            html = _part_text(part)
        elif kind == "text/plain" and not plain:
            plain = _part_text(part)
    return html, plain


def _from_name(msg: Message) -> str:
    """The sender's name: the display name, or the old "addr (Full Name)" comment form."""
    name, _ = email.utils.parseaddr(_header(msg, "From"))
    if name.strip():
        return squash(name)
    raw = _raw_header(msg, "From")
    # No name at all: an address's mailbox ("news", "hello") names neither writer nor letter.
    return squash(email.utils.parseaddr(raw)[0].strip("\"' "))


def _sender(draft: Draft, msg: Message) -> None:
    name = _from_name(msg)
    if any(header in msg for header in _NEWS_HEADERS):
        # A Usenet post gated through mail: the sender wrote it, the group publishes it.
        draft.byline = draft.byline or name
        draft.is_post = True
        draft.groups = [g.strip() for g in _header(msg, "Newsgroups").split(",") if g.strip()]
        draft.newsletter = draft.groups[0] if draft.groups else ""
        return
    writer, newsletter = split_sender(name)
    if writer:
        draft.byline, draft.authors = writer, [writer]
    list_name = email.utils.parseaddr(_header(msg, "List-Id"))[0]
    draft.newsletter = newsletter or list_name


def message_draft(msg: Message, shown: str) -> Draft:
    """Read one parsed message into a Draft; IssueReadError when it holds nothing usable."""
    subject = _header(msg, "Subject")
    html, plain = _text_parts(msg)
    if html.strip():
        draft = extract_html(html)
    elif plain.strip():
        draft = read_text(plain, headline=subject)
    else:
        draft = Draft()
    if subject:
        draft.headline, draft.number = clean_subject(subject)
    if not (draft.headline or draft.paragraphs or draft.briefs) and msg.defects:
        raise IssueReadError(shown, "truncated MIME message")
    byline = draft.byline
    _sender(draft, msg)
    draft.byline = draft.byline or byline
    date = _header(msg, "Date")
    if date:
        with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
            draft.date = email.utils.parsedate_to_datetime(date).date()
    draft.message_id = _header(msg, "Message-ID")
    return draft


def read_email(data: bytes, shown: str) -> Draft:
    """Read one RFC 5322 message (an .eml file)."""
    data = cap_headers(message_bytes(data, shown))
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not msg.keys() and not msg.get_payload():
        raise IssueReadError(shown, "not an email message")
    return message_draft(msg, shown)


# A body line that began "From " was written as ">From " (mboxo), and one that began ">From " as
# ">>From " (mboxrd); RFC 4155. Taking one ">" off reads both right but for the rare original
# ">From " line in an mboxo file, which cannot be told from an escaped one.
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.M)


def unescape_from(raw: bytes) -> bytes:
    """A message from an mbox with its body's ">From " escaping undone."""
    return _ESCAPED_FROM.sub(rb"\1", raw)


def mbox_message(path: Path, ordinal: int) -> bytes:
    """The `ordinal`-th message (1-based, as issue ids count) of an mbox, as it was sent."""
    box = mailbox.mbox(path, create=False)
    try:
        for n, key in enumerate(box.iterkeys(), start=1):
            if n == ordinal:
                return unescape_from(box.get_bytes(key))
    finally:
        box.close()
    raise IssueNotFoundError(f"{path} holds no message {ordinal}.")


def read_mbox(path: Path, data: bytes, shown: str) -> list[Draft]:
    """Read every message of an mbox in file order; a message that fails is skipped.

    Each draft's `ordinal` is the message's 1-based place in the file, so that ids stay
    stable when one message in the middle cannot be read.
    """
    if not data.strip():
        raise IssueReadError(shown, "empty file")
    box = mailbox.mbox(path, create=False)
    try:
        raw_messages = [unescape_from(box.get_bytes(key)) for key in box.iterkeys()]
    finally:
        box.close()
    drafts = []
    for n, raw in enumerate(raw_messages, start=1):
        msg = email.message_from_bytes(cap_headers(raw), policy=email.policy.default)
        try:
            draft = message_draft(msg, f"{shown}#{n}")
        except IssueReadError:
            if len(raw_messages) == 1:
                raise
            continue
        draft.ordinal = n
        drafts.append(draft)
    if not drafts:
        raise IssueReadError(shown, "mailbox holds no readable messages")
    return drafts
