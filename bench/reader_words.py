"""What a reader sees of an issue file, read independently of index/readers: the parse's oracle."""

# Deliberately plain: no newsletter heuristics, only the container format undone (mail headers,
# MIME, front matter, Markdown and HTML markup, page chrome), so that words the parser loses show
# up as words missing from its fields. URLs are left out: they are links, not words.

from __future__ import annotations

import email
import email.policy
import mailbox
import re
import warnings
from email.message import Message
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from markdown_it import MarkdownIt

from index.errors import IssueReadError
from index.readers.decode import decode_bytes
from index.readers.textutil import is_promo

_URL = re.compile(r"<?\b(?:https?|ftp)://\S+|\bmailto:\S+")
# A field name is any printable ASCII but the colon (RFC 5322): "Article-I.D.:" too.
_HEADER = re.compile(r"^[!-9;-~]{1,60}:")
_FRONT_KEY = re.compile(r"^[A-Za-z][\w -]{0,30}:\s")
_CHROME = ("script", "style", "nav", "header", "footer", "form", "svg", "noscript", "head")
_MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _html_text(html: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_CHROME):
        tag.decompose()
    # What a reader reads is the article when the page marks one (pagination and sign-up
    # boxes around it are the site's, not the issue's).
    articles = soup.find_all("article")
    content = articles[0] if len(articles) == 1 else (soup.find("main") or soup)
    return content.get_text("\n")


def _after_headers(text: str) -> str:
    """A text without a leading block of two or more `Key: value` lines (mail/news headers),
    and then without the signature under its last "-- " line."""
    lines = text.split("\n")
    n = 0
    while n < len(lines) and lines[n].strip():
        if not (_HEADER.match(lines[n]) or (n and lines[n][:1] in " \t")):
            return text
        n += 1
    if n < 2:
        return text
    post = lines[n:]
    marks = [i for i, line in enumerate(post) if line.rstrip() == "--"]
    return "\n".join(post[: marks[-1]] if marks else post)


def _without_front_matter(text: str) -> str:
    lines = text.lstrip("\n").split("\n")
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        for i in range(1, len(lines)):
            if lines[i].strip() == fence:
                return "\n".join(lines[i + 1 :])
        return text
    n = 0
    while n < len(lines) and lines[n].strip() and _FRONT_KEY.match(lines[n]):
        n += 1
    if n and (n == len(lines) or not lines[n].strip()):
        return "\n".join(lines[n:])
    return text


def _message_text(msg: Message) -> str:
    html = plain = ""
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text = payload.decode(part.get_content_charset() or "utf-8", "replace")
        if part.get_content_type() == "text/html" and not html:
            html = _html_text(text)
        elif part.get_content_type() == "text/plain" and not plain:
            plain = text
    return html or plain


def _strip_urls(text: str) -> str:
    """The text without URLs and without subscription boilerplate lines (never issue text)."""
    lines = _URL.sub(" ", text).split("\n")
    return "\n".join(line for line in lines if not is_promo(line.strip()))


def reader_words(path: Path, fmt: str) -> list[str]:
    """The text a reader sees in each issue of a file (one per message of an mbox)."""
    data = path.read_bytes()
    if fmt == "mbox":
        box = mailbox.mbox(path, create=False)
        try:
            raws = [box.get_bytes(key) for key in box.iterkeys()]
        finally:
            box.close()
        return [_strip_urls(_message_text(email.message_from_bytes(raw))) for raw in raws]
    if fmt == "email":
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        return [_strip_urls(_message_text(msg))]
    try:
        text = decode_bytes(data, str(path))
    except IssueReadError:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == "html":
        return [_strip_urls(_html_text(text))]
    if fmt == "markdown" and path.suffix.lower() != ".rst":
        html = _MARKDOWN.render(_without_front_matter(text))
        return [_strip_urls(_html_text(html))]
    if fmt == "markdown":
        return [_strip_urls(_without_front_matter(text))]
    return [_strip_urls(_after_headers(text))]
