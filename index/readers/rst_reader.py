"""reStructuredText issues, read simply: title, `:field:` metadata, underlined sections, prose.

Archives hold the odd .rst issue among Markdown ones; a full docutils parse would be a heavy
dependency for that, so this reads the few constructs such issues use and treats the rest
as prose: inline markup is unwrapped to its text, link targets become links.
"""

from __future__ import annotations

import re

from index.readers.collect import Collector
from index.readers.dates import parse_date
from index.readers.draft import Draft
from index.readers.textutil import number_from_title, squash

_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")
_FIELD = re.compile(r"^:(?P<key>[\w -]+):\s*(?P<value>.*)$")
_TARGET = re.compile(r"^\.\.\s+_[^:]+:\s*(?P<url>\S+)\s*$")
_EMBEDDED_LINK = re.compile(r"`(?P<text>[^`<]+?)\s*<(?P<url>[^>]+)>`__?")
_REFERENCE = re.compile(r"`(?P<text>[^`]+)`__?")
_LITERAL = re.compile(r"``(?P<text>[^`]+)``")
_ROLE = re.compile(r":[\w-]+:`(?P<text>[^`]+)`")
_EMPHASIS = re.compile(r"\*\*?(?P<text>[^*\s][^*]*?)\*\*?")
_WORD_REFERENCE = re.compile(r"\b(?P<text>\w+)_\b")


def _inline(text: str, draft: Draft) -> str:
    """Unwrap inline markup to its words; embedded link targets go to the draft's links."""
    for match in _EMBEDDED_LINK.finditer(text):
        draft.add_link(match.group("url"))
    text = _EMBEDDED_LINK.sub(r"\g<text>", text)
    for pattern in (_LITERAL, _ROLE, _REFERENCE, _EMPHASIS, _WORD_REFERENCE):
        text = pattern.sub(r"\g<text>", text)
    return squash(text)


def read_rst(text: str) -> Draft:
    """Read one reStructuredText issue (already decoded and cleaned) into a Draft."""
    draft = Draft()
    collector = Collector(draft)
    lines = text.split("\n")
    block: list[str] = []
    skipping_directive = False

    def flush() -> None:
        if block:
            collector.prose(_inline(" ".join(block), draft))
            block.clear()

    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        following = lines[i + 1].rstrip() if i + 1 < len(lines) else ""
        if skipping_directive and (not line or line[:1] in (" ", "\t")):
            i += 1
            continue
        skipping_directive = False
        if _UNDERLINE.match(line):
            i += 1  # an overline (or a stray transition line)
            continue
        if line.strip() and _UNDERLINE.match(following) and len(following) >= len(line.strip()):
            flush()
            title = _inline(line, draft)
            if draft.headline:
                collector.heading(title)
            else:
                draft.headline = title
            i += 2
            continue
        field = _FIELD.match(line)
        target = _TARGET.match(line)
        if target:
            draft.add_link(target.group("url"))
        elif field and not block:
            key, value = field.group("key").lower(), field.group("value").strip()
            if key == "date":
                draft.date = parse_date(value)
            elif key == "title" and not draft.headline:
                draft.headline = value
            elif key in ("author", "authors"):
                draft.byline = value
        elif line.startswith(".. "):
            flush()
            skipping_directive = True  # comments and directives: not prose
        elif not line.strip():
            flush()
        else:
            block.append(line.strip())
        i += 1
    flush()
    collector.finish()
    draft.number = number_from_title(draft.headline)
    return draft
