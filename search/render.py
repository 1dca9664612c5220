"""Search results as text lines for a terminal: pure functions, colour left to the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from index.safetext import printable
from search.model import Hit, Results, Snippet

# Wraps text in a terminal style (e.g. bold); the caller decides whether there is colour at all.
Style = Callable[[str], str]


class Line(NamedTuple):
    """One line of output: a result (stdout) or, with `status`, a message about them (stderr)."""

    text: str
    status: bool = False


def highlight(snippet: Snippet, style: Style | None) -> str:
    """The snippet's text with each matched span passed through `style` (as is without one).

    Unprintable characters are escaped before styling: only the style's own escapes stay raw.
    """
    text, out, last = snippet.text, [], 0
    for span in snippet.spans:
        out.append(printable(text[last : span.start]))
        word = printable(text[span.start : span.end])
        out.append(style(word) if style else word)
        last = span.end
    out.append(printable(text[last:]))
    return "".join(out)


def describe(hit: Hit) -> str:
    """Where a hit comes from: newsletter, date, the issue of a story, and the file."""
    parts = [hit.newsletter or "?", hit.date.isoformat() if hit.date else "undated"]
    if hit.kind == "story" and hit.issue_headline and hit.issue_headline != hit.headline:
        parts.append(f"in “{hit.issue_headline}”")
    parts.append(hit.path)
    return printable(" · ".join(parts), newlines=False)


def results_lines(
    results: Results,
    *,
    explain: bool = False,
    title: Style | None = None,
    match: Style | None = None,
) -> list[Line]:
    """The text output of a search, in order: status lines, then each hit, then the facets.

    `title` styles headlines and `match` the matched words; without them there is no styling.
    """
    lines: list[Line] = []
    if explain:
        lines.append(Line(f"Query: {printable(results.explanation)}", status=True))
    lines.extend(Line(f"Note: {printable(note)}", status=True) for note in results.notes)
    if results.suggestion:
        lines.append(Line(f"Did you mean: {printable(results.suggestion)}?"))
    what = "stories" if results.stories else "issues"
    if not results.hits and results.total:
        # The notes already say the page is past the last one.
        lines.append(Line(f"{results.total} {what} match, on {results.pages} pages.", status=True))
    elif not results.hits:
        lines.append(Line(f"No {what} match {results.query!r}.", status=True))
    else:
        first, last = results.hits[0].rank, results.hits[-1].rank
        lines.append(Line(f"{first}-{last} of {results.total} hits", status=True))
    for hit in results.hits:
        headline = printable(hit.headline or "(no headline)", newlines=False)
        shown = title(headline) if title else headline
        lines.append(Line(f"{hit.rank:>3}. {shown}"))
        lines.append(Line(f"     {describe(hit)}"))
        if hit.story_headline:
            link = f" <{hit.story_link}>" if hit.story_link else ""
            lines.append(Line(f"     ↳ {hit.story_headline}{link}"))
        lines.extend(
            Line(f"     also at: {printable(path, newlines=False)}") for path in hit.also_at
        )
        lines.extend(Line(f"     {highlight(snippet, match)}") for snippet in hit.snippets)
        lines.append(Line(""))
    for name, counts in results.facets.items():
        if counts:
            listed = printable(", ".join(f"{c.value} ({c.count})" for c in counts))
            lines.append(Line(f"{name}: {listed}"))
    return lines


def _flat(text: str) -> str:
    """Untrusted text on one line: runs of white space one space, the unprintable escaped."""
    return " ".join(printable(text).split())


def hit_line(hit: Hit) -> str:
    """One hit on one tab-separated line: date, newsletter, headline, path (`notmuch search`)."""
    date = hit.date.isoformat() if hit.date else "undated"
    fields = (date, hit.newsletter or "?", hit.headline or "(no headline)", hit.path)
    return "\t".join(_flat(field) for field in fields)
