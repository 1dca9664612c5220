"""HTML issues (web pages and the HTML part of emails) read with BeautifulSoup's html.parser."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Tag
from bs4.dammit import EncodingDetector

from index.errors import IssueReadError
from index.readers.dates import parse_date
from index.readers.draft import Draft
from index.readers.html_walk import ContentWalker, make_soup, node_text
from index.readers.textutil import fold_for_compare, squash

# Page furniture around the content; none of it is the issue's text.
_CHROME = (
    "nav",
    "footer",
    "script",
    "style",
    "svg",
    "form",
    "noscript",
    "button",
    "iframe",
    "aside",
    "template",
    "select",
    "textarea",
    "input",
    "object",
    "embed",
    "canvas",
    "head",
)
_CHROME_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.created",
    "dcterms.date",
    "pubdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
)
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher")
_TITLE_SEPARATOR = re.compile(r"\s+(?:::|\||—|–|-|·|•|»|/)\s+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML file declares in its <meta> tags, if any."""
    return EncodingDetector.find_declared_encoding(data, is_html=True)


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str:
    """The content of the first <meta> whose name, property or itemprop is one of `names`."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = tag.get(attr)
            if isinstance(key, str) and key.lower() in names:
                found.setdefault(key.lower(), content.strip())
    return next((found[n] for n in names if n in found), "")


def _strip_chrome(soup: BeautifulSoup) -> None:
    for element in soup.find_all(string=lambda s: isinstance(s, Comment)):
        element.extract()
    for tag in soup.find_all(_CHROME):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        role = tag.get("role")
        style = tag.get("style")
        hidden = (
            tag.has_attr("hidden")
            or tag.get("aria-hidden") == "true"
            or (isinstance(style, str) and _HIDDEN_STYLE.search(style) is not None)
            or (isinstance(role, str) and role.lower() in _CHROME_ROLES)
            # A page header is chrome (logo, menu) unless it holds the issue's own heading.
            or (tag.name == "header" and tag.find("h1") is None)
        )
        if hidden:
            tag.decompose()


def _content_root(soup: BeautifulSoup) -> Tag:
    body = soup.body or soup
    articles = body.find_all("article")
    if len(articles) == 1:
        return articles[0]
    main = body.find("main") or body.find(role="main")
    if isinstance(main, Tag):
        return main
    return body


def _date(meta: str, heading: Tag | None, root: Tag) -> str:
    """The issue's date as written: a <time> in the heading, a date <meta>, or the first <time>."""
    times = [t for t in ([heading.find("time")] if heading else []) if isinstance(t, Tag)]
    first_time = root.find("time")
    candidates = [*times, meta, first_time]
    for candidate in candidates:
        if isinstance(candidate, Tag):
            stamp = candidate.get("datetime")
            value = stamp if isinstance(stamp, str) and stamp.strip() else node_text(candidate)
        else:
            value = candidate or ""
        if value.strip() and parse_date(value) is not None:
            return value.strip()
    return ""


def _headline(heading: Tag | None) -> str:
    """The <h1> text without the date or aside parts it carries (<time>, <small>)."""
    if heading is None:
        return ""
    for tag in heading.find_all(["time", "small"]):
        tag.decompose()
    return node_text(heading)


def _title_parts(title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SEPARATOR.split(title) if p.strip()]


def extract_html(text: str) -> Draft:
    """Read an HTML document into a Draft (never raises for odd markup; may return it empty)."""
    soup = make_soup(text)
    title_tag = soup.find("title")
    title = node_text(title_tag) if isinstance(title_tag, Tag) else ""
    site = _meta(soup, _SITE_META)
    author = _meta(soup, ("author", "article:author", "dc.creator"))
    meta_date = _meta(soup, _DATE_META)
    _strip_chrome(soup)
    root = _content_root(soup)
    found = root.find("h1") or (soup.body.find("h1") if soup.body is not None else None)
    heading = found if isinstance(found, Tag) else None
    draft = Draft()
    date_text = _date(meta_date, heading, root)
    draft.date = parse_date(date_text) if date_text else None
    draft.headline = _headline(heading)
    parts = _title_parts(title)
    if not draft.headline:
        draft.headline = parts[0] if parts else title
    others = [p for p in parts if fold_for_compare(p) != fold_for_compare(draft.headline)]
    if site:
        draft.newsletter = squash(site)
    elif len(parts) > 1 and others:
        # "Issue 150 :: Haskell Weekly": the part that is not the headline names the site,
        # usually last, first when the page puts the site name first.
        draft.newsletter = others[-1] if parts[-1] in others else others[0]
    if author:
        draft.byline, draft.authors = squash(author), [squash(author)]
    ContentWalker(draft, heading).run(root)
    for anchor in root.find_all("a", href=True):
        href = anchor.get("href")
        if isinstance(href, str) and not href.lower().startswith("mailto:"):
            draft.add_link(href)
    return draft


def read_html(text: str, shown: str) -> Draft:
    """Read an HTML issue file; IssueReadError when the page holds no readable content."""
    draft = extract_html(text)
    if not (draft.paragraphs or draft.briefs or draft.sections):
        raise IssueReadError(shown, "HTML has no body")
    return draft
