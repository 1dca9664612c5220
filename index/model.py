"""The parsed shape of a newsletter issue: plain frozen values that know nothing of the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Brief:
    """A short item a newsletter carries after its lead: a linked story, a news brief, a teaser."""

    headline: str
    text: str = ""
    section: str = ""
    author: str = ""
    link: str = ""


@dataclass(frozen=True)
class Issue:
    """One newsletter issue, split into the fields the index searches."""

    id: str
    path: str
    newsletter: str
    headline: str
    byline: str = ""
    date: dt.date | None = None
    body: str = ""
    briefs: tuple[Brief, ...] = ()
    sections: tuple[str, ...] = ()
    standfirst: str = ""
    number: int | None = None
    links: tuple[str, ...] = field(default=())
    authors: tuple[str, ...] = ()
    format: str = "text"
    message_id: str = ""
    # The date is the file's modification day: nothing in the issue dated it (--date-from-mtime).
    date_from_file: bool = False

    @property
    def all_authors(self) -> tuple[str, ...]:
        """The author names: `authors` when the reader found them, else split from the byline."""
        return self.authors or split_authors(self.byline)


def split_authors(byline: str) -> tuple[str, ...]:
    """Split a byline such as "By Ann Lee and Bo Wu" into ("Ann Lee", "Bo Wu")."""
    text = byline.strip()
    for prefix in ("by ", "By ", "BY "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    parts: list[str] = []
    for chunk in text.replace(" & ", ",").replace(" and ", ",").split(","):
        name = chunk.strip()
        if name and name not in parts:
            parts.append(name)
    return tuple(parts)
