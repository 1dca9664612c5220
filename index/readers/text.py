"""Plain-text issues: mail/news headers, headline, standfirst, lead, byline, sections of briefs.

The shape follows an email newsletter's plain-text body: line 1 the headline, line 2 the
standfirst, the lead article's paragraphs, a byline (name line, optional role line), then
ALL-CAPS (or ====/---- underlined) section headers carrying briefs. News articles (headline,
blank line, paragraphs) and Usenet posts (headers, blank line, post) are the same shape with
parts missing.
"""

from __future__ import annotations

import email.utils
import re
import string

from index.readers.dates import parse_date
from index.readers.draft import Draft
from index.readers.text_sections import URL, classify, section_briefs
from index.readers.textutil import (
    clean_text,
    drop_promo,
    fold_for_compare,
    is_promo,
    looks_like_person,
    looks_like_role,
    split_sender,
    squash,
)

# Field names may hold dots and underscores ("Article-I.D.:" in old Usenet posts).
_HEADER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9._-]{0,40}):(?:\s+(?P<value>.*))?$")
# Only these may open a header block, so that a first line like "Warning: rates rise" is
# still read as a headline.
_OPENING_HEADERS = frozenset(
    {
        "from",
        "subject",
        "date",
        "to",
        "cc",
        "newsgroups",
        "organization",
        "organisation",
        "message-id",
        "lines",
        "title",
        "author",
        "reply-to",
        "sender",
        "keywords",
        "summary",
        "distribution",
        "nntp-posting-host",
        "path",
        "mime-version",
        "content-type",
        "newsletter",
    }
)
# A sender with an organisation or a newsreader is a person posting, not a newsletter sending.
_POSTER_HEADERS = frozenset(
    {
        "organization",
        "organisation",
        "x-newsreader",
        "article-i.d.",
        "keywords",
        "summary",
        "distribution",
    }
)
_TOPIC_HEADERS = frozenset({"from", "subject", "date", "newsgroups", "title"})
# Headers only a news server or newsreader writes: the file is a Usenet post, whose sender is
# its writer and whose group is its newsletter.
_NEWS_HEADERS = frozenset(
    {"newsgroups", "lines", "nntp-posting-host", "path", "article-i.d.", "xref", "followup-to"}
)
_UNDERLINE = re.compile(r"^\s*(?:={3,}|-{3,}|~{3,}|\*{3,})\s*$")
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|sv|tr)\s*(?:\[\d+\])?\s*:\s*|\[[^\]]{1,40}\]\s*)+", re.I
)
_NUMBER_PREFIX = re.compile(
    r"^\s*(?:issue\s*#?|no\.?\s*|#)\s*(?P<number>\d{1,6})\s*(?:[-–—:|.]\s*|$)", re.I
)
_NEWSLETTER_IN_PROMO = re.compile(
    r"\bpaid (?P<name>[A-Z][\w'’&-]*(?: [A-Z][\w'’&-]*){0,3}) subscription"
)
_NEWSLETTER_IN_SECTION = re.compile(
    r"^(?:ALSO ON|ON|MORE FROM|TODAY ON) (?P<name>[A-Z][A-Z '&-]{1,40}?)(?: TODAY)?$"
)
_ARTICLE = re.compile(r"^(?:The|A|An|Our|Your)\s")
# Lines longer than this were not hard-wrapped by a mail client: each is its own paragraph.
_WRAP_WIDTH = 100
_MAX_STANDFIRST = 300
_MAX_HEADER_CHARS = 60


def clean_subject(subject: str) -> tuple[str, int | None]:
    """Strip "Re:"/"Fwd:"/"[List]" prefixes; a leading "#700 - " or "Issue 700:" gives a number."""
    text = _SUBJECT_PREFIX.sub("", squash(subject))
    match = _NUMBER_PREFIX.match(text)
    if match is None:
        return text, None
    rest = text[match.end() :].strip()
    # "Issue 700" alone stays the headline; only a prefix before a real title is removed.
    return (rest or text), int(match.group("number"))


def sender_name(value: str) -> str:
    """The display name in a From header, else the mailbox part of the address."""
    name, address = email.utils.parseaddr(value)
    name = squash(name.strip("\"' "))
    if name:
        return name
    return address.split("@", 1)[0] if address else squash(value)


def _header_block(lines: list[str]) -> tuple[dict[str, str], int]:
    """Headers at the top of the text and the index of the first line after them."""
    headers: dict[str, str] = {}
    last = ""
    first = 0
    # Some archived posts start with a folded continuation of a header the archive cut off.
    while first < len(lines) and lines[first][:1] in (" ", "\t") and lines[first].strip():
        first += 1
    i = first
    for i in range(first, len(lines)):
        line = lines[i]
        if not line.strip():
            break
        if line[:1] in (" ", "\t") and last:
            headers[last] += " " + line.strip()
            continue
        match = _HEADER.match(line)
        key = match.group("key").lower() if match else ""
        opening = key in _OPENING_HEADERS or key.startswith("x-")  # "X-Mailer:" too
        if match is None or (not headers and not opening):
            if headers and _TOPIC_HEADERS & headers.keys():
                return headers, i  # headers then text with no blank line in between
            return {}, 0
        last = match.group("key").lower()
        headers.setdefault(last, (match.group("value") or "").strip())
    else:
        i = len(lines)
    if not _TOPIC_HEADERS & headers.keys():
        return {}, 0
    return headers, i


def _in_capitals(text: str) -> bool:
    """True for a line whose letters (three or more) are all capitals."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def mostly_capitals(lines: list[str]) -> bool:
    """True for a text typed in capitals (old wire copy): most of its letters are capitals."""
    text = "\n".join(lines)
    # ASCII letters counted by str.count (in C); the few other characters one by one.
    upper = sum(text.count(c) for c in string.ascii_uppercase)
    lower = sum(text.count(c) for c in string.ascii_lowercase)
    for c in _NON_ASCII.findall(text):
        if c.isalpha():
            upper += c.isupper()
            lower += c.islower()
    return upper > lower


def is_section_header(line: str, next_line: str, caps: bool = True) -> bool:
    """An ALL-CAPS short label (when `caps`), or any short line underlined with ==== or ----."""
    text = line.strip()
    if not text or len(text) > _MAX_HEADER_CHARS or _UNDERLINE.match(text):
        return False
    if not any(c.isalnum() for c in text):
        return False  # "--" over a rule of dashes opens a signature, not a section
    if _UNDERLINE.match(next_line):
        return True
    letters = [c for c in text if c.isalpha()]
    digits = sum(c.isdigit() for c in text)
    return (
        caps
        and _in_capitals(text)
        and digits < len(letters)  # "2000 GMT" is a kick-off time, not a heading
        and len(text.split()) <= 8
        and text[-1] not in ".,;"
        # A label names a section; "FATAL FORCE (MACROSPACE)" names a game and its maker.
        and not any(c in text for c in "()[]")
        # A line that runs on into a lower-case line is a sentence broken by wrapping.
        and not next_line.strip()[:1].islower()
    )


def _neighbours_in_capitals(lines: list[str], i: int) -> bool:
    """True when the nearest text line before or after line i is itself in capitals."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j].strip():
            j += step
        if 0 <= j < len(lines) and _in_capitals(lines[j]):
            return True
    return False


def section_starts(lines: list[str], first: int, caps: bool) -> list[int]:
    """Where each section starts: underlined headings, and capital labels standing alone.

    A line in capitals is a header only in a text that is not itself written in capitals, and
    only when the lines around it are not in capitals either (then it is part of that text).
    Line `first` (a header-less file's headline) is never a section.
    """
    caps = caps and not mostly_capitals(lines[first + 1 :])
    starts = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if i == first or not is_section_header(line, following, caps):
            continue
        if _UNDERLINE.match(following) or not _neighbours_in_capitals(lines, i):
            starts.append(i)
    return starts


def paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs from lines: blank-line separated blocks, hard-wrapped lines joined.

    A block whose lines run longer than a mail client wraps holds one paragraph per line.
    URLs are taken out of the prose (they are links, not words).
    """
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    out: list[str] = []
    for block in blocks:
        if not block:
            continue
        wrapped = max(len(line) for line in block) <= _WRAP_WIDTH
        candidates = [" ".join(block)] if wrapped else block
        for text in candidates:
            text = drop_promo(squash(URL.sub(" ", text)))
            if text:
                out.append(text)
    return out


def _apply_headers(draft: Draft, headers: dict[str, str]) -> None:
    """Use a header block: a Usenet post's sender is its writer, a newsletter's is its name."""
    subject = headers.get("subject") or headers.get("title") or ""
    draft.headline, draft.number = clean_subject(subject)
    if headers.get("author"):
        draft.byline = headers["author"]
    elif headers.get("from") and (_NEWS_HEADERS | _POSTER_HEADERS) & headers.keys():
        draft.byline = sender_name(headers["from"])
        draft.is_post = True
    elif headers.get("from"):
        writer, newsletter = split_sender(email.utils.parseaddr(headers["from"])[0])
        if not writer and looks_like_person(newsletter) and not _ARTICLE.match(newsletter):
            # "From: Christopher Morton": a person posting, not a newsletter sending.
            writer, newsletter = newsletter, ""
            draft.is_post = True
        draft.byline, draft.newsletter = writer, newsletter
        draft.authors = [writer] if writer else []
    if headers.get("date"):
        draft.date = parse_date(headers["date"])
    groups = [g.strip() for g in headers.get("newsgroups", "").split(",") if g.strip()]
    draft.groups = groups
    draft.newsletter = headers.get("newsletter") or (groups[0] if groups else draft.newsletter)
    draft.message_id = headers.get("message-id", "").strip()


def _take_byline(draft: Draft, lead: list[str], before_sections: bool) -> list[str]:
    """Lift a closing "Name" / "Role" pair (or an opening "By Name" line) out of the lead.

    A closing name without a role is taken only where the byline block sits, between the
    lead and the sections: at the very end of an article it is as likely a title or a credit.
    """
    content = [i for i, line in enumerate(lead) if line.strip()]
    if not content:
        return lead
    last = lead[content[-1]].strip()
    before = lead[content[-2]].strip() if len(content) > 1 else ""
    if before and looks_like_person(before) and looks_like_role(last) and len(content) > 2:
        draft.byline, draft.authors = f"{before}, {last}", [before]
        return lead[: content[-2]]
    if before_sections and looks_like_person(last) and len(content) > 1:
        draft.byline, draft.authors = last, [last]
        return lead[: content[-1]]
    first = lead[content[0]].strip()
    if first.lower().startswith("by ") and looks_like_person(first[3:].strip()):
        draft.byline = first
        return lead[content[0] + 1 :]
    return lead


def _read_lead(draft: Draft, lead: list[str], from_headers: bool, before_sections: bool) -> None:
    i = 0
    while i < len(lead) and not lead[i].strip():
        i += 1
    # A standfirst is the line right under a headline line, so only when the lead has one.
    headline_line = False
    if i < len(lead):
        first = squash(lead[i])
        if not draft.headline and from_headers:
            draft.headline = first[:150]  # a post with no subject: name it by its first line
        elif not draft.headline or fold_for_compare(first) == fold_for_compare(draft.headline):
            draft.headline = draft.headline or first
            headline_line = True
            i += 1
        if headline_line and i < len(lead) and _UNDERLINE.match(lead[i]):
            i += 1
        if headline_line and i < len(lead) and lead[i].strip():
            second = lead[i].strip()
            third = lead[i + 1] if i + 1 < len(lead) else ""
            seed_shaped = not third.strip() or is_promo(third.strip()) or len(third) > _WRAP_WIDTH
            if len(second) <= _MAX_STANDFIRST and not is_promo(second) and seed_shaped:
                draft.standfirst = squash(second)
                i += 1
    rest = [line for line in lead[i:] if not is_promo(line.strip())]
    if from_headers and draft.byline:
        # A post's signature follows its last "-- " line; the From header already names the
        # writer. A "--" before any text is a separator, not a signature.
        marks = [j for j, line in enumerate(rest) if line.rstrip() == "--"]
        if marks and any(line.strip() for line in rest[: marks[-1]]):
            rest = rest[: marks[-1]]
    else:
        rest = _take_byline(draft, rest, before_sections)
    draft.paragraphs.extend(paragraphs(rest))


def _infer_newsletter(draft: Draft, lines: list[str]) -> None:
    for line in lines:
        match = _NEWSLETTER_IN_PROMO.search(line)
        if match:
            draft.newsletter = match.group("name")
            return
    for name in draft.sections:
        match = _NEWSLETTER_IN_SECTION.match(name)
        if match:
            draft.newsletter = match.group("name").title()
            return


def read_text(text: str, headline: str = "") -> Draft:
    """Read one plain-text issue (already decoded and cleaned) into a Draft.

    `headline` is one known from elsewhere (an email's Subject); the text's first line is then
    taken as the headline only when it repeats it.
    """
    lines = [line.rstrip() for line in clean_text(text).split("\n")]
    draft = Draft()
    headers, start = ({}, 0) if headline else _header_block(lines)
    if headers:
        _apply_headers(draft, headers)
    if headline:
        draft.headline, draft.number = clean_subject(headline)
    from_headers = bool(headers) or bool(headline)
    # A Usenet post shouts in capitals now and then; only underlined headings are its sections.
    caps_sections = not (_NEWS_HEADERS | _POSTER_HEADERS) & headers.keys()
    lines = lines[start:]
    # Where each section starts; the first line of a header-less file is the headline, never
    # a section, even when it is written in capitals.
    first_content = next((i for i, line in enumerate(lines) if line.strip()), 0)
    starts = section_starts(lines, -1 if from_headers else first_content, caps_sections)
    lead_end = starts[0] if starts else len(lines)
    _read_lead(draft, lines[:lead_end], from_headers, before_sections=bool(starts))
    for n, start_at in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        name = squash(lines[start_at])
        draft.add_section(name)
        body = lines[start_at + 1 : end]
        if body and _UNDERLINE.match(body[0]):
            body = body[1:]
        content = [squash(line) for line in body if line.strip() and not is_promo(line.strip())]
        kind = classify(name, content)
        if kind == "prose":
            draft.paragraphs.extend(paragraphs(body))
        else:
            draft.briefs.extend(section_briefs(name, kind, content))
    for line in lines:
        for match in URL.finditer(line):
            draft.add_link(match.group(0).strip("<>"))
    if not draft.newsletter:
        _infer_newsletter(draft, lines)
    return draft
