"""Plain-text helpers every reader shares: cleaning, promo lines, person names, issue numbers."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters other than tab and newline: stray bytes such as \x02 or ESC
# sequences in old posts carry no words and would end up as junk tokens.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# Subscription and email-client boilerplate that every issue repeats; indexing it would make
# every issue match "subscription" or "browser".
_PROMO = re.compile(
    r"\bunsubscribe\b"
    r"|\bupgrade to (?:a )?paid\b"
    r"|\bto receive\b.{0,80}\bnewsletter\b"
    r"|\bview (?:this (?:email|newsletter|issue) )?(?:in|on) (?:your |a |the )?(?:web )?browser\b"
    r"|\bforward (?:this|it) to a friend\b"
    r"|\bsubscribe (?:here|now|today|for free)\b"
    r"|\bmanage (?:your )?(?:subscription|email preferences|preferences)\b"
    r"|\bwant [\w'’ -]{1,40}? in your inbox\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A promo sentence is short; a long paragraph that merely mentions "unsubscribe" is real prose.
_PROMO_MAX_CHARS = 300

# Words that may sit inside a person's name without a capital ("Ruud van Asseldonk").
_NAME_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "al", "el", "ter"}
)
_NAME_WORD = re.compile(r"^[A-Z][\w'’.-]*$")
_ROLE_WORDS = frozenset(
    {
        "editor",
        "correspondent",
        "reporter",
        "writer",
        "columnist",
        "contributor",
        "director",
        "chief",
        "analyst",
        "founder",
        "author",
        "producer",
        "journalist",
        "publisher",
        "commentator",
        "curator",
        "staff",
        "host",
    }
)
_ISSUE_NUMBER = re.compile(r"(?:\bissue|\bno\.?|\bnumber|#)\s*#?\s*(\d{1,6})\b", re.IGNORECASE)
_TRAILING_NUMBER = re.compile(r"[A-Za-z]\s+(\d{1,6})$")


def clean_text(text: str) -> str:
    """Normalise line endings and drop control characters, keeping all other Unicode as-is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return _CONTROLS.sub("", text)


def squash(text: str) -> str:
    """Collapse runs of whitespace (newlines included) into single spaces and trim."""
    return " ".join(text.split())


def is_promo(text: str) -> bool:
    """True for short subscription / unsubscribe / view-in-browser lines."""
    return len(text) <= _PROMO_MAX_CHARS and _PROMO.search(text) is not None


def drop_promo(text: str) -> str:
    """A paragraph without its promo sentences ("Want X in your inbox? Subscribe here.")."""
    if _PROMO.search(text) is None:
        return text
    kept = [s for s in _SENTENCE_END.split(text) if not is_promo(s)]
    return " ".join(kept).strip()


def looks_like_person(text: str) -> bool:
    """True for a bare name line such as "Caitlin Allen" or "Ruud van Asseldonk"."""
    words = text.split()
    if not 2 <= len(words) <= 4 or len(text) > 40 or text[-1] in ".?!:;,":
        return False
    if not _NAME_WORD.match(words[0]) or not _NAME_WORD.match(words[-1]):
        return False
    return all(_NAME_WORD.match(w) or w in _NAME_PARTICLES for w in words)


def looks_like_role(text: str) -> bool:
    """True for a job-title line under a byline such as "Deputy Editor"."""
    words = text.replace(",", " ").split()
    if not 1 <= len(words) <= 6 or text[-1] in ".?!":
        return False
    return any(w.lower().strip("'’s") in _ROLE_WORDS for w in words)


def split_trailing_name(line: str) -> tuple[str, str]:
    """Split "Headline text Neil Collins" or "Headline by Ann Lee" into (headline, author).

    The name is the run of capitalised words at the end (two, or three when the headline
    itself is not written in title case); returns (line, "") when no name can be seen.
    """
    lowered = line.lower()
    at = lowered.rfind(" by ")
    if at > 0 and looks_like_person(line[at + 4 :].strip()):
        return line[:at].rstrip(" ,-–—:"), line[at + 4 :].strip()
    words = line.split()
    run = 0
    for word in reversed(words):
        is_name_word = _NAME_WORD.match(word) and not word.endswith((".", "?", "!", ":"))
        if is_name_word or (run and word in _NAME_PARTICLES):
            run += 1
        else:
            break
    capitals = sum(1 for w in words if w[:1].isupper())
    title_case = capitals >= 0.7 * len(words)
    take = min(run, 2 if title_case else 3)
    if take < 2 or take >= len(words) - 1:
        return line, ""
    return " ".join(words[:-take]), " ".join(words[-take:])


def split_sender(name: str) -> tuple[str, str]:
    """(writer, newsletter) from a sender name: "Ann Lee from The Weekly Lens", "Ann Lee | X".

    Split only when the part before the separator is a person's name, so that "Friends of
    the Earth" or "News from Nowhere" stay whole newsletter names: ("", name).
    """
    for separator in (" from ", " | ", " at ", " of ", " via ", " - ", " – "):
        writer, found, newsletter = name.partition(separator)
        if found and newsletter.strip() and looks_like_person(writer.strip()):
            return writer.strip(), newsletter.strip()
    return "", name.strip()


def number_from_title(title: str) -> int | None:
    """The issue number stated in a title: "Issue 150", "#700", "This Week in Rust 567"."""
    match = _ISSUE_NUMBER.search(title) or _TRAILING_NUMBER.search(title.strip())
    if match is None:
        return None
    value = int(match.group(1))
    # A bare trailing 4-digit year ("Rust 2024") is a year, not an issue number.
    if match.re is _TRAILING_NUMBER and 1900 <= value <= 2100:
        return None
    return value


def prettify_name(name: str) -> str:
    """Turn a folder name into a newsletter name: "this-week-in-rust" -> "This Week in Rust".

    Names that already carry capitals or spaces, and dotted names such as the newsgroup
    "alt.atheism", are kept as written; a trailing format word ("-html", "_md") is dropped.
    """
    if "." in name or " " in name or any(c.isupper() for c in name):
        return name
    words = [w for w in re.split(r"[-_]+", name) if w]
    while len(words) > 1 and words[-1] in {"html", "htm", "md", "markdown", "txt", "text", "eml"}:
        words.pop()
    small = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to"}
    pretty = [
        w if (i and w in small) or not w.isalpha() else w.capitalize() for i, w in enumerate(words)
    ]
    return " ".join(pretty)


def fold_for_compare(text: str) -> str:
    """A loose comparison key: case-folded letters and digits only."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in text if c.isalnum())
