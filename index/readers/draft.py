"""The mutable working shape a reader fills in before `index.parse` freezes it into an `Issue`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from index.model import Brief


@dataclass
class Draft:
    """What one reader learnt about one issue; every field may stay empty.

    parse.py owns the parts that depend on where the file lives (id, path, the newsletter name
    taken from the folder, the date taken from the file name), so readers never see paths.
    """

    headline: str = ""
    newsletter: str = ""
    byline: str = ""
    authors: list[str] = field(default_factory=list)
    date: dt.date | None = None
    standfirst: str = ""
    paragraphs: list[str] = field(default_factory=list)
    briefs: list[Brief] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    number: int | None = None
    message_id: str = ""
    # The newsgroups a post was sent to; the one whose folder holds the file names it.
    groups: list[str] = field(default_factory=list)
    # A Usenet post (or a person's mail): its words name other publications, never its own.
    is_post: bool = False
    ordinal: int = 0  # place of the message in its mbox (1-based); 0 for single-issue files

    def add_section(self, name: str) -> None:
        """Record a section name once, keeping first-seen order."""
        if name and name not in self.sections:
            self.sections.append(name)

    def add_link(self, url: str) -> None:
        """Record a link target once; in-page anchors and script links are not destinations."""
        url = url.strip()
        if not url or url.startswith(("#", "javascript:")) or url in self.links:
            return
        self.links.append(url)

    @property
    def body(self) -> str:
        """The prose paragraphs joined the way `Issue.body` wants them."""
        return "\n\n".join(p for p in self.paragraphs if p)
