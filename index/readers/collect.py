"""Sorting a structured document's pieces into body, sections and briefs (for HTML and Markdown).

The rule both readers follow: prose before the first section heading or brief is the body;
linked list items and linked headings are briefs of the nearest section; prose inside a
section that carries briefs becomes one brief named after the section (so "Quote of the
Week" text stays searchable without padding the body). An issue with no briefs at all is an
essay: all of its prose is body; one with nothing but a list of linked items (no lead, no
headings) is a digest: its items are its body as well as its briefs.
"""

from __future__ import annotations

from index.model import Brief
from index.readers.draft import Draft
from index.readers.textutil import drop_promo, is_promo, squash


class Collector:
    """Receives headings, briefs and prose in document order and files them into a Draft."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.section = ""
        self._structured = False
        self._pending: int | None = None  # index of a linked-heading brief taking prose
        # (section, text, before any structure, number of briefs so far)
        self._prose: list[tuple[str, str, bool, int]] = []

    def heading(self, text: str) -> None:
        """A section heading (h2, ###, ...): later briefs and prose belong to it."""
        text = squash(text)
        if not text:
            return
        self.section = text
        self.draft.add_section(text)
        self._structured = True
        self._pending = None

    def brief(self, headline: str, text: str = "", author: str = "", link: str = "") -> None:
        """A linked item: a list item with a link, or a linked paragraph in a section."""
        headline, text = squash(headline), squash(text)
        if not headline or is_promo(headline):
            return
        brief = Brief(headline, text, self.section, squash(author), link.strip())
        self.draft.briefs.append(brief)
        self._structured = True
        self._pending = None

    def linked_heading(self, headline: str, link: str) -> None:
        """A heading that is itself a link: a story whose blurb is the prose under it."""
        self.brief(headline, link=link)
        if self.draft.briefs and self.draft.briefs[-1].headline == squash(headline):
            self._pending = len(self.draft.briefs) - 1

    def prose(self, text: str) -> None:
        """A paragraph of running text (promo lines are dropped here)."""
        text = drop_promo(squash(text))
        if not text:
            return
        if self._pending is not None:
            old = self.draft.briefs[self._pending]
            joined = f"{old.text} {text}".strip()
            self.draft.briefs[self._pending] = Brief(
                old.headline, joined, old.section, old.author, old.link
            )
            return
        self._prose.append((self.section, text, not self._structured, len(self.draft.briefs)))

    def finish(self) -> None:
        """File the prose: into the body, or into one brief per section (see module docstring)."""
        if not self.draft.briefs:
            self.draft.paragraphs.extend(text for _, text, _, _ in self._prose)
            return
        by_section: dict[str, tuple[int, list[str]]] = {}
        for section, text, lead, position in self._prose:
            if lead or not section:
                self.draft.paragraphs.append(text)
            else:
                by_section.setdefault(section, (position, []))[1].append(text)
        # Insert each section's prose brief where its prose began, last first so that the
        # earlier positions stay valid.
        for section, (position, texts) in reversed(by_section.items()):
            brief = Brief(headline=section, text=" ".join(texts), section=section)
            self.draft.briefs.insert(position, brief)
        if not self.draft.paragraphs and not self.draft.sections:
            # A bare list of links with no lead and no headings (early digests): the list is
            # all the issue says, so it is the body too; its items stay findable as briefs.
            self.draft.paragraphs.extend(
                squash(f"{b.headline}{'' if b.headline[-1:] in '.?!' else '.'} {b.text}")
                for b in self.draft.briefs
            )
