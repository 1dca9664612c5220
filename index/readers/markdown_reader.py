"""Markdown issues: front matter for metadata, then markdown-it-py's token stream for content."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.readers.collect import Collector
from index.readers.dates import parse_date
from index.readers.draft import Draft
from index.readers.frontmatter import Meta, all_values, first_value, split_front_matter
from index.readers.html_walk import make_soup, node_text
from index.readers.textutil import squash

_PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
# Keep link targets as the issue wrote them: markdown-it would percent-encode them for HTML
# output (and that normalising is a sixth of the parse time on link-heavy issues).
_PARSER.normalizeLink = lambda url: url  # type: ignore[method-assign]
# A paragraph inside a section that is mostly one link ("[rPGP 0.14.0 ...](url)") is an item
# written without a list marker.
_LINK_SHARE = 0.5


def _rest(text: str) -> str:
    """What an item says besides its link text; nothing when that is only punctuation."""
    text = squash(text).strip(" -–—:|,")
    return text if any(c.isalnum() for c in text) else ""


def _is_comment(html: str) -> bool:
    return html.lstrip().startswith("<!--")


def _html_text(html: str) -> str:
    """Visible text of raw HTML inside Markdown (comments and markup dropped)."""
    if _is_comment(html) and html.rstrip().endswith("-->"):
        return ""
    return node_text(make_soup(html))


def inline_text(token: Token) -> tuple[str, list[tuple[str, str]]]:
    """Plain text of an inline token, and its links as (link text, href) in order."""
    pieces: list[str] = []
    links: list[tuple[str, str]] = []
    open_links: list[tuple[str, int]] = []  # (href, where its text starts in pieces)
    in_autolink = False  # <https://...>: its text is the URL itself, which is a link, not words
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline") and not in_autolink:
            pieces.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif kind == "image":
            pieces.append(f" {child.content} ")
        elif kind == "link_open":
            href = child.attrs.get("href")
            open_links.append((href if isinstance(href, str) else "", len(pieces)))
            in_autolink = child.markup == "autolink"
        elif kind == "link_close" and open_links:
            href, start = open_links.pop()
            links.append((squash("".join(pieces[start:])), href))
            in_autolink = False
        # html_inline (comments, <br>, <a> tags) carries markup, not words: skipped.
    return squash("".join(pieces)), links


class _MarkdownWalker:
    """Feeds a Collector from markdown-it block tokens."""

    def __init__(self, draft: Draft, take_title: bool) -> None:
        self.draft = draft
        self.collector = Collector(draft)
        self.take_title = take_title
        self.seen_content = False

    def _links(self, links: list[tuple[str, str]]) -> None:
        for _, href in links:
            self.draft.add_link(href)

    def run(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            i = self._block(tokens, i)
        self.collector.finish()

    def _block(self, tokens: list[Token], i: int) -> int:
        """Handle the block starting at tokens[i]; return the index after it."""
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            text, links = inline_text(tokens[i + 1])
            self._links(links)
            if token.tag == "h1" and self.take_title and not self.seen_content:
                self.draft.headline = text  # a leading "# Title" names the issue
            else:
                self.collector.heading(text)
            self.take_title = False
            self.seen_content = True
            return i + 3
        self.seen_content = True
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self._list(tokens, i)
        if kind == "paragraph_open":
            self._paragraph(tokens[i + 1])
            return i + 3
        if kind == "html_block":
            self.collector.prose(_html_text(token.content))
        elif kind in ("fence", "code_block"):
            self.collector.prose(token.content)
        elif kind in ("blockquote_open", "table_open"):
            return self._container(tokens, i)
        return i + 1

    def _paragraph(self, inline: Token) -> None:
        text, links = inline_text(inline)
        self._links(links)
        if (
            self.collector.section
            and links
            and text.startswith(links[0][0])
            and len(links[0][0]) >= _LINK_SHARE * len(text)
        ):
            headline, href = links[0]
            self.collector.brief(headline, _rest(text[len(headline) :]), link=href)
        else:
            self.collector.prose(text)

    def _container(self, tokens: list[Token], i: int) -> int:
        """A blockquote or table: all of its text is one paragraph of prose."""
        close = tokens[i].type.replace("_open", "_close")
        depth, texts = 0, []
        j = i
        while j < len(tokens):
            t = tokens[j]
            if t.type == tokens[i].type:
                depth += 1
            elif t.type == close:
                depth -= 1
                if depth == 0:
                    break
            elif t.type == "inline":
                text, links = inline_text(t)
                self._links(links)
                texts.append(text)
            elif t.type == "html_block":
                texts.append(_html_text(t.content))
            j += 1
        self.collector.prose(" ".join(texts))
        return j + 1

    def _list(self, tokens: list[Token], i: int) -> int:
        """A list: each item with a link is a brief, other items are prose; nested lists too."""
        open_type = tokens[i].type
        close_type = open_type.replace("_open", "_close")
        j = i + 1
        item_texts: list[str] = []
        item_links: list[tuple[str, str]] = []
        while j < len(tokens) and tokens[j].type != close_type:
            t = tokens[j]
            if t.type == "list_item_open":
                item_texts, item_links = [], []
            elif t.type == "list_item_close":
                self._item(item_texts, item_links)
                item_texts, item_links = [], []
            elif t.type in ("bullet_list_open", "ordered_list_open"):
                # The item's own text comes before its sub-list: file it first.
                self._item(item_texts, item_links)
                item_texts, item_links = [], []
                j = self._list(tokens, j)
                continue
            elif t.type == "inline":
                text, links = inline_text(t)
                item_texts.append(text)
                item_links.extend(links)
            elif t.type in ("fence", "code_block"):
                item_texts.append(t.content)
            elif t.type == "html_block":
                item_texts.append(_html_text(t.content))
            j += 1
        return j + 1

    def _item(self, texts: list[str], links: list[tuple[str, str]]) -> None:
        self._links(links)
        text = squash(" ".join(texts))
        if not text:
            return
        linked = [(label, href) for label, href in links if label]
        if not linked:
            self.collector.prose(text)
            return
        headline, href = linked[0]
        self.collector.brief(headline, _rest(text.replace(headline, " ", 1)), link=href)


def _apply_meta(draft: Draft, meta: Meta) -> None:
    draft.headline = first_value(meta, "title", "subject", "headline")
    date = first_value(meta, "date", "published", "pubdate", "created")
    draft.date = parse_date(date) if date else None
    number = first_value(meta, "number", "issue", "issue_number")
    draft.number = int(number) if number.isdigit() else None
    draft.newsletter = first_value(meta, "newsletter", "publication", "site_name", "series")
    authors = all_values(meta, "authors", "author", "by")
    if authors:
        draft.authors = authors
        draft.byline = ", ".join(authors)
    draft.standfirst = first_value(meta, "subtitle", "standfirst", "summary", "description")


def read_markdown(text: str) -> Draft:
    """Read one Markdown issue (already decoded and cleaned) into a Draft."""
    meta, content = split_front_matter(text)
    draft = Draft()
    _apply_meta(draft, meta)
    walker = _MarkdownWalker(draft, take_title=not draft.headline)
    walker.run(_PARSER.parse(content))
    return draft
