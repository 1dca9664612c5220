"""Names a reader would use: the newsletter its own words name, a headline for a bare file."""

from __future__ import annotations

import re

from index.readers.textutil import squash

# A newsletter name: capitalised words, with the small words titles keep inside them.
_NAME = r"(?P<name>[A-Z][\w'’&.+-]*(?:\s+(?:[A-Z0-9][\w'’&.+-]*|of|in|the|and|on|for|&)){0,6})"
# "another issue of This Week in Rust", "issue 88 of Compiler Corner", "this edition of X"; not
# "the 29 March 1993 edition of Time", which cites another publication.
_ISSUE_OF = re.compile(
    r"(?i:\b(?:another|this|this week's|today's|the latest|the first|our)\s+"
    r"(?:issue|edition|instalment|installment)|\b(?:issue|edition|number)\s+#?\d+)"
    r"\s+of\s+(?:the\s+)?" + _NAME
)
# "Welcome to Haskell Weekly!": only when the name ends in a word that names a publication.
_WELCOME = re.compile(r"\b[Ww]elcome (?:back )?to (?:the )?" + _NAME)
_PUBLICATION_WORDS = frozenset(
    {
        "weekly",
        "daily",
        "monthly",
        "newsletter",
        "digest",
        "news",
        "letter",
        "letters",
        "bulletin",
        "dispatch",
        "roundup",
        "review",
        "journal",
        "report",
        "briefing",
        "update",
        "updates",
        "notes",
        "gazette",
        "times",
        "post",
        "corner",
        "chronicle",
    }
)
_TRAILING_SMALL = re.compile(r"(?:\s+(?:of|in|the|and|on|for|&))+$")
# "issue-401", "no_12", "#7", "401": a numbered issue (a date such as "2021-02-03" is not).
_STEM_NUMBER = re.compile(
    r"^(?:.*?\b)?(?:(?:issue|no|number|nr|edition)[-_ #]*|#)(?P<n>\d{1,5})$|^(?P<bare>\d{1,5})$",
    re.I,
)
_LEADING_DATE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?[-_ ]*")
_SCAN_CHARS = 2000


def _clean(name: str) -> str:
    name = _TRAILING_SMALL.sub("", squash(name)).rstrip(".'’")
    return name


def stated_newsletter(texts: list[str]) -> str:
    """The newsletter the opening text names ("welcome to another issue of X"), or ""."""
    opening = " ".join(texts)[:_SCAN_CHARS]
    match = _ISSUE_OF.search(opening)
    if match is not None:
        return _clean(match.group("name"))
    for found in _WELCOME.finditer(opening):
        name = _clean(found.group("name"))
        if name.split()[-1].lower().strip(".,!?") in _PUBLICATION_WORDS:
            return name
    return ""


def stem_headline(stem: str, newsletter: str, number: int | None) -> str:
    """A headline for a file that states none: "Haskell Weekly issue 401" for `issue-401`.

    A numbered file is its newsletter's issue N; any other stem is read as words ("privacy
    policy" from `privacy-policy`, a leading date dropped).
    """
    match = _STEM_NUMBER.match(stem)
    if match is not None:
        n = number if number is not None else int(match.group("n") or match.group("bare"))
        return f"{newsletter} issue {n}" if newsletter else f"Issue {n}"
    words = re.split(r"[-_\s]+", _LEADING_DATE.sub("", stem))
    text = " ".join(w for w in words if w)
    return (text[:1].upper() + text[1:]) if text else stem
