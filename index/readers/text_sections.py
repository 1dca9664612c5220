"""The brief-carrying sections of a plain-text issue: teasers, "Headline - text" briefs, link lists.

A section's shape is read from its lines, with its name as a hint, so that a newsletter we
have not seen still gets its briefs: alternating author and headline lines are teasers,
"Headline - text" lines are news briefs, short headline-plus-author lines are bylined links,
and "Title. Author in Publication" lines are curated links.
"""

from __future__ import annotations

import re

from index.model import Brief
from index.readers.textutil import looks_like_person, split_trailing_name, squash

URL = re.compile(r"<?\bhttps?://[^\s<>]+>?")
_DASH_BRIEF = re.compile(r"^(?P<head>\S.{2,150}?)\s+[-–—]\s+(?P<text>\S.*)$")
# "... works? Iain Martin in The Times." / "..., reports The New York Times" / "Curated by X".
_SOURCE = re.compile(
    r"^(?P<head>.+?)[,;]?\s+(?P<who>(?:[A-Z][\w'’.-]*\s+){1,3})?"
    r"(?:in|reports|says|writes|via|from|curated by|Curated by)\s+"
    r"(?P<src>(?:[A-Z0-9][\w'’&.-]*)(?:\s+(?:of\s+|the\s+|and\s+|&\s+)?[A-Z0-9][\w'’&.-]*)*)\.?$"
)
# "... and segregation? Engelsberg Ideas": a title that ends in punctuation, then the source.
_BARE_SOURCE = re.compile(
    r"^(?P<head>.+?[?!.:])\s+(?P<src>[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*){0,4})\.?$"
)
_LINK_WORDS = ("THINGS", "LINKS", "READING", "ELSEWHERE", "RECOMMEND", "WORTH", "AROUND THE WEB")
_SHORT_LINE = 200


def take_url(line: str) -> tuple[str, str]:
    """Remove the first URL from a line: (line without it, url)."""
    match = URL.search(line)
    if match is None:
        return line, ""
    rest = squash(line[: match.start()] + " " + line[match.end() :]).rstrip(" :-–—")
    return rest, match.group(0).strip("<>")


def _is_teasers(lines: list[str]) -> bool:
    if len(lines) < 2 or len(lines) % 2:
        return False
    names = lines[0::2]
    headlines = lines[1::2]
    return all(looks_like_person(n) for n in names) and not any(
        looks_like_person(h) for h in headlines
    )


def classify(name: str, lines: list[str]) -> str:
    """The shape of a section: "teasers", "dash", "curated", "bylined" or "prose"."""
    if not lines:
        return "prose"
    upper = name.upper()
    if _is_teasers(lines):
        return "teasers"
    dash_lines = sum(1 for line in lines if _DASH_BRIEF.match(line))
    if dash_lines and dash_lines >= 0.6 * len(lines):
        return "dash"
    short = all(len(line) <= _SHORT_LINE for line in lines)
    if any(word in upper for word in _LINK_WORDS) and short:
        return "curated"
    named = sum(1 for line in lines if split_trailing_name(line)[1])
    if short and (upper.startswith("ALSO") or named >= 0.5 * len(lines)):
        return "bylined"
    return "prose"


def _teasers(section: str, lines: list[str]) -> list[Brief]:
    briefs = []
    for author, line in zip(lines[0::2], lines[1::2], strict=True):
        headline, link = take_url(line)
        briefs.append(Brief(headline=headline, section=section, author=author, link=link))
    return briefs


def _dash(section: str, lines: list[str]) -> list[Brief]:
    briefs: list[Brief] = []
    for line in lines:
        match = _DASH_BRIEF.match(line)
        if match is None:
            if briefs:
                # A hard-wrapped brief: this line continues the previous brief's text.
                last = briefs.pop()
                text, link = take_url(f"{last.text} {line}")
                briefs.append(Brief(last.headline, text, section, last.author, last.link or link))
            continue
        text, link = take_url(match.group("text"))
        briefs.append(Brief(headline=match.group("head"), text=text, section=section, link=link))
    return briefs


def _bylined(section: str, lines: list[str]) -> list[Brief]:
    briefs = []
    for line in lines:
        rest, link = take_url(line)
        headline, author = split_trailing_name(rest)
        briefs.append(Brief(headline=headline, section=section, author=author, link=link))
    return briefs


def _curated(section: str, lines: list[str]) -> list[Brief]:
    briefs = []
    for line in lines:
        if line.lower().startswith("curated by"):
            continue  # the curator's credit line, not a link
        rest, link = take_url(line)
        headline, source, author = rest, "", ""
        match = _SOURCE.match(rest) or _BARE_SOURCE.match(rest)
        if match is not None:
            headline = match.group("head").strip().rstrip(" .,;")
            source = rest[match.end("head") :].strip(" ,;.")
            who = (match.groupdict().get("who") or "").strip()
            author = who if looks_like_person(who) else ""
        briefs.append(
            Brief(headline=headline, text=source, section=section, author=author, link=link)
        )
    return briefs


def section_briefs(section: str, kind: str, lines: list[str]) -> list[Brief]:
    """The briefs of one section whose shape `classify` found (not for "prose")."""
    builders = {"teasers": _teasers, "dash": _dash, "bylined": _bylined, "curated": _curated}
    return [b for b in builders[kind](section, lines) if b.headline]
