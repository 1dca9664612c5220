"""Markdown issues: front matter for metadata, then markdown-it-py's token stream for content."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.readers.collect import Collector
from index.readers.dates import parse_date
from index.readers.draft import Draft
from index.readers.frontmatter import Meta, all_values, first_value, split_front_matter
from index.readers.html_walk import make_soup, node_text
from index.readers.items import TITLE_SHARE, read_item
from index.readers.textutil import squash

_PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
# Keep link targets as the issue wrote them: markdown-it would percent-encode them for HTML
# output (and that normalising is a sixth of the parse time on link-heavy issues).
_PARSER.normalizeLink = lambda url: url  # type: ignore[method-assign]


def _is_comment(html: str) -> bool:
    return html.lstrip().startswith("<!--")


def _html_text(html: str) -> str:
    """Visible text of raw HTML inside Markdown (comments and markup dropped)."""
    if _is_comment(html) and html.rstrip().endswith("-->"):
        return ""
    return node_text(make_soup(html))


def inline_text(token: Token) -> tuple[str, list[tuple[str, str]]]:
    """Plain text of an inline token, and its links as (link text, href) in order."""
    text, links, _ = inline_text_at(token)
    return text, links


def inline_text_at(token: Token) -> tuple[str, list[tuple[str, str]], int]:
    """`inline_text`, and how long the text before the first link is (-1: no link)."""
    pieces: list[str] = []
    links: list[tuple[str, str]] = []
    open_links: list[tuple[str, int]] = []  # (href, where its text starts in pieces)
    first_at = -1
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
            if first_at < 0:
                first_at = len(squash("".join(pieces)))
            in_autolink = child.markup == "autolink"
        elif kind == "link_close" and open_links:
            href, start = open_links.pop()
            links.append((squash("".join(pieces[start:])), href))
            in_autolink = False
        # html_inline (comments, <br>, <a> tags) carries markup, not words: skipped.
    return squash("".join(pieces)), links, first_at


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
        text, links, at = inline_text_at(inline)
        self._links(links)
        # A paragraph inside a section that opens with a link making most of it ("[rPGP 0.14.0
        # ...](url)") is an item written without a list marker.
        if (
            self.collector.section
            and links
            and links[0][0]
            and text.startswith(links[0][0])
            and len(links[0][0]) >= TITLE_SHARE * len(text)
        ):
            headline, rest, author = read_item(text, links[0][0], at)
            self.collector.brief(headline, rest, author, link=links[0][1])
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
        hint = -1  # how much text precedes the first link of the item's first paragraph
        while j < len(tokens) and tokens[j].type != close_type:
            t = tokens[j]
            if t.type == "list_item_open":
                item_texts, item_links, hint = [], [], -1
            elif t.type == "list_item_close":
                self._item(item_texts, item_links, hint)
                item_texts, item_links, hint = [], [], -1
            elif t.type in ("bullet_list_open", "ordered_list_open"):
                # The item's own text comes before its sub-list: file it first.
                self._item(item_texts, item_links, hint)
                item_texts, item_links, hint = [], [], -1
                j = self._list(tokens, j)
                continue
            elif t.type == "inline":
                text, links, at = inline_text_at(t)
                if not item_texts:
                    hint = at
                item_texts.append(text)
                item_links.extend(links)
            elif t.type in ("fence", "code_block"):
                item_texts.append(t.content)
            elif t.type == "html_block":
                item_texts.append(_html_text(t.content))
            j += 1
        return j + 1

    def _item(self, texts: list[str], links: list[tuple[str, str]], hint: int) -> None:
        self._links(links)
        text = squash(" ".join(texts))
        if not text:
            return
        linked = [(label, href) for label, href in links if label]
        if not linked:
            self.collector.prose(text)
            return
        label, href = linked[0]
        # The item as a reader sees it: its first paragraph holds the title (or the sentence
        # around the link), later paragraphs are its blurb.
        first = squash(texts[0])
        if label not in first:
            first, texts, hint = text, [], -1
        elif links[0][0] != label:
            hint = -1  # the first link had no text (an image): the hint is not this one's
        headline, rest, author = read_item(first, label, hint)
        blurb = squash(" ".join([rest, *texts[1:]]))
        self.collector.brief(headline, blurb, author, link=href)


def _apply_meta(draft: Draft, meta: Meta) -> None:
    draft.headline = first_value(meta, "title", "subject", "headline")
    date = first_value(meta, "date", "published", "pubdate", "created")
    draft.date = parse_date(date) if date else None
    number = first_value(meta, "number", "issue", "issue_number")
    draft.number = int(number) if number.isdigit() else None
    draft.newsletter = first_value(meta, "newsletter", "publication", "site_name", "series")
    # Pelican archives file each issue under its newsletter: "Category: This Week in Rust". A
    # one-word category ("Rust", "News") is a topic tag, not a name.
    category = first_value(meta, "category")
    if not draft.newsletter and len(category.split()) > 1:
        draft.newsletter = category
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
