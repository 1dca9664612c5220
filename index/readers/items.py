"""How a linked item reads, in every format: its title, its blurb, its author, sponsor markers.

The conventions: a link is the item's title when the item opens with it (or it is most of the
item); then "by Name" right after it names the author, and "(ad)" or "(sponsored)" marks it as
an advertisement, which is no word of its text. A link inside a sentence ("X have been
[removed](url).") is not a title: the item reads as its sentence, link text in place.
"""

from __future__ import annotations

import re

from index.readers.textutil import looks_like_person, squash

_SPONSOR = re.compile(
    r"\((?:ad|advert(?:isement)?|sponsor(?:ed)?|promoted|paid)\)"
    r"|\[(?:ad|sponsor(?:ed)?|promoted)\]",
    re.I,
)
_BY_WHOLE = re.compile(r"^by\s+(?P<name>[^,;()|]{2,60}?)[\s.,;:)]*$", re.I)
_BY_LEAD = re.compile(
    r"^by\s+(?P<name>[^,;()|:]{2,60}?)\s*(?:[,;:|]|\s[-–—])\s*(?P<rest>.*)$", re.I
)
_LEADING = " .,;:|-–—)"
# Where a sentence ends: punctuation, space, then what can open a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“‘(\[])")
_MAX_HEADLINE = 200
_CUT_AT = 150
# A link at least this share of its item is the item's title, wherever it sits.
TITLE_SHARE = 0.5


def strip_markers(text: str) -> str:
    """A text without sponsor markers such as "(ad)" or "[sponsored]"."""
    return squash(_SPONSOR.sub(" ", text))


def author_and_rest(after: str) -> tuple[str, str]:
    """Split what follows an item's title link: ("Ann Lee", "blurb") from " by Ann Lee - blurb".

    The name is taken when "by Name" is all there is, or when Name looks like a person's name
    and a separator follows it; the rest loses its leading punctuation (the title's full stop).
    """
    text = strip_markers(after).lstrip(_LEADING)
    whole = _BY_WHOLE.match(text)
    if whole is not None:
        return squash(whole.group("name")), ""
    lead = _BY_LEAD.match(text)
    if lead is not None and looks_like_person(lead.group("name").strip()):
        return squash(lead.group("name")), lead.group("rest").lstrip(_LEADING)
    return "", text


def split_sentence(text: str) -> tuple[str, str]:
    """(headline, rest) of an item whose link is not its title: its first sentence, then the rest.

    A first sentence too long for a headline is cut at a word boundary; the words stay once.
    """
    text = squash(text)
    match = _SENTENCE_END.search(text, 20)
    if match is not None and match.start() <= _MAX_HEADLINE:
        return text[: match.start()], text[match.end() :]
    if len(text) <= _MAX_HEADLINE:
        return text, ""
    cut = text.rfind(" ", 0, _CUT_AT)
    cut = cut if cut > 0 else _CUT_AT
    return text[:cut], text[cut:].strip()


def _find(line: str, label: str, hint: int) -> int:
    """Where the link's text sits in its line; `hint` is the length of the text before it."""
    if not label:
        return -1
    at = line.find(label, max(0, hint - 2)) if hint >= 0 else -1
    return at if at >= 0 else line.find(label)


def is_title(line: str, label: str, at: int) -> bool:
    """True when `label`, a link's text at `at` in `line`, is the line's title.

    It is when the line opens with it, when a label and a colon lead up to it ("Lille FP:
    [Meetup 11]", "RFC 2451: [title]"), or when it makes most of the line.
    """
    if at < 0:
        return False
    before = line[:at].rstrip()
    return (
        not any(c.isalnum() for c in before)
        or before.endswith(":")
        or len(label) >= TITLE_SHARE * len(line)
    )


def read_item(line: str, label: str, hint: int = -1) -> tuple[str, str, str]:
    """(headline, text, author) of an item's first line whose first link reads `label`.

    `hint` is the length of the (squashed) text before the link, when the caller knows it.
    """
    line = squash(line)
    label = squash(label)
    at = _find(line, label, hint)
    if not is_title(line, label, at):
        headline, rest = split_sentence(strip_markers(line))
        return headline, rest, ""
    before = line[:at].strip(" -–—:|,*_")
    after = line[at + len(label) :]
    headline = label
    # "[What's your killer feature](url)? Rust is super.": the question mark is the title's.
    stripped = after.lstrip()
    if stripped[:1] in ("?", "!") and headline[-1:] not in ("?", "!"):
        headline += stripped[0]
        after = stripped[1:]
    author, rest = author_and_rest(after)
    text = squash(f"{before} {rest}") if any(c.isalnum() for c in before) else rest
    return headline, text, author
