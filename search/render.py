"""Search results as text lines for a terminal: pure functions, colour left to the caller."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from index.safetext import printable
from search.model import Hit, Results, Snippet

# Wraps text in a terminal style (e.g. bold); the caller decides whether there is colour at all.
Style = Callable[[str], str]
# Makes text a hyperlink to a target (a URL): (text, target) -> what the terminal is sent.
Linker = Callable[[str, str], str]
INDENT = "     "


class Line(NamedTuple):
    """One line of output: a result (stdout) or, with `status`, a message about them (stderr)."""

    text: str
    status: bool = False


def _marked(snippet: Snippet) -> tuple[str, list[bool]]:
    """The snippet's text escaped, and for each of its characters whether it was matched."""
    text, out, marks, last = snippet.text, [], [], 0
    for span in snippet.spans:
        for part, matched in (
            (text[last : span.start], False),
            (text[span.start : span.end], True),
        ):
            shown = printable(part)
            out.append(shown)
            marks += [matched] * len(shown)
        last = span.end
    shown = printable(text[last:])
    out.append(shown)
    marks += [False] * len(shown)
    return "".join(out), marks


def _styled(text: str, marks: list[bool], style: Style | None) -> str:
    """`text` with each run of marked characters passed through `style`."""
    if style is None:
        return text
    out, start = [], 0
    for n in range(1, len(text) + 1):
        if n == len(text) or marks[n] != marks[start]:
            run = text[start:n]
            out.append(style(run) if marks[start] else run)
            start = n
    return "".join(out)


def highlight(snippet: Snippet, style: Style | None, width: int | None = None) -> list[str]:
    """The snippet's lines, each matched span passed through `style` (as is without one).

    Unprintable characters are escaped before styling: only the style's own escapes stay raw.
    With `width`, the text is cut at spaces into lines of at most that many characters.
    """
    text, marks = _marked(snippet)
    lines: list[tuple[int, int]] = []
    start = 0
    while width and len(text) - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:  # one word longer than the line: cut it
            lines.append((start, start + width))
            start += width
        else:
            lines.append((start, cut))
            start = cut + 1
    lines.append((start, len(text)))
    return [_styled(text[a:b], marks[a:b], style) for a, b in lines]


def describe(hit: Hit) -> str:
    """Where a hit comes from: newsletter, date, the issue of a story, and the file (its path)."""
    when = hit.date.isoformat() if hit.date else "undated"
    if hit.date and hit.date_from_file:
        when += " (file date)"
    parts = [hit.newsletter or "?", when]
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
    width: int | None = None,
    link: Linker | None = None,
) -> list[Line]:
    """The text output of a search, in order: status lines, then each hit, then the facets.

    `title` styles headlines and `match` the matched words; without them there is no styling.
    `width` wraps snippets to the terminal's width; `link` makes a hit's headline a link to its
    file and a story's headline a link to its page.
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
        if link and hit.path.startswith("/"):
            shown = link(shown, Path(hit.path).as_uri())
        lines.append(Line(f"{hit.rank:>3}. {shown}"))
        lines.append(Line(f"{INDENT}{describe(hit)}"))
        if hit.story_headline:
            story = printable(hit.story_headline, newlines=False)
            target = printable(hit.story_link, newlines=False) if hit.story_link else ""
            if link and target.startswith(("https://", "http://")):
                story = link(story, target)
            lines.append(Line(f"{INDENT}↳ {story}" + (f" <{target}>" if target else "")))
        lines.extend(
            Line(f"{INDENT}also at: {printable(path, newlines=False)}") for path in hit.also_at
        )
        room = max(20, width - len(INDENT)) if width else None
        for snippet in hit.snippets:
            lines.extend(Line(f"{INDENT}{text}") for text in highlight(snippet, match, room))
        lines.append(Line(""))
    for name, counts in results.facets.items():
        if counts:
            listed = printable(", ".join(f"{c.value} ({c.count})" for c in counts))
            lines.append(Line(f"{name}: {listed}"))
    return lines


def hyperlink(text: str, target: str) -> str:
    """`text` as an OSC 8 terminal hyperlink to `target`.

    The target is percent-encoded: no control character, space or non-ASCII letter of it reaches
    the terminal (it could end the sequence early).
    """
    safe = quote(target, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f"\x1b]8;;{safe}\x1b\\{text}\x1b]8;;\x1b\\"


def _flat(text: str) -> str:
    """Untrusted text on one line: runs of white space one space, the unprintable escaped."""
    return " ".join(printable(text).split())


def hit_line(hit: Hit) -> str:
    """One hit on one tab-separated line: date, newsletter, headline, path (`notmuch search`)."""
    date = hit.date.isoformat() if hit.date else "undated"
    fields = (date, hit.newsletter or "?", hit.headline or "(no headline)", hit.path)
    return "\t".join(_flat(field) for field in fields)
