"""Walking an HTML content tree in document order: node text, headings, linked list items, prose."""

from __future__ import annotations

import re
import warnings
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from index.readers.collect import Collector
from index.readers.draft import Draft
from index.readers.items import read_item
from index.readers.textutil import squash

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_BLOCK_LIST = sorted(BLOCK_TAGS)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BY_AUTHOR = re.compile(r"^[\s,(–—-]*by\s+(?P<name>[^,;()|]{2,60}?)[\s.,;:)]*$", re.I)


# Deeper tags are dropped while parsing (their text stays, in the deepest tag kept). Real pages,
# table-laid newsletters included, nest a few dozen levels; html.parser nests every unclosed <p>
# or <li>, so a sloppy page goes deeper, but not this deep. A hostile page nested 100,000 deep
# made walking the tree quadratic (minutes); kept to this depth, it reads in seconds.
MAX_DEPTH = 256


class _ShallowSoup(BeautifulSoup):
    """A BeautifulSoup tree never deeper than MAX_DEPTH tags (see there)."""

    def __init__(self, markup: str) -> None:
        self._dropped: dict[str, int] = {}
        super().__init__(markup, "html.parser")

    def handle_starttag(self, name: str, *args: Any, **kwargs: Any) -> Tag | None:
        if len(self.tagStack) <= MAX_DEPTH:
            return super().handle_starttag(name, *args, **kwargs)
        if not self.builder.can_be_empty_element(name):
            self._dropped[name] = self._dropped.get(name, 0) + 1  # its end tag goes too
        return None  # bs4: "proceed as if the tag had not occurred"

    def handle_endtag(self, name: str, nsprefix: str | None = None) -> None:
        if self._dropped.get(name):
            self._dropped[name] -= 1
            return
        super().handle_endtag(name, nsprefix)


def make_soup(markup: str) -> BeautifulSoup:
    """Parse markup with the stdlib html.parser backend, at most MAX_DEPTH tags deep.

    BeautifulSoup warns when a short input looks like a file name or an XHTML page looks like
    XML; an issue is markup whatever it looks like, and those warnings would only be noise.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return _ShallowSoup(markup)


def node_text(node: PageElement, stop: PageElement | None = None) -> str:
    """The visible text of a node, with a space wherever a block or <br> separates words.

    With `stop`, only the text before that descendant.
    """
    if isinstance(node, PreformattedString):
        return ""  # comments, CDATA, doctypes: never text
    if isinstance(node, NavigableString):
        return squash(str(node))
    if not isinstance(node, Tag):
        return ""
    pieces: list[str] = []
    for item in node.descendants:
        if item is stop:
            break
        if isinstance(item, PreformattedString):
            continue
        if isinstance(item, NavigableString):
            pieces.append(str(item))
        elif isinstance(item, Tag) and (item.name in BLOCK_TAGS or item.name == "br"):
            pieces.append(" ")
        elif isinstance(item, Tag) and item.name == "img":
            alt = item.get("alt")
            pieces.append(f" {alt} " if isinstance(alt, str) else " ")
    return squash("".join(pieces))


def _href(tag: Tag) -> str:
    href = tag.get("href")
    return href.strip() if isinstance(href, str) else ""


def _author_after(link: Tag) -> str:
    """The name in "Title</a> by Ruud van Asseldonk": the text right after a link."""
    pieces = []
    for sibling in link.next_siblings:
        if isinstance(sibling, Tag) and (sibling.name in BLOCK_TAGS or sibling.name == "a"):
            break
        pieces.append(node_text(sibling))
    match = _BY_AUTHOR.match(" ".join(pieces))
    return squash(match.group("name")) if match else ""


class ContentWalker:
    """Feeds a Collector from an HTML content root; `skip` is the headline's <h1>."""

    def __init__(self, draft: Draft, skip: Tag | None) -> None:
        self.collector = Collector(draft)
        self.skip = skip
        self._inline: list[PageElement] = []

    def run(self, root: Tag) -> None:
        """Walk the whole root, then let the collector file the prose."""
        self._walk(root)
        self._flush()
        self.collector.finish()

    def _flush(self) -> None:
        if self._inline:
            self.collector.prose(" ".join(node_text(n) for n in self._inline))
            self._inline = []

    def _walk(self, node: Tag) -> None:
        for child in list(node.children):
            if isinstance(child, PreformattedString):
                continue
            if isinstance(child, NavigableString) or (
                isinstance(child, Tag) and child.name not in BLOCK_TAGS
            ):
                self._inline.append(child)
                continue
            if not isinstance(child, Tag):
                continue
            self._flush()
            self._block(child)

    def _block(self, tag: Tag) -> None:
        if tag is self.skip or tag.name == "hr":
            return
        if tag.name in _HEADINGS:
            self._heading(tag)
        elif tag.name == "li":
            self._item(tag)
        elif tag.find(_BLOCK_LIST) is not None:
            self._walk(tag)  # a container: its blocks are the units
        else:
            self.collector.prose(node_text(tag))

    def _heading(self, tag: Tag) -> None:
        text = node_text(tag)
        links = [a for a in tag.find_all("a") if _href(a)]
        link_text = " ".join(node_text(a) for a in links)
        if links and len(link_text) >= 0.5 * len(text):
            self.collector.linked_heading(link_text, _href(links[0]))
        else:
            self.collector.heading(text)

    def _item(self, item: Tag) -> None:
        # Nested lists are items of their own: take them out, read this item, then them.
        nested = [
            lst.extract() for lst in item.find_all(["ul", "ol"]) if lst.find_parent("li") is item
        ]
        links = [a for a in item.find_all("a") if _href(a)]
        if not links:
            self.collector.prose(node_text(item))
        else:
            first = links[0]
            label = node_text(first)
            blurb = " ".join(node_text(q.extract()) for q in item.find_all("blockquote"))
            line = node_text(item)
            if label:
                headline, rest, author = read_item(line, label, len(node_text(item, stop=first)))
            else:
                headline, rest, author = line, "", ""
            author = author or _author_after(first)
            self.collector.brief(headline, squash(f"{rest} {blurb}"), author, _href(first))
        for lst in nested:
            self._walk(lst)
