"""What the templates show, built from search results: marked text, facet links, pages, issues."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from search import ParsedQuery, Results, Snippet, Span, query_spans
from web.params import SearchParams

# (text, marked?) runs: the templates escape each run and wrap marked ones in <mark>.
Segments = list[tuple[str, bool]]

FACET_TITLES = {"newsletter": "Newsletter", "author": "Author", "month": "Month"}
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def segments(text: str, spans: Sequence[Span] = ()) -> Segments:
    """Cut `text` at the spans' edges; the runs inside spans are the marked ones."""
    out: Segments = []
    last = 0
    for span in spans:
        if span.start < last or span.end > len(text):
            continue  # spans come sorted and apart; anything else is ignored, never mis-marked
        if span.start > last:
            out.append((text[last : span.start], False))
        out.append((text[span.start : span.end], True))
        last = span.end
    if last < len(text):
        out.append((text[last:], False))
    return out


def snippet_segments(snippet: Snippet) -> Segments:
    """A snippet's text in runs, its highlight spans marked."""
    return segments(snippet.text, snippet.spans)


def issue_url(issue_id: str, query: str = "", story: int | None = None) -> str:
    """The issue page of an indexed issue id (with the query to highlight and a story anchor)."""
    url = "/issue/" + quote(issue_id, safe="/")
    if query:
        url += "?q=" + quote(query, safe="")
    if story is not None:
        url += f"#story-{story}"
    return url


def raw_url(issue_id: str) -> str:
    """The source text of an indexed issue, by id."""
    return "/raw/" + quote(issue_id, safe="/")


def story_number(story_id: str) -> int | None:
    """N of a story id `issue-id::N` (0 the lead, 1.. the briefs): the issue page's #story-N."""
    _, sep, number = story_id.rpartition("::")
    return int(number) if sep and number.isdigit() else None


def hit_url(hit: Any, query: str) -> str:
    """Where a hit opens: its issue page; a story hit opens at that story."""
    if hit.kind == "story" and hit.issue_id:
        return issue_url(hit.issue_id, query, story_number(hit.id))
    return issue_url(hit.id, query)


def safe_link(url: str) -> str:
    """A link from an issue, if it is a web or mail address; '' for javascript: and the like."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in _SAFE_SCHEMES else ""


@dataclass(frozen=True)
class FacetLink:
    """One facet value beside the results: its count and the link that narrows (or widens) to it."""

    label: str
    count: int
    url: str
    active: bool


def _month_range(value: str) -> tuple[dt.date, dt.date] | None:
    try:
        first = dt.date.fromisoformat(value + "-01")
    except ValueError:
        return None
    last_day = calendar.monthrange(first.year, first.month)[1]
    return first, first.replace(day=last_day)


def facet_links(results: Results, params: SearchParams) -> dict[str, list[FacetLink]]:
    """Each facet's values as links: a click filters to a value, or takes an active one off."""
    out: dict[str, list[FacetLink]] = {}
    for name, counts in results.facets.items():
        links = []
        for count in counts:
            if name == "month":
                span = _month_range(count.value)
                if span is None:
                    continue
                active = (params.since, params.until) == span
                changes: dict[str, Any] = (
                    {"since": None, "until": None}
                    if active
                    else {"since": span[0], "until": span[1]}
                )
                label = span[0].strftime("%B %Y")
            else:
                current = params.newsletter if name == "newsletter" else params.author
                active = current.casefold() == count.value.casefold()
                changes = {name: "" if active else count.value}
                label = count.value
            links.append(FacetLink(label, count.count, params.url(**changes), active))
        if links:
            out[name] = links
    return out


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Pages to link: the first, the last and a few around the current one; None marks a gap."""
    wanted = {1, pages, *range(page - around, page + around + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= pages)
    out: list[int | None] = []
    for number in shown:
        if out and out[-1] is not None and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out


@dataclass(frozen=True)
class BriefView:
    """A brief of the issue page: its story number (for #story-N links) and marked text."""

    number: int
    headline: Segments
    text: Segments
    section: str
    author: str
    link: str


@dataclass(frozen=True)
class IssueView:
    """Everything the issue page shows, the query's words marked."""

    id: str
    newsletter: str
    headline: Segments
    standfirst: Segments
    byline: Segments
    date: str
    paragraphs: list[Segments]
    sections: list[str]
    briefs: list[BriefView]
    links: list[str]
    matches: int  # marked words or phrases in the whole issue
    first_match: str  # the anchor (story-N) of the first story with one, '' if none


def _marks(*texts: Segments) -> int:
    return sum(marked for text in texts for _, marked in text)


def issue_view(issue: dict[str, Any], parsed: ParsedQuery | None) -> IssueView:
    """The issue page of one parsed issue (`index.issue_to_json` shape)."""

    def mark(text: str, field: str) -> Segments:
        return segments(text, query_spans(text, parsed, field) if parsed else ())

    briefs = [
        BriefView(
            number=number,
            headline=mark(brief["headline"], "brief_headlines"),
            text=mark(brief["text"], "briefs"),
            section=brief["section"],
            author=brief["author"],
            link=safe_link(brief["link"]),
        )
        for number, brief in enumerate(issue["briefs"], start=1)
    ]
    paragraphs = [line.strip() for line in issue["body"].splitlines() if line.strip()]
    headline, standfirst = (
        mark(issue["headline"], "headline"),
        mark(issue["standfirst"], "standfirst"),
    )
    byline = mark(issue["byline"], "byline")
    body = [mark(paragraph, "body") for paragraph in paragraphs]
    lead = _marks(headline, standfirst, byline, *body)
    per_brief = [(brief.number, _marks(brief.headline, brief.text)) for brief in briefs]
    first = next((f"story-{n}" for n, count in [(0, lead), *per_brief] if count), "")
    return IssueView(
        id=issue["id"],
        newsletter=issue["newsletter"],
        headline=headline,
        standfirst=standfirst,
        byline=byline,
        date=issue["date"] or "",
        paragraphs=body,
        sections=list(issue["sections"]),
        briefs=briefs,
        links=[link for link in (safe_link(url) for url in issue["links"]) if link],
        matches=lead + sum(count for _, count in per_brief),
        first_match=first,
    )
